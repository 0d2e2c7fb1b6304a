/**
 * The real worker entry (worker.ts → analysis/pipeline.ts analyzeFile) under the runner:
 * generated audio is analysed in a worker thread and the engine's song map lands in the store.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SongMapSchema } from '../../shared';
import type { Job } from '../../shared';
import { isTerminal, makeHarness, REAL_WORKER } from './testing/harness';
import type { Harness } from './testing/harness';
import { writeWav } from './testing/wav';

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

describe('real analysis worker', () => {
  it('analyses a generated WAV end to end; bad input fails with the engine’s code', async () => {
    h = await makeHarness({ workerPath: REAL_WORKER, concurrency: 1 });
    const song = writeWav(join(h.filesDir, 'click 120 – ünï.wav'), { seconds: 8, bpm: 120, freq: 220 });
    const fake = join(h.filesDir, '-not audio.mp3');
    writeFileSync(fake, 'this is not audio at all, just text pretending to be an mp3 file');
    const empty = join(h.filesDir, 'empty.wav');
    writeFileSync(empty, '');
    const { jobs } = (await h.call('jobs.submit', { paths: [song, fake, empty] })) as { jobs: Job[] };
    const [a, b, c] = await Promise.all(jobs.map((j) => (h as Harness).waitForJob(j.id, isTerminal, 50_000)));
    expect(a?.status, a?.errorMessage ?? '').toBe('completed');
    const map = SongMapSchema.parse(await h.call('jobs.songMap', { id: (a as Job).id }));
    expect(map.id).toBe(a?.id);
    expect(map.duration_sec).toBeCloseTo(8, 1);
    expect(map.stages.decode?.status).toBe('ok');
    expect(a?.summary?.durationSec).toBeCloseTo(8, 1);
    // progress reached the UI while it ran
    expect(h.eventsOf('job.progress').some((p) => p.id === a?.id)).toBe(true);
    expect([b?.status, b?.errorCode]).toEqual(['failed', 'E_UNSUPPORTED_FORMAT']);
    expect([c?.status, c?.errorCode]).toEqual(['failed', 'E_EMPTY']);
  });

  it('cancel during a real analysis terminates the worker; nothing stays processing', async () => {
    h = await makeHarness({ workerPath: REAL_WORKER, concurrency: 1 });
    const long = writeWav(join(h.filesDir, 'long.wav'), { seconds: 240, bpm: 100, freq: 330 });
    const { jobs } = (await h.call('jobs.submit', { paths: [long] })) as { jobs: Job[] };
    const id = (jobs[0] as Job).id;
    await h.waitForJob(id, (j) => j.status === 'processing');
    await h.call('jobs.cancel', { ids: [id] });
    await h.core.runner.whenIdle();
    expect(h.core.pool.size).toBe(0);
    expect(h.core.store.requireJob(id).status).toBe('cancelled');
    expect(h.core.store.stats().counts.processing ?? 0).toBe(0);
  });
});
