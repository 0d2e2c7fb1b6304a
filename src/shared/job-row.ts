/**
 * The list row of a full job, apart from the schemas in domain.ts: the renderer's history needs this
 * mapping at start-up, and importing it from domain.ts pulled the whole schema library (zod, ~100 KB)
 * into the first bundle the window parses.
 */
import type { Job, JobRow } from './domain';

/** the list row of a full job (e.g. one pushed by job.updated), equal to what `jobs.rows` reads */
export function toJobRow(job: Job): JobRow {
  const s = job.summary;
  return {
    id: job.id,
    status: job.status,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    fileName: job.fileName,
    inputPath: job.inputPath,
    errorCode: job.errorCode,
    errorMessage: job.errorMessage,
    durationSec: s?.durationSec ?? null,
    bpm: s?.bpm ?? null,
    key: s?.key ?? null,
    camelot: s?.camelot ?? null,
    title: s?.title ?? null,
    artist: s?.artist ?? null,
  };
}
