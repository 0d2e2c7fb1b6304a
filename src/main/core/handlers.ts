/**
 * One handler per contract channel. Handlers get the already-validated request and a context with
 * explicit dependencies; they throw AppError for expected failures (dispatch turns it into a Result).
 */
import type { Channel, ReqParsed, Res, RestoreResult } from '../../shared';
import { AppError } from '../../shared';
import type { JobStore, StoreCleanupResult } from '../db/store-api';
import type { Runner } from '../jobs/runner';
import type { EventBus } from './events';
import type { SubmitService } from './submit';

interface ChunkedStore {
  cleanupAsync(olderThanDays: number): Promise<StoreCleanupResult>;
}

export interface HandlerContext {
  store: JobStore;
  runner: Runner;
  events: EventBus;
  submit: SubmitService;
  mode: 'electron' | 'headless';
  appVersion: string;
  analyzerVersion: string;
  openDialog?: () => Promise<string[]>;
  /** replaces the database with a backup, keeping every other writer out (core.ts, restore.ts) */
  restoreBackup: (name: string) => Promise<RestoreResult>;
}

type Handler<C extends Channel> = (req: ReqParsed<C>, ctx: HandlerContext) => Promise<Res<C>> | Res<C>;
export type Handlers = { [C in Channel]: Handler<C> };

export const handlers: Handlers = {
  'app.info': (_req, ctx) => ({
    mode: ctx.mode,
    version: ctx.appVersion,
    analyzerVersion: ctx.analyzerVersion,
    platform: process.platform,
  }),

  'jobs.submit': (req, ctx) => ctx.submit.submitPaths(req.paths),

  'jobs.list': (req, ctx) => ctx.store.listJobs(req),

  'jobs.rows': (req, ctx) => ctx.store.listRows(req),

  'jobs.get': (req, ctx) => ctx.store.requireJob(req.id),

  'jobs.songMap': (req, ctx) => {
    const job = ctx.store.requireJob(req.id);
    if (job.status !== 'completed') {
      throw new AppError('E_NOT_READY', `The song map is not ready (job is ${job.status})`);
    }
    const map = ctx.store.getSongMap(req.id);
    if (!map) throw new AppError('E_NOT_READY', 'The song map is not available');
    return map;
  },

  'jobs.cancel': (req, ctx) => ({ cancelled: ctx.runner.cancel(req.ids) }),

  'jobs.retry': (req, ctx) => ({ jobs: ctx.runner.retry(req.ids) }),

  'jobs.moveToTop': (req, ctx) => {
    const job = ctx.store.moveToTop(req.id);
    ctx.events.emit('job.updated', job);
    return job;
  },

  'jobs.delete': (req, ctx) => {
    const existing = ctx.store.getJobs(req.ids).map((j) => j.id);
    ctx.runner.forget(existing);
    const deleted = ctx.store.deleteJobs(existing);
    if (existing.length > 0) ctx.events.emit('jobs.removed', { ids: existing });
    ctx.runner.pump();
    return { deleted };
  },

  'jobs.cleanup': (req, ctx) => cleanup(ctx, req.olderThanDays, req.dryRun),

  'edits.get': (req, ctx) => {
    ctx.store.requireJob(req.id);
    return ctx.store.getEdits(req.id);
  },

  'edits.set': (req, ctx) => {
    ctx.store.requireJob(req.id);
    return ctx.store.setEdits(req.id, req.edits);
  },

  'db.stats': (_req, ctx) => ctx.store.stats(),

  'db.backup': (_req, ctx) => ctx.store.backup(),

  'backups.list': async (_req, ctx) => ({ backups: await ctx.store.listBackups() }),

  'backups.restore': (req, ctx) => ctx.restoreBackup(req.name),

  'settings.get': (_req, ctx) => ctx.store.getSettings(),

  'settings.set': (req, ctx) => {
    const saved = ctx.store.setSettings(req);
    if (req.concurrency !== undefined) ctx.runner.setConcurrency(req.concurrency);
    return saved;
  },

  'dialog.openAudio': async (_req, ctx) => {
    if (!ctx.openDialog)
      throw new AppError('E_UNSUPPORTED', 'The file dialog is only available in the desktop app');
    return { paths: await ctx.openDialog() };
  },
};

/**
 * Cleanup removes finished jobs only; none of them can be running, so the runner is not involved.
 * The UI learns which rows went away from `jobs.removed`, with the ids the store deleted.
 */
export async function cleanup(
  ctx: Pick<HandlerContext, 'store' | 'events'>,
  olderThanDays: number,
  dryRun: boolean,
  /** one transaction when nothing waits on the thread (start-up): 100k jobs ~1 s instead of ~20 s of slices */
  blocking = false,
) {
  // a big cleanup runs in short slices when the store offers it, so the main thread never blocks long
  const sliced = (ctx.store as Partial<ChunkedStore>).cleanupAsync;
  const result =
    !dryRun && !blocking && typeof sliced === 'function'
      ? await sliced.call(ctx.store, olderThanDays)
      : ctx.store.cleanup(olderThanDays, dryRun);
  if (!dryRun && result.count > 0) ctx.events.emit('jobs.removed', { ids: result.ids });
  return { count: result.count, bytes: result.bytes, dryRun: result.dryRun };
}
