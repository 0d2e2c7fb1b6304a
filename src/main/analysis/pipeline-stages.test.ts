/** A stage that throws is recorded as failed and the job still completes (rhythm mocked to throw). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { analyzeFile } from './pipeline';
import { encodeWav } from './wav';

vi.mock('./rhythm', () => ({
  analyzeRhythm: () => {
    throw new Error('boom in rhythm');
  },
}));

const dir = mkdtempSync(join(tmpdir(), 'pipeline-stages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stage isolation', () => {
  it('a throwing rhythm stage → tempo/beats/meter failed with the reason, empty fields, other stages still run', async () => {
    const sr = 22050;
    const x = Float32Array.from({ length: sr * 5 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / sr));
    const p = join(dir, 'a.wav');
    writeFileSync(p, encodeWav(x, { sampleRate: sr, channels: 1 }));
    const { songMap, summary } = await analyzeFile(p, { jobId: 'x', inputSha256: 'f'.repeat(64) });
    // a hash the runner already computed is recorded as given, not recomputed
    expect(songMap.provenance.input_sha256).toBe('f'.repeat(64));
    for (const s of ['tempo', 'beats', 'meter'] as const) {
      expect(songMap.stages[s]).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining('boom in rhythm'),
      });
    }
    expect(songMap.tempo).toBeNull();
    expect(songMap.beats).toEqual([]);
    expect(songMap.downbeats).toEqual([]);
    expect(songMap.meter).toBeNull();
    expect(summary.bpm).toBeNull();
    expect(songMap.stages.loudness!.status).toBe('ok');
    expect(songMap.stages.decode!.status).toBe('ok');
    expect(songMap.stages.key).toBeDefined();
  }, 60_000);
});
