import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { groupsOf, main, parseArgs } from './accuracy';
import { partOf } from './parts';
import type { GroundTruth } from './metrics/score';

const gt = (id: string, bpm: number): GroundTruth => ({
  id,
  source: 'synthetic',
  audio: `${id}.mp3`,
  duration_sec: 30,
  tempo: { bpm_global: bpm, curve: [[1, bpm]] },
  meter: { numerator: 3, denominator: 4 },
  loudness: { integrated_lufs: -20 },
  flags: { drums: id === 'a', tempo_varies: false, key_changes: false },
  music: { start_sec: 1, end_sec: 29 },
});

describe('bench:accuracy', () => {
  it('parses its arguments and refuses a missing corpus', () => {
    expect(parseArgs(['c', '--pred', 'p', '--json', 'j', '--only', 'a,b'])).toMatchObject({
      corpus: 'c',
      pred: 'p',
      json: 'j',
    });
    expect(() => parseArgs([])).toThrow(/usage/);
  });

  it('groups songs by the corpus flags', () => {
    expect(groupsOf(gt('a', 100))).toEqual([
      'source=synthetic',
      'drums=yes',
      'tempo_varies=no',
      'key_changes=no',
      'meter=3/4',
    ]);
  });

  it('scores a --pred folder: a missing file counts 0, a never-predicted field is "not predicted"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acc-'));
    mkdirSync(join(dir, 'gt'));
    mkdirSync(join(dir, 'pred'));
    writeFileSync(join(dir, 'gt', 'a.gt.json'), JSON.stringify(gt('a', 100)));
    writeFileSync(join(dir, 'gt', 'b.gt.json'), JSON.stringify(gt('b', 120)));
    // song a: right tempo, loudness 0.5 LU off, no meter; song b: no prediction file at all
    writeFileSync(
      join(dir, 'pred', 'a.json'),
      JSON.stringify({ tempo: { bpm_global: 101, curve: [] }, loudness: { integrated_lufs: -20.5 } }),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await main([dir, '--pred', join(dir, 'pred'), '--json', join(dir, 'out.json')]);
    log.mockRestore();
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(out.means.tempo_acc1).toEqual({ mean: 0.5, n: 2, missing: 1 }); // (1 + 0) / 2
    expect(out.means.lufs_err.mean).toBeCloseTo(0.5, 12);
    expect(out.not_predicted).toContain('meter');
    expect(out.problems[0]).toMatch(/^b: no prediction file/);
    expect(out.breakdown['drums=yes'].tempo_acc1.mean).toBe(1);
  });

  it('splits a generated set by song number: even ids tuned on, odd ids untouched', () => {
    expect(['w0001', 'w0002', 'w0399', 'w0400', 's01', 'm02'].map(partOf)).toEqual([
      'held',
      'tune',
      'held',
      'tune',
      null,
      null,
    ]);
  });

  it('--wide scores both parts side by side and the drop between them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acc-'));
    for (const d of ['dev/gt', 'wide/gt', 'pred']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'dev', 'gt', 's01.gt.json'), JSON.stringify(gt('s01', 100)));
    for (const [id, bpm] of [
      ['w0001', 100],
      ['w0002', 100],
      ['w0003', 100],
      ['w0004', 100],
    ] as const)
      writeFileSync(join(dir, 'wide', 'gt', `${id}.gt.json`), JSON.stringify(gt(id, bpm)));
    // tuned part (w0002, w0004) both right; untouched part (w0001 right, w0003 wrong): drop 0.5
    for (const [id, bpm] of [
      ['s01', 100],
      ['w0001', 100],
      ['w0002', 100],
      ['w0003', 150],
      ['w0004', 100],
    ] as const)
      writeFileSync(
        join(dir, 'pred', `${id}.json`),
        JSON.stringify({ tempo: { bpm_global: bpm, curve: [] } }),
      );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await main([
      join(dir, 'dev'),
      '--wide',
      join(dir, 'wide'),
      '--pred',
      join(dir, 'pred'),
      '--json',
      join(dir, 'out.json'),
    ]);
    const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
    log.mockRestore();
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(out.wide.tune.songs.map((s: { id: string }) => s.id)).toEqual(['w0002', 'w0004']);
    expect(out.wide.held.songs.map((s: { id: string }) => s.id)).toEqual(['w0001', 'w0003']);
    expect(out.wide.tune.means.tempo_acc1.mean).toBe(1);
    expect(out.wide.held.means.tempo_acc1.mean).toBe(0.5);
    expect(out.wide.drop.tempo_acc1).toBe(0.5);
    expect(printed).toMatch(/wide, untouched \(2\)/);
    expect(printed).toMatch(/drop tuned → untouched/);
  });
});
