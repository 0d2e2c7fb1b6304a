/**
 * createCore: opens the store, recovers interrupted jobs, applies retention, and wires the runner,
 * the worker pool, the handlers and the event bus. Transport-free (no Electron, no HTTP).
 */
import type { EventName, EventPayload, Job, Result } from '../../shared';
import { ANALYZER_VERSION } from '../analysis/version';
import { openJobStore } from '../db/store';
import type { JobStore } from '../db/store-api';
import { WorkerPool } from '../jobs/pool';
import { Runner } from '../jobs/runner';
import type { Core, CoreEvents, CoreOptions, Unsubscribe } from './core-api';
import { dispatch } from './dispatch';
import { EventBus } from './events';
import { cleanup, handlers } from './handlers';
import type { HandlerContext } from './handlers';
import { createSubmitService } from './submit';
import pkg from '../../../package.json' with { type: 'json' };
import { scheduleAutoBackup } from './auto-backup';
import { AccessGate } from './gate';
import { restoreBackup } from './restore';

/** channels that run alone: calls in flight finish first, calls arriving meanwhile wait */
const EXCLUSIVE_CHANNELS: ReadonlySet<string> = new Set(['backups.restore']);

/** The core plus test/host hooks that are not part of the transport-facing interface. */
export interface CoreHandle extends Core {
  readonly runner: Runner;
  readonly pool: WorkerPool;
  /** starts the runner if autoStart was false */
  start(): void;
}

type Notice = EventPayload<'app.notice'>;

export async function createCore(options: CoreOptions): Promise<CoreHandle> {
  const bus = new EventBus();
  // notices raised while opening (e.g. "restored from a backup") happen before any window or SSE
  // client subscribed: keep them and replay them to every app.notice listener
  const startupNotices: Notice[] = [];
  let opening = true;
  const notify = (n: Notice): void => {
    if (opening) startupNotices.push(n);
    bus.emit('app.notice', n);
  };

  const store: JobStore = await openJobStore({ dataDir: options.dataDir, onNotice: notify });
  let runnerRef: Runner | null = null;
  try {
    const recovery = store.recoverInterrupted();
    if (recovery.requeued.length > 0) {
      notify({
        level: 'info',
        message: `${recovery.requeued.length} job(s) interrupted by an unexpected shutdown will run again`,
      });
    }
    if (recovery.failed.length > 0) {
      notify({
        level: 'warning',
        message: `${recovery.failed.length} job(s) were interrupted too many times and marked failed`,
      });
    }
    // a concurrency given at start (the server's --concurrency) is stored like a Settings change, so
    // Settings shows it and a later change by the user sticks instead of reverting on reload
    if (options.concurrency !== undefined) store.setSettings({ concurrency: options.concurrency });
    const settings = store.getSettings();
    if (settings.retentionDays !== null) {
      // nothing is served yet, so the fastest (one-transaction) cleanup costs no responsiveness
      await cleanup({ store, events: bus }, settings.retentionDays, false, true);
    }

    // the stored choice, else the default of db/settings (cores - 1, at least 1)
    const concurrency = settings.concurrency;
    const pool = new WorkerPool({
      workerPath: options.workerPath,
      execArgv: options.workerExecArgv,
      memoryMb: options.workerMemoryMb ?? 1024,
      // idle workers kept for reuse: as many as may run at once (the setting can change live)
      maxIdle: () => runnerRef?.getConcurrency() ?? concurrency,
      // one stays warm however long the app idles; the others go after 30 s without a job
      minIdle: () => (options.warmWorkers === false ? 0 : 1),
    });
    const runner = new Runner({
      store,
      pool,
      analyzerVersion: ANALYZER_VERSION,
      concurrency,
      jobTimeoutMs: options.jobTimeoutMs ?? 10 * 60_000,
      onJobUpdated: (job: Job) => bus.emit('job.updated', job),
      onProgress: (u) => bus.emit('job.progress', u),
    });
    runnerRef = runner;
    // a recent backup is what corruption recovery restores: keep one no older than a day
    const autoBackup = scheduleAutoBackup(store);
    const submit = createSubmitService({ store, runner, events: bus, analyzerVersion: ANALYZER_VERSION });
    const gate = new AccessGate();
    const ctx: HandlerContext = {
      store,
      runner,
      events: bus,
      submit,
      mode: options.mode,
      appVersion: pkg.version,
      analyzerVersion: ANALYZER_VERSION,
      openDialog: options.openDialog,
      restoreBackup: (name) => restoreBackup({ store, runner, events: bus, autoBackup }, name),
    };

    const events: CoreEvents = {
      on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
        const off = bus.on(event, listener);
        if (event === 'app.notice') {
          for (const n of startupNotices) (listener as (p: Notice) => void)(n);
        }
        return off;
      },
    };

    // workers first (idle, loading the engine), so the first jobs the runner launches take warm ones
    const startRunner = (): void => {
      if (options.warmWorkers !== false && !runner.isStarted) void pool.warm(runner.getConcurrency());
      runner.start();
    };

    let closed: Promise<void> | null = null;
    const core: CoreHandle = {
      store,
      events,
      runner,
      pool,
      dispatch: (channel: string, payload: unknown): Promise<Result<unknown>> => {
        const run = () => dispatch(handlers, ctx, channel, payload);
        return EXCLUSIVE_CHANNELS.has(channel) ? gate.exclusive(run) : gate.shared(run);
      },
      submitUpload: (tempPath, originalName) =>
        gate.shared(() => submit.submitUpload(tempPath, originalName)),
      start: () => startRunner(),
      close: () => {
        closed ??= (async () => {
          await gate.idle(); // a restore in flight finishes (or puts the old file back) first
          await autoBackup.stop();
          await runner.close();
          try {
            store.checkpoint();
          } finally {
            store.close();
            bus.clear();
          }
        })();
        return closed;
      },
    };
    opening = false;
    if (options.autoStart !== false) startRunner();
    return core;
  } catch (err) {
    await runnerRef?.close().catch(() => undefined);
    store.close();
    throw err;
  }
}
