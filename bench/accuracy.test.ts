import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { groupsOf, main, parseArgs } from './accuracy';
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
    expect(parseArgs(['c', '--pred', 'p', '--json', 'j', '--only', 'a,b'])).toMatchObject({ corpus: 'c', pred: 'p', json: 'j' });
    expect(() => parseArgs([])).toThrow(/usage/);
  });

  it('groups songs by the corpus flags', () => {
    expect(groupsOf(gt('a', 100))).toEqual(['source=synthetic', 'drums=yes', 'tempo_varies=no', 'key_changes=no', 'meter=3/4']);
  });

  it('scores a --pred folder: a missing file counts 0, a never-predicted field is "not predicted"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acc-'));
    mkdirSync(join(dir, 'gt'));
    mkdirSync(join(dir, 'pred'));
    writeFileSync(join(dir, 'gt', 'a.gt.json'), JSON.stringify(gt('a', 100)));
    writeFileSync(join(dir, 'gt', 'b.gt.json'), JSON.stringify(gt('b', 120)));
    // song a: right tempo, loudness 0.5 LU off, no meter; song b: no prediction file at all
    writeFileSync(join(dir, 'pred', 'a.json'), JSON.stringify({ tempo: { bpm_global: 101, curve: [] }, loudness: { integrated_lufs: -20.5 } }));
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
});
