/**
 * A test double for the analysis worker: the same protocol host (worker-host.ts) around a scripted
 * analyze function, so the runner's failure paths (slow, crash, out of memory, bad messages) can be
 * exercised quickly and deterministically. The behaviour is chosen by a keyword in the file name:
 *   slow   → reports progress for ~30 s (cancel / timeout tests)
 *   tick   → reports progress every 5 ms for ~1.5 s, then completes (throttling tests)
 *   brief  → reports progress for ~200 ms, then completes (crash test)
 *   oom    → allocates until the heap cap kills the worker
 *   exit   → process.exit(3) from inside the worker
 *   throw  → throws a plain Error (→ E_ANALYSIS)
 *   apperr → throws AppError E_UNSUPPORTED_FORMAT
 *   garbage→ posts a message that violates the protocol
 *   touch  → completes after ~300 ms (the test modifies the file meanwhile)
 *   anything else → completes at once
 * The song map it returns says plainly that no stage ran: nothing is invented.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../shared';
import type { JobSummary, SongMap } from '../../../shared';
import { runWorkerHost } from '../worker-host';
import type { AnalyzeFn } from '../protocol';
import { emptySongMap } from '../../testing/songmap-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function emptyResult(jobId: string, path: string): { songMap: SongMap; summary: JobSummary } {
  const skipped = { status: 'skipped' as const, reason: 'test worker' };
  return {
    songMap: emptySongMap(jobId, {
      stages: { decode: skipped },
      provenance: { engine: 'fake-worker', engine_version: 'test', created_at: new Date(0).toISOString() },
    }),
    summary: { durationSec: null, bpm: null, key: null, camelot: null, title: basename(path), artist: null },
  };
}

const analyze: AnalyzeFn = async (path, opts) => {
  const name = basename(path);
  const report = opts.onProgress ?? (() => undefined);
  statSync(path);
  if (name.includes('slow')) {
    for (let i = 0; i < 600; i++) {
      report('decode', i / 600);
      await sleep(50);
    }
  } else if (name.includes('tick')) {
    for (let i = 0; i < 300; i++) {
      report(i < 150 ? 'decode' : 'rhythm', (i % 150) / 150);
      await sleep(5);
    }
  } else if (name.includes('brief')) {
    for (let i = 0; i < 10; i++) {
      report('decode', i / 10);
      await sleep(20);
    }
  } else if (name.includes('oom')) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1_000_000).fill(Math.random()));
  } else if (name.includes('exit')) {
    process.exit(3);
  } else if (name.includes('throw')) {
    throw new Error('stage exploded');
  } else if (name.includes('apperr')) {
    throw new AppError('E_UNSUPPORTED_FORMAT', 'Not an audio file');
  } else if (name.includes('garbage')) {
    parentPort?.postMessage({ type: 'done', jobId: opts.jobId, songMap: { nope: true } });
    await sleep(10_000);
  } else if (name.includes('touch')) {
    report('decode', 0.5);
    await sleep(300);
  }
  return emptyResult(opts.jobId, path);
};

runWorkerHost(analyze);
