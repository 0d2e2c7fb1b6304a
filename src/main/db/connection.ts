/**
 * Opens the single writer connection with the pragmas durability depends on, and verifies them.
 */
import Database from 'better-sqlite3';
import { AppError } from '../../shared';
import type { Db } from './sql';

export const BUSY_TIMEOUT_MS = 5_000;
/** the WAL is truncated back to this size after a checkpoint instead of staying at its peak */
export const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;
/** page cache in KiB (negative = KiB for SQLite): big enough for the hot index pages of ~1M jobs */
export const CACHE_KIB = 64 * 1024;

export interface ConnectionOptions {
  readonly?: boolean;
  /** runs before any pragma can change the file (e.g. refuse a too-new schema untouched) */
  precheck?: (db: Db) => void;
}

/**
 * better-sqlite3 compiles with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a WAL connection silently runs
 * synchronous=NORMAL, which can lose the last committed transactions on power loss. We set FULL
 * after switching to WAL and read it back; anything else is refused.
 */
export function openConnection(path: string, options: ConnectionOptions = {}): Db {
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    options.precheck?.(db);
    if (options.readonly) return db;
    const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
    if (mode.toLowerCase() !== 'wal') {
      throw new AppError('E_INTERNAL', `SQLite refused WAL mode (journal_mode=${mode})`);
    }
    db.pragma('synchronous = FULL');
    const sync = Number(db.pragma('synchronous', { simple: true }));
    if (sync !== 2) {
      throw new AppError(
        'E_INTERNAL',
        `SQLite runs synchronous=${sync}, expected FULL (2); refusing to open`,
      );
    }
    db.pragma('foreign_keys = ON');
    if (Number(db.pragma('foreign_keys', { simple: true })) !== 1) {
      throw new AppError('E_INTERNAL', 'SQLite refused foreign_keys=ON');
    }
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    db.pragma(`cache_size = -${CACHE_KIB}`);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export interface PragmaReport {
  journalMode: string;
  synchronous: number;
  foreignKeys: number;
  busyTimeout: number;
  journalSizeLimit: number;
}

export function readPragmas(db: Db): PragmaReport {
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
    foreignKeys: Number(db.pragma('foreign_keys', { simple: true })),
    busyTimeout: Number(db.pragma('busy_timeout', { simple: true })),
    journalSizeLimit: Number(db.pragma('journal_size_limit', { simple: true })),
  };
}
