/**
 * Job rows: create, read, status transitions, progress, results, run queue, crash recovery.
 * Every function takes the writer connection explicitly; multi-statement writes run IMMEDIATE.
 */
import {
  AppError,
  JobSummarySchema,
  STATUS_TRANSITIONS,
  type Job,
  type JobStatus,
  type JobSummary,
  type SongMap,
} from '../../shared';
import type { NewJobInput, RecoveryReport, TransitionPatch } from './store-api';
import { JOB_COLUMNS, JOB_FROM, tupleToJob, type JobTuple } from './rows';
import { immediate, prepare, prepareRaw, type Db } from './sql';
import type { UlidGenerator } from './ulid';

const SELECT_BY_ID = `SELECT ${JOB_COLUMNS} FROM ${JOB_FROM} WHERE j.id = ?`;

export function getJob(db: Db, id: string): Job | null {
  const row = prepareRaw<[string]>(db, SELECT_BY_ID).get(id) as JobTuple | undefined;
  return row ? tupleToJob(row) : null;
}

export function requireJob(db: Db, id: string): Job {
  const job = getJob(db, id);
  if (!job) throw new AppError('E_JOB_NOT_FOUND', `No job with id ${id}`);
  return job;
}

export function getJobs(db: Db, ids: string[]): Job[] {
  const out: Job[] = [];
  for (const id of ids) {
    const job = getJob(db, id);
    if (job) out.push(job);
  }
  return out;
}

function validateInput(input: NewJobInput, index: number): void {
  const bad = (what: string) => new AppError('E_INVALID_REQUEST', `Job input ${index}: ${what}`);
  if (typeof input.inputPath !== 'string' || input.inputPath.length === 0) throw bad('inputPath is empty');
  if (typeof input.fileName !== 'string' || input.fileName.length === 0) throw bad('fileName is empty');
  if (typeof input.analyzerVersion !== 'string' || input.analyzerVersion.length === 0)
    throw bad('analyzerVersion is empty');
  if (input.sizeBytes !== null && !(Number.isFinite(input.sizeBytes) && input.sizeBytes >= 0))
    throw bad('sizeBytes is invalid');
  if (input.mtimeMs !== null && !Number.isFinite(input.mtimeMs)) throw bad('mtimeMs is invalid');
}

const INSERT_JOB = `INSERT INTO jobs (id, status, created_at, updated_at, input_path, file_name, size_bytes, mtime_ms,
  content_hash, analyzer_version, owns_input) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** All inputs in one IMMEDIATE transaction: one fsync acknowledges the whole drop. */
export function createJobs(
  db: Db,
  inputs: NewJobInput[],
  gen: UlidGenerator,
  now: number,
  ids?: string[],
): Job[] {
  if (ids && ids.length !== inputs.length) {
    throw new AppError('E_INVALID_REQUEST', `Got ${ids.length} ids for ${inputs.length} jobs`);
  }
  inputs.forEach(validateInput);
  const jobIds = ids ?? inputs.map(() => gen(now));
  if (new Set(jobIds).size !== jobIds.length)
    throw new AppError('E_DUPLICATE_ID', 'The same job id was given twice');
  const insertJob = prepare(db, INSERT_JOB);
  immediate(db, () => {
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      try {
        insertJob.run(
          jobIds[i],
          now,
          now,
          input.inputPath,
          input.fileName,
          input.sizeBytes,
          input.mtimeMs,
          input.contentHash,
          input.analyzerVersion,
          input.ownsInput ? 1 : 0,
        );
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new AppError('E_DUPLICATE_ID', `A job with id ${jobIds[i]} already exists`, { cause: e });
        }
        throw e;
      }
    }
  });
  return inputs.map((input, i) => ({
    id: jobIds[i],
    status: 'queued' as const,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    updatedAt: now,
    progress: 0,
    stage: null,
    errorCode: null,
    errorMessage: null,
    inputPath: input.inputPath,
    fileName: input.fileName,
    sizeBytes: input.sizeBytes,
    mtimeMs: input.mtimeMs,
    contentHash: input.contentHash,
    attempts: 0,
    analyzerVersion: input.analyzerVersion,
    priority: 0,
    reusedFrom: null,
    summary: null,
  }));
}

function assertLegal(from: JobStatus, to: JobStatus, id: string): void {
  if (!STATUS_TRANSITIONS[from].includes(to)) {
    throw new AppError('E_ILLEGAL_TRANSITION', `Job ${id} cannot go from ${from} to ${to}`);
  }
}

function assertProgress(progress: number): void {
  if (!Number.isFinite(progress) || progress < 0 || progress > 1) {
    throw new AppError('E_INVALID_REQUEST', `Progress must be within 0..1, got ${progress}`);
  }
}

const UPDATE_TRANSITION = `UPDATE jobs SET status = ?, started_at = ?, completed_at = ?, updated_at = ?, progress = ?,
  stage = ?, error_code = ?, error_message = ?, content_hash = ?, size_bytes = ?, mtime_ms = ?, attempts = ?,
  reused_from = ?, analyzer_version = ? WHERE id = ?`;
const CLEAR_SUMMARY = `UPDATE jobs SET duration_sec = NULL, bpm = NULL, key_name = NULL, camelot = NULL,
  title = NULL, artist = NULL, result_bytes = 0 WHERE id = ?`;
const CLEAR_SONG_MAP = 'DELETE FROM song_maps WHERE seq = (SELECT seq FROM jobs WHERE id = ?)';

const pick = <T>(v: T | undefined, fallback: T): T => (v === undefined ? fallback : v);

/**
 * Computes the row after a legal transition; the rules for each target status live here.
 * `engineVersion` is the analyzer version now running: a job queued again or completed is (or will
 * be) analysed by it, so its row says so and content-hash reuse matches across engine upgrades.
 */
function applyTransition(
  job: Job,
  to: JobStatus,
  patch: TransitionPatch,
  now: number,
  engineVersion: string,
): Job {
  const next: Job = {
    ...job,
    status: to,
    updatedAt: now,
    analyzerVersion: to === 'queued' || to === 'completed' ? engineVersion : job.analyzerVersion,
    contentHash: pick(patch.contentHash, job.contentHash),
    sizeBytes: pick(patch.sizeBytes, job.sizeBytes),
    mtimeMs: pick(patch.mtimeMs, job.mtimeMs),
  };
  switch (to) {
    case 'processing':
      return {
        ...next,
        startedAt: now,
        completedAt: null,
        progress: patch.progress ?? 0,
        stage: pick(patch.stage, null),
        errorCode: null,
        errorMessage: null,
      };
    case 'queued':
      return {
        ...next,
        startedAt: null,
        completedAt: null,
        progress: 0,
        stage: null,
        errorCode: null,
        errorMessage: null,
        reusedFrom: null,
        // a user retry starts the crash budget afresh; processing → queued (recovery) keeps counting
        attempts: job.status === 'processing' ? job.attempts : 0,
        summary: null,
      };
    case 'completed':
      return {
        ...next,
        completedAt: now,
        progress: 1,
        stage: pick(patch.stage, null),
        errorCode: null,
        errorMessage: null,
      };
    case 'failed':
    case 'cancelled':
      return {
        ...next,
        completedAt: now,
        progress: patch.progress ?? job.progress,
        stage: pick(patch.stage, job.stage),
        errorCode: pick(patch.errorCode, job.errorCode),
        errorMessage: pick(patch.errorMessage, job.errorMessage),
      };
  }
}

function writeJobState(db: Db, j: Job): void {
  prepare(db, UPDATE_TRANSITION).run(
    j.status,
    j.startedAt,
    j.completedAt,
    j.updatedAt,
    j.progress,
    j.stage,
    j.errorCode,
    j.errorMessage,
    j.contentHash,
    j.sizeBytes,
    j.mtimeMs,
    j.attempts,
    j.reusedFrom,
    j.analyzerVersion,
    j.id,
  );
}

export function transition(
  db: Db,
  id: string,
  to: JobStatus,
  patch: TransitionPatch,
  now: number,
  engineVersion: string,
): Job {
  if (patch.progress !== undefined) assertProgress(patch.progress);
  return immediate(db, () => {
    const job = requireJob(db, id);
    assertLegal(job.status, to, id);
    const next = applyTransition(job, to, patch, now, engineVersion);
    writeJobState(db, next);
    if (to === 'queued') {
      prepare(db, CLEAR_SUMMARY).run(id);
      prepare(db, CLEAR_SONG_MAP).run(id);
    }
    return requireJob(db, id);
  });
}

const WRITE_SUMMARY = `UPDATE jobs SET duration_sec = ?, bpm = ?, key_name = ?, camelot = ?, title = ?, artist = ?,
  result_bytes = ? WHERE id = ?`;
const WRITE_SONG_MAP = 'INSERT OR REPLACE INTO song_maps (seq, song_map) SELECT seq, ? FROM jobs WHERE id = ?';

function writeResult(db: Db, id: string, summary: JobSummary, json: string): void {
  prepare(db, WRITE_SUMMARY).run(
    summary.durationSec,
    summary.bpm,
    summary.key,
    summary.camelot,
    summary.title,
    summary.artist,
    Buffer.byteLength(json),
    id,
  );
  prepare(db, WRITE_SONG_MAP).run(json, id);
}

export function completeJob(
  db: Db,
  id: string,
  songMap: SongMap,
  summary: JobSummary,
  now: number,
  engineVersion: string,
): Job {
  const parsed = JobSummarySchema.safeParse(summary);
  if (!parsed.success)
    throw new AppError('E_INVALID_REQUEST', `Invalid job summary: ${parsed.error.message}`);
  // serialise before the transaction: no slow work while holding the write lock
  const json = JSON.stringify(songMap);
  return immediate(db, () => {
    const job = requireJob(db, id);
    assertLegal(job.status, 'completed', id);
    writeResult(db, id, parsed.data, json);
    writeJobState(db, applyTransition(job, 'completed', {}, now, engineVersion));
    return requireJob(db, id);
  });
}

const SELECT_RESULT = `SELECT j.duration_sec, j.bpm, j.key_name, j.camelot, j.title, j.artist, m.song_map
  FROM jobs j JOIN song_maps m ON m.seq = j.seq WHERE j.id = ? AND j.status = 'completed'`;

interface ResultRow {
  duration_sec: number | null;
  bpm: number | null;
  key_name: string | null;
  camelot: string | null;
  title: string | null;
  artist: string | null;
  song_map: string;
}

export function reuseResult(db: Db, id: string, fromJobId: string, now: number, engineVersion: string): Job {
  return immediate(db, () => {
    const job = requireJob(db, id);
    assertLegal(job.status, 'completed', id);
    const src = prepare<[string], ResultRow>(db, SELECT_RESULT).get(fromJobId);
    if (!src) throw new AppError('E_NOT_READY', `Job ${fromJobId} has no completed result to reuse`);
    const map = JSON.parse(src.song_map) as SongMap;
    // the song map carries its job's id (origin field), so the copy names the new job
    const json = JSON.stringify({ ...map, id });
    const summary: JobSummary = {
      durationSec: src.duration_sec,
      bpm: src.bpm,
      key: src.key_name,
      camelot: src.camelot,
      title: src.title,
      artist: src.artist,
    };
    writeResult(db, id, summary, json);
    writeJobState(db, { ...applyTransition(job, 'completed', {}, now, engineVersion), reusedFrom: fromJobId });
    return requireJob(db, id);
  });
}

const FIND_BY_HASH = `SELECT ${JOB_COLUMNS} FROM ${JOB_FROM}
  WHERE j.content_hash = ? AND j.analyzer_version = ? AND j.status = 'completed' AND j.result_bytes > 0
  ORDER BY j.completed_at DESC LIMIT 1`;

export function findCompletedByHash(db: Db, contentHash: string, analyzerVersion: string): Job | null {
  const row = prepareRaw<[string, string]>(db, FIND_BY_HASH).get(contentHash, analyzerVersion) as
    JobTuple | undefined;
  return row ? tupleToJob(row) : null;
}

export function getSongMap(db: Db, id: string): SongMap | null {
  const row = prepare<[string], ResultRow>(db, SELECT_RESULT).get(id);
  return row ? (JSON.parse(row.song_map) as SongMap) : null;
}

const NEXT_QUEUED = `SELECT ${JOB_COLUMNS} FROM jobs j INDEXED BY jobs_queue
  WHERE j.status = 'queued' ORDER BY j.priority DESC, j.id ASC LIMIT ?`;

export function nextQueued(db: Db, limit: number, excludeIds?: ReadonlySet<string>): Job[] {
  if (!Number.isInteger(limit) || limit <= 0) return [];
  const extra = excludeIds?.size ?? 0;
  const rows = prepareRaw<[number]>(db, NEXT_QUEUED).all(limit + extra) as JobTuple[];
  const out: Job[] = [];
  for (const row of rows) {
    if (excludeIds?.has(row[0] as string)) continue;
    out.push(tupleToJob(row));
    if (out.length === limit) break;
  }
  return out;
}

export function moveToTop(db: Db, id: string, now: number): Job {
  return immediate(db, () => {
    const job = requireJob(db, id);
    if (job.status !== 'queued') {
      throw new AppError(
        'E_ILLEGAL_TRANSITION',
        `Job ${id} is ${job.status}; only a queued job can move to the top`,
      );
    }
    const top = prepare<[], { p: number | null }>(
      db,
      "SELECT max(priority) AS p FROM jobs WHERE status = 'queued'",
    ).get();
    const first = nextQueued(db, 1)[0];
    if (first?.id !== id) {
      prepare(db, 'UPDATE jobs SET priority = ?, updated_at = ? WHERE id = ?').run(
        (top?.p ?? 0) + 1,
        now,
        id,
      );
    }
    return requireJob(db, id);
  });
}

/**
 * Start-up: a job found processing was interrupted by a crash. It goes back to the queue with one
 * more attempt, or fails with E_CRASHED once attempts reach maxAttempts (it may be what crashes us).
 */
export function recoverInterrupted(db: Db, maxAttempts: number, now: number): RecoveryReport {
  return immediate(db, () => {
    const rows = prepare<[], { id: string; attempts: number }>(
      db,
      "SELECT id, attempts FROM jobs WHERE status = 'processing' ORDER BY id",
    ).all();
    const report: RecoveryReport = { requeued: [], failed: [] };
    const requeue = prepare(
      db,
      "UPDATE jobs SET status = 'queued', attempts = ?, progress = 0, stage = NULL, started_at = NULL, updated_at = ? WHERE id = ?",
    );
    const fail = prepare(
      db,
      "UPDATE jobs SET status = 'failed', attempts = ?, completed_at = ?, updated_at = ?, error_code = 'E_CRASHED', error_message = ? WHERE id = ?",
    );
    for (const { id, attempts } of rows) {
      const next = attempts + 1;
      if (next >= maxAttempts) {
        fail.run(
          next,
          now,
          now,
          `Analysis was interrupted ${next} times (the app crashed or was killed); giving up`,
          id,
        );
        report.failed.push(id);
      } else {
        requeue.run(next, now, id);
        report.requeued.push(id);
      }
    }
    return report;
  });
}
