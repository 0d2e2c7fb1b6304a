/**
 * The origin's REST vocabulary: job status names and the `/api/status/{id}` record, mapped from a Job.
 * Kept field for field so scripts written against the origin keep working.
 */
import type { Job, JobStatus } from '../../shared';

export type OriginStatus = 'pending' | 'processing' | 'complete' | 'error' | 'cancelled';

export const TO_ORIGIN_STATUS: Record<JobStatus, OriginStatus> = {
  queued: 'pending',
  processing: 'processing',
  completed: 'complete',
  failed: 'error',
  cancelled: 'cancelled',
};

const FROM_ORIGIN: Record<string, JobStatus> = {
  pending: 'queued',
  processing: 'processing',
  complete: 'completed',
  error: 'failed',
  cancelled: 'cancelled',
};

/** Accepts both vocabularies (origin `complete`, contract `completed`); null for an unknown name. */
export function parseStatusName(name: string): JobStatus | null {
  const n = name.trim().toLowerCase();
  if (Object.hasOwn(FROM_ORIGIN, n)) return FROM_ORIGIN[n];
  if (Object.hasOwn(TO_ORIGIN_STATUS, n)) return n as JobStatus;
  return null;
}

export interface OriginStatusRecord {
  job_id: string;
  status: OriginStatus;
  progress: number;
  stage: string | null;
  /** seconds since the job started (to completion once finished); null before it started */
  elapsed: number | null;
  /** seconds, extrapolated from progress so far; null when unknown */
  estimated_remaining: number | null;
  error_message: string | null;
  error_code: string | null;
  file_name: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const round = (x: number): number => Math.round(x * 1000) / 1000;

export function toOriginStatus(job: Job, now: number): OriginStatusRecord {
  const running = job.status === 'processing';
  const end = job.completedAt ?? (running ? now : null);
  const elapsed = job.startedAt !== null && end !== null ? Math.max(0, (end - job.startedAt) / 1000) : null;
  // linear extrapolation; only meaningful once some progress was made, and only while running
  const remaining = running && elapsed !== null && job.progress > 0.01 ? (elapsed * (1 - job.progress)) / job.progress : null;
  return {
    job_id: job.id,
    status: TO_ORIGIN_STATUS[job.status],
    progress: job.status === 'completed' ? 1 : job.progress,
    stage: job.stage,
    elapsed: elapsed === null ? null : round(elapsed),
    estimated_remaining: remaining === null ? null : round(remaining),
    error_message: job.errorMessage,
    error_code: job.errorCode,
    file_name: job.fileName,
    created_at: new Date(job.createdAt).toISOString(),
    started_at: iso(job.startedAt),
    completed_at: iso(job.completedAt),
  };
}
