/**
 * The real worker entry (worker.ts → analysis/pipeline.ts analyzeFile) under the runner:
 * generated audio is analysed in a worker thread and the engine's song map lands in the store.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('cancel while ffmpeg decodes leaves no ffmpeg process behind', async () => {
    h = await makeHarness({ workerPath: REAL_WORKER, concurrency: 1 });
    const mp3 = join(h.filesDir, `cancel-probe-${process.pid}.mp3`);
    // 5 s encoded once (encoding is slow on a busy machine), then its bare MP3 frames repeated:
    // frames concatenate, so this is a valid 10-minute MP3 that ffmpeg decodes for a while
    const seg = join(h.filesDir, 'seg.mp3');
    execFileSync(ffmpeg.path, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=5',
      '-b:a',
      '64k',
      '-write_xing',
      '0',
      '-id3v2_version',
      '0',
      seg,
    ]);
    writeFileSync(mp3, Buffer.concat(new Array<Buffer>(120).fill(readFileSync(seg))));
    const ffmpegFor = (): string[] => {
      try {
        return execFileSync('pgrep', ['-a', '-f', mp3])
          .toString()
          .split('\n')
          .filter((l) => l.includes('ffmpeg'));
      } catch {
        return []; // pgrep exits 1 when nothing matches
      }
    };
    const { jobs } = (await h.call('jobs.submit', { paths: [mp3] })) as { jobs: Job[] };
    const id = (jobs[0] as Job).id;
    await h.waitForJob(id, (j) => j.status === 'processing');
    await vi.waitFor(() => expect(ffmpegFor().length).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });
    await h.call('jobs.cancel', { ids: [id] });
    await vi.waitFor(() => expect(ffmpegFor()).toEqual([]), { timeout: 5000, interval: 100 });
    expect(h.core.store.requireJob(id).status).toBe('cancelled');
  });
});
