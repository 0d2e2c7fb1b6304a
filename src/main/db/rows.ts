/**
 * Row ↔ Job mapping. One SELECT list is shared by every read so a Job always looks the same.
 */
import type { ErrorCode, Job, JobStatus, JobSummary } from '../../shared';

export const JOB_COLUMNS = `
  j.id, j.status, j.created_at, j.started_at, j.completed_at, j.updated_at, j.progress, j.stage,
  j.error_code, j.error_message, j.input_path, j.file_name, j.size_bytes, j.mtime_ms, j.content_hash,
  j.attempts, j.analyzer_version, j.priority, j.reused_from,
  r.duration_sec, r.bpm, r.key_name, r.camelot, r.title, r.artist, r.result_bytes`;

/** jobs joined with their (always present) results row */
export const JOB_FROM = 'jobs j JOIN results r ON r.job_id = j.id';

export interface JobRow {
  id: string;
  status: JobStatus;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  updated_at: number;
  progress: number;
  stage: string | null;
  error_code: string | null;
  error_message: string | null;
  input_path: string;
  file_name: string;
  size_bytes: number | null;
  mtime_ms: number | null;
  content_hash: string | null;
  attempts: number;
  analyzer_version: string;
  priority: number;
  reused_from: string | null;
  duration_sec: number | null;
  bpm: number | null;
  key_name: string | null;
  camelot: string | null;
  title: string | null;
  artist: string | null;
  result_bytes: number;
}

export function rowToJob(row: JobRow): Job {
  // a summary only describes the current, completed analysis
  const summary: JobSummary | null =
    row.status === 'completed' && row.result_bytes > 0
      ? {
          durationSec: row.duration_sec,
          bpm: row.bpm,
          key: row.key_name,
          camelot: row.camelot,
          title: row.title,
          artist: row.artist,
        }
      : null;
  return {
    id: row.id,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
    progress: row.progress,
    stage: row.stage,
    errorCode: row.error_code as ErrorCode | null,
    errorMessage: row.error_message,
    inputPath: row.input_path,
    fileName: row.file_name,
    sizeBytes: row.size_bytes,
    mtimeMs: row.mtime_ms,
    contentHash: row.content_hash,
    attempts: row.attempts,
    analyzerVersion: row.analyzer_version,
    priority: row.priority,
    reusedFrom: row.reused_from,
    summary,
  };
}
