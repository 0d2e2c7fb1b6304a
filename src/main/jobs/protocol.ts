/**
 * Messages between the runner (main thread) and an analysis worker.
 * The worker is untrusted in the sense that it may be buggy: everything it sends is validated here
 * before it reaches the store. Errors cross the boundary as {code, message} only (no stacks, no objects).
 */
import { z } from 'zod';
import { ERROR_CODES, JobSummarySchema, SongMapSchema } from '../../shared';
import type { JobSummary, SongMap } from '../../shared';

/** main → worker: analyse one file. */
export interface RunMessage {
  type: 'run';
  jobId: string;
  path: string;
  expected: { sizeBytes: number; mtimeMs: number } | null;
}

const jobId = z.string().min(1).max(64);

export const WorkerMessageSchema = z.discriminatedUnion('type', [
  /** sent once when the worker has loaded the engine and listens: it is warm */
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('progress'),
    jobId,
    stage: z.string().min(1).max(64),
    fraction: z.number().finite(),
  }),
  z.object({
    type: z.literal('done'),
    jobId,
    songMap: SongMapSchema,
    summary: JobSummarySchema,
    /** CPU ms of the job's decoder process (not the worker's own; absent where it is not known) */
    decoderCpuMs: z.number().finite().nonnegative().max(1e9).optional(),
  }),
  z.object({
    type: z.literal('error'),
    jobId,
    code: z.enum(ERROR_CODES),
    message: z.string().max(2000),
  }),
]);
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; jobId: string; stage: string; fraction: number }
  | { type: 'done'; jobId: string; songMap: SongMap; summary: JobSummary; decoderCpuMs?: number }
  | { type: 'error'; jobId: string; code: (typeof ERROR_CODES)[number]; message: string };

/** What a worker entry runs: the engine's analyzeFile, or a test double with the same signature. */
export type AnalyzeFn = (
  path: string,
  opts: {
    jobId: string;
    signal?: AbortSignal;
    onProgress?: (stage: string, fraction: number) => void;
    expected?: { sizeBytes: number; mtimeMs: number };
  },
) => Promise<{ songMap: SongMap; summary: JobSummary }>;

export type ParsedWorkerMessage = { ok: true; msg: WorkerMessage } | { ok: false; reason: string };

export function parseWorkerMessage(raw: unknown): ParsedWorkerMessage {
  const r = WorkerMessageSchema.safeParse(raw);
  if (r.success) return { ok: true, msg: r.data as WorkerMessage };
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'message';
  const detail = (issue?.message ?? 'unknown').slice(0, 120);
  return { ok: false, reason: `invalid worker message (${where.slice(0, 60)}: ${detail})` };
}
