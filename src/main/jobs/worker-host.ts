/**
 * The worker side of the protocol, shared by the real entry (worker.ts) and test workers.
 * A worker runs one job at a time; after `done`/`error` it waits for the next `run` (idle reuse).
 * It never touches the database: results go back to the main thread, which owns the only writer.
 */
import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../shared';
import type { AnalyzeFn, RunMessage, WorkerMessage } from './protocol';

const MAX_MESSAGE = 2000;

/** Only a code and a plain message cross the thread boundary. */
export function toErrorMessage(jobId: string, err: unknown): WorkerMessage {
  if (isAppError(err)) {
    return { type: 'error', jobId, code: err.code, message: String(err.message).slice(0, MAX_MESSAGE) };
  }
  const text = err instanceof Error ? err.message : String(err);
  return {
    type: 'error',
    jobId,
    code: 'E_ANALYSIS',
    message: `Analysis failed: ${text}`.slice(0, MAX_MESSAGE),
  };
}

export function runWorkerHost(
  analyze: AnalyzeFn,
  /** CPU ms of the decoders this thread has run so far (their processes are not the worker's) */
  decoderCpuMs?: () => number,
): void {
  const port = parentPort;
  if (!port) throw new Error('worker-host must run inside a worker thread');
  let busy = false;
  port.on('message', (raw: unknown) => {
    const msg = raw as Partial<RunMessage>;
    if (msg?.type !== 'run' || typeof msg.jobId !== 'string' || typeof msg.path !== 'string') return;
    if (busy) {
      port.postMessage(toErrorMessage(msg.jobId, new Error('worker is busy')));
      return;
    }
    busy = true;
    const jobId = msg.jobId;
    void (async () => {
      let out: WorkerMessage;
      const cpu0 = decoderCpuMs?.();
      try {
        const { songMap, summary } = await analyze(msg.path as string, {
          jobId,
          expected: msg.expected ?? undefined,
          onProgress: (stage, fraction) => port.postMessage({ type: 'progress', jobId, stage, fraction }),
        });
        out = { type: 'done', jobId, songMap, summary };
        if (cpu0 !== undefined) out.decoderCpuMs = Math.max(0, decoderCpuMs!() - cpu0);
      } catch (err) {
        out = toErrorMessage(jobId, err);
      }
      busy = false;
      try {
        port.postMessage(out);
      } catch (err) {
        // a result that cannot be cloned is a bug in the engine, reported as such rather than hanging
        port.postMessage(toErrorMessage(jobId, err));
      }
    })();
  });
  // the entry's imports (the whole engine) are loaded by now: tell the pool this worker is warm
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
