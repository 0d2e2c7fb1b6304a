/**
 * openJobStore: the durable job history. Opens (or recovers) <dataDir>/performia.sqlite, migrates it,
 * and binds the function modules to one writer connection.
 *
 * Start-up order: refuse a too-new schema → detect an unclean shutdown (lock marker) and run
 * quick_check off thread → on SQLITE_CORRUPT/NOTADB set the file aside and restore the newest good
 * backup (or start fresh), telling the user → back up, then migrate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ANALYZER_VERSION } from '../analysis/version';
import {
  AppError,
  BACKUP_NAME_RE,
  JOB_STATUSES,
  type BackupEntry,
  type BackupInfo,
  type Job,
  type JobStatus,
  type Settings,
} from '../../shared';
import { createBackup, inspectBackups, listBackups } from './backup';
import { openConnection } from './connection';
import {
  cleanup,
  cleanupInSlices,
  deleteJobs,
  restoreFtsAutomerge,
  type ChunkedCleanupOptions,
  type CleanupOptions,
} from './delete';
import { getEdits, setEdits } from './edits';
import * as jobs from './jobs';
import { listJobs, listPage } from './list';
import { ROW_COLUMNS, ROW_PROJECTION, tupleToRow, type JobTuple } from './rows';
import {
  assertNotTooNew,
  getUserVersion,
  hasUserTables,
  MIGRATIONS,
  pendingMigrations,
  runMigrations,
  type Migration,
} from './migrations';
import { quickCheckOffThread } from './offthread';
import { ProgressBuffer } from './progress';
import { defaultSettings, getSettings, setSettings } from './settings';
import { immediate, isCorruptionError, prepare, type Db } from './sql';
import type { JobStore, StoreCleanupResult, TransitionPatch } from './store-api';
import { ulid } from './ulid';

export const DB_FILE = 'performia.sqlite';
export const LOCK_FILE = 'performia.lock';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface OpenJobStoreOptions {
  dataDir: string;
  /** overrides settings.keepBackups */
  keepBackups?: number;
  /** user-facing messages (e.g. "restored from a backup"); the core forwards them as app.notice */
  onNotice?: (notice: Notice) => void;
  /** clock, for tests */
  now?: () => number;
  /**
   * the analysis engine's version (default ANALYZER_VERSION): written to a job when it is queued
   * again or completed, so its results are found by content hash under the engine that made them
   */
  analyzerVersion?: string;
  /** schema migrations to apply (tests inject later versions); defaults to MIGRATIONS */
  migrations?: readonly Migration[];
}

/** Extra operations beyond store-api's JobStore. */
export interface JobStoreExt extends JobStore {
  /** cleanup with tuning (tests force the rebuild path with a low rebuildMinJobs) */
  cleanup(olderThanDays: number, dryRun: boolean, now?: number, options?: CleanupOptions): StoreCleanupResult;
  /**
   * cleanup in short transactions, yielding between them (keeps each block short); reports the
   * deleted ids like cleanup()
   */
  cleanupAsync(
    olderThanDays: number,
    options?: ChunkedCleanupOptions & { now?: number },
  ): Promise<StoreCleanupResult & { dryRun: false }>;
  /** writes buffered progress now (it is otherwise written within ~1 s; close() flushes too) */
  flushProgress(): void;
  /** the raw connection, for tests and benchmarks only */
  readonly db: Db;
  /** what start-up found: unclean shutdown, integrity result, restore, migrations */
  readonly openReport: OpenReport;
}

/** the backup `name` (as listed) in the backups folder, or E_BACKUP_NOT_FOUND */
function backupByName(backupsDir: string, name: string): BackupInfo {
  const found = BACKUP_NAME_RE.test(name)
    ? listBackups(backupsDir).find((b) => path.basename(b.path) === name)
    : undefined;
  if (!found) throw new AppError('E_BACKUP_NOT_FOUND', `There is no backup named ${name}`);
  return found;
}

export interface OpenReport {
  uncleanShutdown: boolean;
  quickCheck: string | null;
  restoredFrom: string | null;
  setAside: string | null;
  migrated: number[];
  backupBeforeMigration: string | null;
}

interface Paths {
  dataDir: string;
  dbPath: string;
  backupsDir: string;
  uploadsDir: string;
  lockPath: string;
}

function pathsFor(dataDir: string): Paths {
  const abs = path.resolve(dataDir);
  return {
    dataDir: abs,
    dbPath: path.join(abs, DB_FILE),
    backupsDir: path.join(abs, 'backups'),
    uploadsDir: path.join(abs, 'uploads'),
    lockPath: path.join(abs, LOCK_FILE),
  };
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Moves the damaged database and its WAL/SHM out of the way; returns the new main-file name. */
function setAsideCorrupt(dbPath: string, now: number): string {
  const aside = `${dbPath}.corrupt-${new Date(now).toISOString().replace(/[-:.]/g, '')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(dbPath + suffix)) fs.renameSync(dbPath + suffix, aside + suffix);
  }
  fsyncDir(path.dirname(dbPath));
  return aside;
}

/** A durable copy of `from` beside the database, ready to be renamed over it. */
function stageCopy(from: string, p: Paths): string {
  const tmp = `${p.dbPath}.restore-tmp`;
  fs.copyFileSync(from, tmp);
  const fd = fs.openSync(tmp, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

/** Renames a staged copy over the (closed) database; a WAL or SHM left beside it belongs to the old file. */
function swapInto(staged: string, p: Paths): void {
  for (const suffix of ['-wal', '-shm']) fs.rmSync(p.dbPath + suffix, { force: true });
  fs.renameSync(staged, p.dbPath);
  fsyncDir(p.dataDir);
}

/** Copies the newest backup that passes quick_check into place; null when there is none. */
async function restoreNewestBackup(p: Paths): Promise<string | null> {
  for (const b of listBackups(p.backupsDir)) {
    const check = await quickCheckOffThread(b.path);
    if (!check.ok) continue;
    fs.renameSync(stageCopy(b.path, p), p.dbPath);
    fsyncDir(p.dataDir);
    return b.path;
  }
  return null;
}

function tryOpen(dbPath: string, latest: number): Db {
  // the version check runs before journal_mode=WAL rewrites the header of a file we must not touch
  const db = openConnection(dbPath, { precheck: (d) => assertNotTooNew(d, latest) });
  try {
    // touches the schema, so a damaged header or schema page fails here rather than later
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export async function openJobStore(options: OpenJobStoreOptions): Promise<JobStoreExt> {
  const clock = options.now ?? Date.now;
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1].version;
  const p = pathsFor(options.dataDir);
  for (const dir of [p.dataDir, p.backupsDir, p.uploadsDir]) fs.mkdirSync(dir, { recursive: true });
  const notify = (n: Notice) => options.onNotice?.(n);

  const report: OpenReport = {
    uncleanShutdown: fs.existsSync(p.lockPath),
    quickCheck: null,
    restoredFrom: null,
    setAside: null,
    migrated: [],
    backupBeforeMigration: null,
  };
  let recovery: string | null = null;

  const recoverFromCorruption = async (detail: string): Promise<Db> => {
    report.setAside = setAsideCorrupt(p.dbPath, clock());
    report.restoredFrom = await restoreNewestBackup(p);
    recovery = report.restoredFrom
      ? `The database was damaged (${detail}). It was set aside as ${path.basename(report.setAside)} and restored from the backup ${path.basename(report.restoredFrom)}; jobs added after that backup are missing.`
      : `The database was damaged (${detail}) and no usable backup exists. It was set aside as ${path.basename(report.setAside)} and a new, empty history was started.`;
    notify({ level: 'warning', message: recovery });
    return tryOpen(p.dbPath, latest);
  };

  let db: Db;
  try {
    db = tryOpen(p.dbPath, latest);
  } catch (e) {
    if (!isCorruptionError(e)) throw e;
    db = await recoverFromCorruption(`${(e as { code?: string }).code}: ${(e as Error).message}`);
  }

  if (report.uncleanShutdown && report.setAside === null) {
    const check = await quickCheckOffThread(p.dbPath);
    report.quickCheck = check.detail;
    if (check.corrupt) {
      db.close();
      db = await recoverFromCorruption(`integrity check: ${check.detail}`);
    } else if (!check.ok) {
      db.close();
      throw new AppError(
        'E_INTERNAL',
        `Could not check the database after an unclean shutdown: ${check.detail}`,
      );
    } else {
      recovery = 'The previous session ended without closing the database; the integrity check passed.';
    }
  }

  try {
    if (pendingMigrations(db, migrations).length > 0 && hasUserTables(db)) {
      const keep = options.keepBackups ?? getSettingsSafe(db).keepBackups;
      report.backupBeforeMigration = (await createBackup(p.dbPath, p.backupsDir, keep, clock())).path;
    }
    report.migrated = runMigrations(db, migrations);
  } catch (e) {
    db.close();
    throw e;
  }

  restoreFtsAutomerge(db);
  fs.writeFileSync(p.lockPath, `${process.pid}\n`);
  return bindStore(db, p, report, () => recovery, options, clock, migrations);
}

/** settings of a database that may predate the settings table */
function getSettingsSafe(db: Db): Settings {
  try {
    return getSettings(db);
  } catch {
    return defaultSettings();
  }
}

function bindStore(
  opened: Db,
  p: Paths,
  openReport: OpenReport,
  recovery: () => string | null,
  options: OpenJobStoreOptions,
  clock: () => number,
  migrations: readonly Migration[],
): JobStoreExt {
  const defaults = defaultSettings();
  const engineVersion = options.analyzerVersion ?? ANALYZER_VERSION;
  const latest = migrations[migrations.length - 1].version;
  let closed = false;
  // the one writer connection; replaced only by restoreBackup, which closes this one first
  let db = opened;
  const keepBackups = () => options.keepBackups ?? getSettings(db, defaults).keepBackups;
  let progress = new ProgressBuffer(db);
  // the single-row read of the list path (raw: an array, no keyed object per row), prepared on first
  // use and then once per writer connection: a restore swaps the connection (reopen) and a statement
  // dies with the connection that prepared it. Lazily, because a store opened on an older schema
  // (tests) has no summary columns yet.
  let rowByIdStmt: { conn: Db; stmt: ReturnType<Db['prepare']> } | null = null;
  const rowById = (): ReturnType<Db['prepare']> => {
    if (rowByIdStmt?.conn !== db) {
      rowByIdStmt = { conn: db, stmt: db.prepare(`SELECT ${ROW_COLUMNS} FROM jobs j WHERE j.id = ?`).raw() };
    }
    return rowByIdStmt.stmt;
  };

  /** opens the file now at dbPath as the writer connection, migrating a backup of an older schema */
  const reopen = (): void => {
    const next = tryOpen(p.dbPath, latest);
    try {
      runMigrations(next, migrations);
      restoreFtsAutomerge(next);
    } catch (e) {
      next.close();
      throw e;
    }
    db = next;
    progress = new ProgressBuffer(db);
  };

  /** writes what is pending, folds the WAL into the file and closes the writer connection */
  const closeWriter = (): void => {
    progress.flush();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  };
  const view = (job: Job): Job => (progress.size === 0 ? job : progress.overlay(job));
  const viewOrNull = (job: Job | null): Job | null => (job ? view(job) : null);
  /** a status change carries the job's latest progress/stage unless the caller sets them */
  const withPending = (id: string, patch: TransitionPatch): TransitionPatch => {
    const p = progress.take(id);
    return p ? { progress: p.progress, stage: p.stage, ...patch } : patch;
  };

  return {
    dataDir: p.dataDir,
    dbPath: p.dbPath,
    get db() {
      return db;
    },
    openReport,
    createJobs: (inputs, ids) => jobs.createJobs(db, inputs, ulid, clock(), ids),
    batch: (fn) => immediate(db, fn),
    getJob: (id) => viewOrNull(jobs.getJob(db, id)),
    requireJob: (id) => view(jobs.requireJob(db, id)),
    getJobs: (ids) => jobs.getJobs(db, ids).map(view),
    transition: (id, to, patch = {}) => jobs.transition(db, id, to, withPending(id, patch), clock(), engineVersion),
    updateProgress: (id, value, stage) => progress.set(id, value, stage, clock()),
    completeJob: (id, songMap, summary) => {
      progress.take(id);
      return jobs.completeJob(db, id, songMap, summary, clock(), engineVersion);
    },
    reuseResult: (id, fromJobId) => {
      progress.take(id);
      return jobs.reuseResult(db, id, fromJobId, clock(), engineVersion);
    },
    findCompletedByHash: (hash, version) => jobs.findCompletedByHash(db, hash, version),
    getSongMap: (id) => jobs.getSongMap(db, id),
    listJobs: (query) => {
      const page = listJobs(db, query);
      return progress.size === 0 ? page : { ...page, items: page.items.map(view) };
    },
    // rows carry no progress; a processing row takes the time of its buffered progress, as its job does
    listRows: (query) => {
      const page = listPage(db, query, ROW_PROJECTION);
      return progress.size === 0 ? page : { ...page, items: page.items.map((r) => progress.overlayRow(r)) };
    },
    getRow: (id) => {
      const t = rowById().get(id) as JobTuple | undefined;
      return t ? progress.overlayRow(tupleToRow(t)) : null;
    },
    nextQueued: (limit, exclude) => jobs.nextQueued(db, limit, exclude),
    moveToTop: (id) => jobs.moveToTop(db, id, clock()),
    deleteJobs: (ids) => {
      for (const id of ids) progress.take(id);
      return deleteJobs(db, ids, p.uploadsDir);
    },
    cleanup: (days, dryRun, now, o) => cleanup(db, days, dryRun, now ?? clock(), p.uploadsDir, o),
    cleanupAsync: (days, o = {}) => cleanupInSlices(db, days, o.now ?? clock(), p.uploadsDir, o),
    getEdits: (id) => getEdits(db, id),
    setEdits: (id, edits) => setEdits(db, id, edits, clock()),
    getSettings: () => getSettings(db, defaults),
    setSettings: (patch) => setSettings(db, patch, defaults),
    recoverInterrupted: (maxAttempts = 3) => {
      progress.clear();
      return jobs.recoverInterrupted(db, maxAttempts, clock());
    },
    stats: () => {
      const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
      for (const r of prepare<[], { status: JobStatus; n: number }>(
        db,
        'SELECT status, n FROM job_counts',
      ).all()) {
        counts[r.status] = r.n;
      }
      let sizeBytes = 0;
      for (const suffix of ['', '-wal', '-shm']) {
        try {
          sizeBytes += fs.statSync(p.dbPath + suffix).size;
        } catch {
          // no WAL/SHM right now
        }
      }
      return {
        dataDir: p.dataDir,
        dbPath: p.dbPath,
        sizeBytes,
        schemaVersion: getUserVersion(db),
        counts,
        total: Object.values(counts).reduce((a, b) => a + b, 0),
        backups: listBackups(p.backupsDir),
        recovery: recovery(),
      };
    },
    backup: () => createBackup(p.dbPath, p.backupsDir, keepBackups(), clock()),
    listBackups: async (): Promise<BackupEntry[]> => {
      const backups = listBackups(p.backupsDir);
      const contents = await inspectBackups(backups.map((b) => b.path));
      return backups.map((b) => ({
        ...b,
        name: path.basename(b.path),
        jobCount: contents.get(b.path)?.jobCount ?? null,
        schemaVersion: contents.get(b.path)?.schemaVersion ?? null,
      }));
    },
    restoreBackup: async (name) => {
      if (closed) throw new AppError('E_INTERNAL', 'The job store is closed');
      const source = backupByName(p.backupsDir, name);
      const check = await quickCheckOffThread(source.path);
      if (!check.ok) {
        throw new AppError('E_DB_CORRUPT', `The backup ${name} is damaged (${check.detail}); nothing was changed.`);
      }
      const version = (await inspectBackups([source.path])).get(source.path)?.schemaVersion ?? null;
      if (version === null) {
        throw new AppError('E_DB_CORRUPT', `The backup ${name} cannot be read; nothing was changed.`);
      }
      if (version > latest) {
        throw new AppError(
          'E_SCHEMA_TOO_NEW',
          `The backup ${name} was written by a newer version of Performia (schema ${version}); nothing was changed.`,
        );
      }
      // the copy is staged before the backup of the current state, whose pruning may then remove the source
      const staged = stageCopy(source.path, p);
      let keptAs: BackupInfo;
      try {
        progress.flush();
        keptAs = await createBackup(p.dbPath, p.backupsDir, keepBackups(), clock(), [source.path]);
      } catch (e) {
        fs.rmSync(staged, { force: true });
        throw e;
      }
      // from here to the end nothing awaits: no other call can reach the store between close and reopen
      if (closed) {
        fs.rmSync(staged, { force: true });
        throw new AppError('E_INTERNAL', 'The job store was closed during the restore');
      }
      closeWriter();
      try {
        swapInto(staged, p);
        reopen();
      } catch (e) {
        // the backup would not open: put the state from before back (the copy just taken of it)
        console.error('[store] restore failed, putting the previous database back:', e);
        swapInto(stageCopy(keptAs.path, p), p);
        reopen();
        throw new AppError('E_INTERNAL', `The backup ${name} could not be opened; the history was left as it was.`);
      }
      return { restored: source, keptAs };
    },
    checkpoint: () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    flushProgress: () => progress.flush(),
    close: () => {
      if (closed) return;
      closed = true;
      progress.flush();
      try {
        // SQLite's advice for closing connections: refresh planner stats where they went stale
        db.pragma('optimize');
      } catch {
        // best effort; closing matters more
      }
      db.close();
      // the marker goes only after a clean close: its presence at open means we crashed
      fs.rmSync(p.lockPath, { force: true });
    },
  };
}
