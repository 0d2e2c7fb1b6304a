import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SongMapSchema } from '../../shared/songmap';
import { parseArgs, runCli } from './cli';
import { encodeWav } from './wav';

const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseArgs', () => {
  it('takes files and --out in any order, and everything after -- as files', () => {
    expect(parseArgs(['a.mp3', '--out', 'o', 'b.wav'])).toEqual({ files: ['a.mp3', 'b.wav'], outDir: 'o' });
    expect(parseArgs(['--out=x', '--', '-odd.mp3'])).toEqual({ files: ['-odd.mp3'], outDir: 'x' });
    expect(parseArgs([])).toHaveProperty('error');
    expect(parseArgs(['a.mp3', '--out'])).toHaveProperty('error');
  });
});

describe('runCli', () => {
  it('writes one schema-valid <name>.json per good file, prints CODE for bad ones, exits 1', async () => {
    const sr = 22050;
    const good = join(dir, 'good one.wav');
    writeFileSync(
      good,
      encodeWav(
        Float32Array.from({ length: sr * 5 }, (_, i) => 0.3 * Math.sin(i / 5)),
        { sampleRate: sr, channels: 1 },
      ),
    );
    const bad = join(dir, 'bad.mp3');
    writeFileSync(bad, 'not audio at all, just text'.repeat(20));
    const out: string[] = [];
    const err: string[] = [];
    const outDir = join(dir, 'out');
    const code = await runCli([good, bad, '--out', outDir], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(code).toBe(1);
    const map = JSON.parse(readFileSync(join(outDir, 'good one.json'), 'utf8')) as unknown;
    expect(SongMapSchema.safeParse(map).success).toBe(true);
    expect(out).toHaveLength(1);
    expect(err).toEqual([expect.stringMatching(/^.*bad\.mp3: E_UNSUPPORTED_FORMAT /)]);
  }, 60_000);

  it('exits 0 when every file succeeds, and 2 on a usage error', async () => {
    const sr = 22050;
    const a = join(dir, 'a.wav');
    writeFileSync(
      a,
      encodeWav(
        Float32Array.from({ length: sr * 2 }, (_, i) => 0.3 * Math.sin(i / 3)),
        { sampleRate: sr, channels: 1 },
      ),
    );
    const sink = { out: () => {}, err: () => {} };
    expect(await runCli([a, '--out', join(dir, 'o2')], sink)).toBe(0);
    expect(await runCli([], sink)).toBe(2);
  }, 60_000);
});
