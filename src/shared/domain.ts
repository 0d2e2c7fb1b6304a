/**
 * Domain types shared by main, preload and renderer: jobs, list queries, stats, settings, edits.
 * Each type has a runtime schema (zod) so every transport validates what crosses it.
 */
import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { MeterSchema } from './songmap';
import { BACKUP_NAME_RE, JOB_STATUSES, SORT_KEYS } from './names';

export { BACKUP_NAME_RE, JOB_STATUSES, SORT_KEYS };

export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** Legal status transitions; the store rejects anything else with E_ILLEGAL_TRANSITION. */
export const STATUS_TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['processing', 'cancelled', 'failed', 'completed'], // completed: result reused by content hash
  processing: ['completed', 'failed', 'cancelled', 'queued'], // queued: crash recovery
  completed: ['queued'], // re-analyse
  failed: ['queued'], // retry
  cancelled: ['queued'], // retry
};

/** Browsing summary of a completed analysis (columns of the results table). */
export const JobSummarySchema = z.object({
  durationSec: z.number().nullable(),
  bpm: z.number().nullable(),
  /** conventional key name: "C", "Am", "F#m" … */
  key: z.string().nullable(),
  camelot: z.string().nullable(),
  title: z.string().nullable(),
  artist: z.string().nullable(),
});
export type JobSummary = z.infer<typeof JobSummarySchema>;

export const JobSchema = z.object({
  /** ULID: unique and time-sortable */
  id: z.string(),
  status: JobStatusSchema,
  /** ms since the Unix epoch */
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  completedAt: z.number().nullable(),
  updatedAt: z.number(),
  /** 0..1 */
  progress: z.number().min(0).max(1),
  stage: z.string().nullable(),
  errorCode: z.enum(ERROR_CODES).nullable(),
  errorMessage: z.string().nullable(),
  inputPath: z.string(),
  fileName: z.string(),
  sizeBytes: z.number().nullable(),
  mtimeMs: z.number().nullable(),
  /** SHA-256 hex of the file's bytes, once known */
  contentHash: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  analyzerVersion: z.string(),
  /** higher runs first among queued jobs ("move to top") */
  priority: z.number().int(),
  /** set when the result was reused from an earlier job with the same content hash */
  reusedFrom: z.string().nullable(),
  /** present once completed */
  summary: JobSummarySchema.nullable(),
});
export type Job = z.infer<typeof JobSchema>;

export const ListQuerySchema = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  /** opaque keyset cursor from the previous page's nextCursor */
  cursor: z.string().max(2048).nullable().default(null),
  sort: z.enum(SORT_KEYS).default('created'),
  order: z.enum(['asc', 'desc']).default('desc'),
  status: z.array(JobStatusSchema).max(5).optional(),
  /** free text over file name, title, artist */
  search: z.string().max(200).optional(),
  bpmMin: z.number().positive().max(1000).optional(),
  bpmMax: z.number().positive().max(1000).optional(),
  /** also match half and double tempo within [bpmMin, bpmMax] */
  bpmHalfDouble: z.boolean().optional(),
  /** conventional key names ("Am", "C") to match; the UI expands "compatible keys" itself */
  keys: z.array(z.string().max(4)).max(24).optional(),
});
export type ListQuery = z.input<typeof ListQuerySchema>;
export type ListQueryParsed = z.output<typeof ListQuerySchema>;

export const ListPageSchema = z.object({
  items: z.array(JobSchema),
  nextCursor: z.string().nullable(),
  /** number of jobs matching the filters (ignoring the cursor) */
  total: z.number().int().nonnegative(),
});
export type ListPage = z.infer<typeof ListPageSchema>;

/**
 * One row of the history list: only what the history table shows (name and path, title, artist,
 * length, BPM, key, status with its error, date added), plus `updatedAt`, the time of the job's last
 * write, by which the renderer orders a list answer against job.updated events (stores/later.ts).
 * `jobs.rows` reads these 14 columns instead of a Job's 26: a page costs the conversion of every
 * SQLite value into a JS value, so half the values is about half the time. Summary fields are null
 * unless the job completed with a result.
 */
export const JobRowSchema = z.object({
  id: z.string(),
  status: JobStatusSchema,
  createdAt: z.number(),
  /** the job's last write (ms); decides between a list answer and an event (later wins) */
  updatedAt: z.number(),
  fileName: z.string(),
  inputPath: z.string(),
  errorCode: z.enum(ERROR_CODES).nullable(),
  errorMessage: z.string().nullable(),
  ...JobSummarySchema.shape,
});
export type JobRow = z.infer<typeof JobRowSchema>;

// zod-free, so the renderer's first bundle can use it without the schema library
export { toJobRow } from './job-row';

export const RowPageSchema = z.object({
  items: z.array(JobRowSchema),
  nextCursor: z.string().nullable(),
  /** number of jobs matching the filters (ignoring the cursor) */
  total: z.number().int().nonnegative(),
});
export type RowPage = z.infer<typeof RowPageSchema>;

export const BackupInfoSchema = z.object({
  path: z.string(),
  createdAt: z.number(),
  sizeBytes: z.number(),
});
export type BackupInfo = z.infer<typeof BackupInfoSchema>;

/** a backup as Settings lists it: what it holds, read from the copy itself (null when it cannot be read) */
export const BackupEntrySchema = BackupInfoSchema.extend({
  /** the file name, which backups.restore takes */
  name: z.string(),
  jobCount: z.number().int().nonnegative().nullable(),
  schemaVersion: z.number().int().nullable(),
});
export type BackupEntry = z.infer<typeof BackupEntrySchema>;

export const RestoreResultSchema = z.object({
  /** the backup now in use */
  restored: BackupInfoSchema,
  /** the database as it was before the restore, kept as a backup: restoring it undoes the restore */
  keptAs: BackupInfoSchema,
  /** jobs in the restored history */
  total: z.number().int().nonnegative(),
  /** jobs that were running when the backup was taken, queued again */
  requeued: z.number().int().nonnegative(),
});
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

export const StatsSchema = z.object({
  dataDir: z.string(),
  dbPath: z.string(),
  /** main file + WAL + SHM */
  sizeBytes: z.number(),
  schemaVersion: z.number().int(),
  counts: z.record(JobStatusSchema, z.number().int()),
  total: z.number().int(),
  backups: z.array(BackupInfoSchema),
  /** what start-up recovery did, if anything (e.g. "restored from backup …") */
  recovery: z.string().nullable(),
});
export type Stats = z.infer<typeof StatsSchema>;

export const CleanupRequestSchema = z.object({
  olderThanDays: z.number().min(0).max(36500),
  dryRun: z.boolean().default(false),
});
export const CleanupResultSchema = z.object({
  count: z.number().int().nonnegative(),
  /** bytes of stored files (uploads, results) freed */
  bytes: z.number().nonnegative(),
  dryRun: z.boolean(),
});
export type CleanupResult = z.infer<typeof CleanupResultSchema>;

export const SettingsSchema = z.object({
  /** analysis workers running at once; default cores - 1, at least 1 */
  concurrency: z.number().int().min(1).max(64),
  /** auto-clean finished jobs older than N days at start; null = off (default) */
  retentionDays: z.number().int().min(1).max(36500).nullable(),
  theme: z.enum(['system', 'light', 'dark']),
  /** how many database backups to keep */
  keepBackups: z.number().int().min(1).max(100),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** User corrections, stored apart from the detection; re-analysis never overwrites them. */
export const EditsSchema = z.object({
  bpm: z.number().positive().max(1000).optional(),
  /** shift of the bar grid, in beats (0 = detected downbeats) */
  downbeatOffset: z.number().int().min(-32).max(32).optional(),
  meter: MeterSchema.optional(),
  key: z.object({ tonic: z.string().min(1).max(3), mode: z.enum(['major', 'minor']) }).optional(),
  /** chord label overrides by index into songMap.chords */
  chords: z.record(z.string().regex(/^\d+$/), z.string().min(1).max(16)).optional(),
});
export type Edits = z.infer<typeof EditsSchema>;

export const RejectedInputSchema = z.object({
  path: z.string(),
  code: z.enum(ERROR_CODES),
  message: z.string(),
});
export const SubmitResultSchema = z.object({
  jobs: z.array(JobSchema),
  /** inputs that never became jobs (not audio by extension inside a folder, missing paths …) */
  rejected: z.array(RejectedInputSchema),
});
export type SubmitResult = z.infer<typeof SubmitResultSchema>;

export const AppInfoSchema = z.object({
  mode: z.enum(['electron', 'headless']),
  version: z.string(),
  analyzerVersion: z.string(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;
