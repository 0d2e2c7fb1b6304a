/**
 * The job store's public surface. Implemented by ./store.ts over one better-sqlite3 writer connection
 * (plain Node, never imports electron). The runner, the core handlers and the HTTP server use only this.
 *
 * All methods are synchronous (better-sqlite3) except open/backup/quick-check, which run off the
 * calling thread where they can take long. Every write runs in an IMMEDIATE transaction.
 * Errors are AppError with codes from src/shared/errors.ts.
 */
import type {
  BackupEntry,
  BackupInfo,
  CleanupResult,
  Edits,
  Job,
  JobRow,
  JobStatus,
  JobSummary,
  ListPage,
  ListQueryParsed,
  RowPage,
  Settings,
  SongMap,
  Stats,
  ErrorCode,
} from '../../shared';

export interface NewJobInput {
  inputPath: string;
  fileName: string;
  sizeBytes: number | null;
  mtimeMs: number | null;
  contentHash: string | null;
  analyzerVersion: string;
  /** the store owns this input file (an upload copied into <dataDir>/uploads): delete removes it */
  ownsInput?: boolean;
}

/** the contract's CleanupResult plus the ids of the deleted jobs (none for a dry run), for jobs.removed */
export type StoreCleanupResult = CleanupResult & { ids: string[] };

export interface TransitionPatch {
  progress?: number;
  stage?: string | null;
  errorCode?: ErrorCode | null;
  errorMessage?: string | null;
  contentHash?: string | null;
  sizeBytes?: number | null;
  mtimeMs?: number | null;
}

export interface RecoveryReport {
  /** processing → queued (attempts + 1) */
  requeued: string[];
  /** processing with attempts already at the limit → failed E_CRASHED */
  failed: string[];
}

export interface JobStore {
  readonly dataDir: string;
  readonly dbPath: string;

  /**
   * Runs `fn` in ONE immediate transaction; store writes inside it join it (savepoints), so a bulk
   * action (cancel/retry of 10,000 jobs) costs one fsync instead of one per job. No await inside.
   * Optional: callers fall back to one transaction per call without it.
   */
  batch?<T>(fn: () => T): T;
  /** Inserts all in ONE immediate transaction (one fsync); ids are fresh ULIDs unless given. Duplicate id → E_DUPLICATE_ID. */
  createJobs(inputs: NewJobInput[], ids?: string[]): Job[];
  getJob(id: string): Job | null;
  /** like getJob but throws E_JOB_NOT_FOUND */
  requireJob(id: string): Job;
  getJobs(ids: string[]): Job[];
  /** Status change with legality check (STATUS_TRANSITIONS); sets started/completed/updated times; E_ILLEGAL_TRANSITION, E_JOB_NOT_FOUND. */
  transition(id: string, to: JobStatus, patch?: TransitionPatch): Job;
  /**
   * Records progress/stage of a processing job (the runner throttles calls to ~1/s per job).
   * Readers see it at once; it reaches the disk within ~1 s, batched with other jobs' progress in
   * one transaction (progress is advisory: crash recovery resets it anyway). Missing job →
   * E_JOB_NOT_FOUND; not processing → E_ILLEGAL_TRANSITION; outside 0..1 → E_INVALID_REQUEST.
   */
  updateProgress(id: string, progress: number, stage: string | null): void;
  /** Stores the validated song map + summary and marks the job completed, in one transaction. */
  completeJob(id: string, songMap: SongMap, summary: JobSummary): Job;
  /** Completes a queued job by copying another job's result (same content hash + analyzer version). */
  reuseResult(id: string, fromJobId: string): Job;
  findCompletedByHash(contentHash: string, analyzerVersion: string): Job | null;
  getSongMap(id: string): SongMap | null;
  listJobs(query: ListQueryParsed): ListPage;
  /**
   * The history's list rows (JobRow, 14 columns instead of a Job's 26): the same query, filters,
   * order and cursors as listJobs, page and total read in one read transaction.
   */
  listRows(query: ListQueryParsed): RowPage;
  /** one list row by id, by a statement prepared on first use per writer connection; null when there is no such job */
  getRow(id: string): JobRow | null;
  /** queued jobs in run order: priority desc, then id asc */
  nextQueued(limit: number, excludeIds?: ReadonlySet<string>): Job[];
  moveToTop(id: string): Job;
  /** Deletes rows, results, edits and owned files; returns how many jobs were deleted. */
  deleteJobs(ids: string[]): number;
  /** Finished jobs (completed/failed/cancelled) whose completedAt (or updatedAt) is older than now - days. */
  cleanup(olderThanDays: number, dryRun: boolean, now?: number): StoreCleanupResult;
  getEdits(id: string): Edits | null;
  setEdits(id: string, edits: Edits | null): Edits | null;
  getSettings(): Settings;
  setSettings(patch: Partial<Settings>): Settings;
  /** Start-up: processing → queued with attempts+1, or failed E_CRASHED at the attempt limit. */
  recoverInterrupted(maxAttempts?: number): RecoveryReport;
  stats(): Stats;
  /** VACUUM INTO a temp file, fsync, rename, check; keeps settings.keepBackups newest. */
  backup(): Promise<BackupInfo>;
  /** the backups, newest first, with the schema version and job count each holds (read off thread) */
  listBackups(): Promise<BackupEntry[]>;
  /**
   * Replaces the database with the backup `name` (a file name from listBackups): checks it (quick_check,
   * schema not newer), backs up the current database (`keptAs`, so the restore can be undone), then —
   * with no await in between — closes the writer connection, renames a copy of the backup over the file,
   * reopens and migrates it. Jobs it holds as `processing` stay so: the caller runs recoverInterrupted.
   * The caller must keep every other writer (runner, handlers) out while this runs.
   * E_BACKUP_NOT_FOUND, E_DB_CORRUPT, E_SCHEMA_TOO_NEW; on failure the database is as before.
   */
  restoreBackup(name: string): Promise<{ restored: BackupInfo; keptAs: BackupInfo }>;
  /** wal_checkpoint(TRUNCATE); call when idle */
  checkpoint(): void;
  close(): void;
}
