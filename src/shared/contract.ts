/**
 * The one contract between the renderer and the core, used by the Electron IPC binding,
 * the preload bridge, the headless HTTP transport and the renderer's api client.
 *
 * Invoke channels: request schema → response schema; every call returns Result<response>.
 * Event channels: payload schema, pushed from the core to every window / SSE client.
 */
import { z } from 'zod';
import {
  AppInfoSchema,
  BACKUP_NAME_RE,
  BackupEntrySchema,
  BackupInfoSchema,
  CleanupRequestSchema,
  CleanupResultSchema,
  EditsSchema,
  JobSchema,
  ListPageSchema,
  ListQuerySchema,
  RestoreResultSchema,
  RowPageSchema,
  SettingsSchema,
  StatsSchema,
  SubmitResultSchema,
} from './domain';
import { SongMapSchema } from './songmap';
import type { Result } from './result';
import { CHANNEL_NAMES, EVENT_NAME_LIST } from './channel-names';

export { CHANNEL_NAMES, EVENT_NAME_LIST, ipcEventName, ipcInvokeName } from './channel-names';

const id = z.string().min(1).max(64).regex(/^[0-9A-Za-z_-]+$/);
const ids = z.array(id).min(1).max(100_000);
const empty = z.object({}).strict().optional();

export const channels = {
  'app.info': { request: empty, response: AppInfoSchema },
  /** files or folders (expanded recursively to audio files); one transaction, acknowledged once */
  'jobs.submit': {
    request: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(100_000) }).strict(),
    response: SubmitResultSchema,
  },
  /** full jobs (the queue, the REST API) */
  'jobs.list': { request: ListQuerySchema.strict(), response: ListPageSchema },
  /** the history: the same query and cursors, list rows only (JobRow) */
  'jobs.rows': { request: ListQuerySchema.strict(), response: RowPageSchema },
  'jobs.get': { request: z.object({ id }).strict(), response: JobSchema },
  'jobs.songMap': { request: z.object({ id }).strict(), response: SongMapSchema },
  'jobs.cancel': { request: z.object({ ids }).strict(), response: z.object({ cancelled: z.array(z.string()) }) },
  /** failed / cancelled → queued (retry); completed → queued (re-analyse; edits are kept) */
  'jobs.retry': { request: z.object({ ids }).strict(), response: z.object({ jobs: z.array(JobSchema) }) },
  'jobs.moveToTop': { request: z.object({ id }).strict(), response: JobSchema },
  'jobs.delete': { request: z.object({ ids }).strict(), response: z.object({ deleted: z.number().int() }) },
  'jobs.cleanup': { request: CleanupRequestSchema.strict(), response: CleanupResultSchema },
  'edits.get': { request: z.object({ id }).strict(), response: EditsSchema.nullable() },
  /** replaces the job's edits; null clears them (revert to the detection) */
  'edits.set': {
    request: z.object({ id, edits: EditsSchema.nullable() }).strict(),
    response: EditsSchema.nullable(),
  },
  'db.stats': { request: empty, response: StatsSchema },
  'db.backup': { request: empty, response: BackupInfoSchema },
  /** the backups, newest first, with the number of jobs each holds */
  'backups.list': { request: empty, response: z.object({ backups: z.array(BackupEntrySchema) }) },
  /**
   * replaces the job history with a backup (named as backups.list names it); the current database is
   * backed up first (`keptAs`), so restoring that one undoes this. Announced to every window as db.restored.
   */
  'backups.restore': {
    request: z.object({ name: z.string().max(64).regex(BACKUP_NAME_RE) }).strict(),
    response: RestoreResultSchema,
  },
  'settings.get': { request: empty, response: SettingsSchema },
  'settings.set': { request: SettingsSchema.partial().strict(), response: SettingsSchema },
  /** Electron only: the OS open dialog; the browser build uses a file input + upload */
  'dialog.openAudio': {
    request: empty,
    response: z.object({ paths: z.array(z.string()) }),
  },
} as const;

export const events = {
  /** a job row changed (status, stage, result …); throttled progress arrives as job.progress */
  'job.updated': JobSchema,
  /** at most ~10 per second overall */
  'job.progress': z.object({ id: z.string(), progress: z.number(), stage: z.string().nullable() }),
  'jobs.removed': z.object({ ids: z.array(z.string()) }),
  /** the whole history was replaced by a backup: every list must be loaded again */
  'db.restored': RestoreResultSchema,
  /** something the user must be told (e.g. the database was restored from a backup) */
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const;

export type Channel = keyof typeof channels;
export type EventName = keyof typeof events;
export type Req<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ReqParsed<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type Res<C extends Channel> = z.output<(typeof channels)[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNELS = Object.keys(channels) as Channel[];
export const EVENT_NAMES = Object.keys(events) as EventName[];
export const isChannel = (s: unknown): s is Channel => typeof s === 'string' && Object.hasOwn(channels, s);

// Compile-time check: the zod-free name lists (used by the preload) match the contract exactly.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _channelsMatch: Same<(typeof CHANNEL_NAMES)[number], Channel> = true;
const _eventsMatch: Same<(typeof EVENT_NAME_LIST)[number], EventName> = true;
void _channelsMatch;
void _eventsMatch;

/**
 * The API object the renderer uses (window.performia in Electron, an HTTP client in the browser).
 * Kando-style: this type, derived from `channels`, is the single source of truth.
 */
export interface PerformiaApi {
  invoke<C extends Channel>(channel: C, request: Req<C>): Promise<Result<Res<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Electron: the absolute path of a dropped File (webUtils.getPathForFile); browser: null */
  getPathForFile(file: File): string | null;
  /** which transport this is */
  readonly mode: 'electron' | 'headless';
}
