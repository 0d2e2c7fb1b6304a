/**
 * Small helpers shared by the store's modules: a per-connection prepared-statement cache and
 * SQLite error classification. Every module takes the connection as an explicit parameter.
 */
import type { Database, Statement } from 'better-sqlite3';

export type Db = Database;

const caches = new WeakMap<Db, Map<string, Statement>>();
const rawCaches = new WeakMap<Db, Map<string, Statement>>();

/** Prepares once per connection and SQL text; statements are reused for the connection's life. */
export function prepare<P extends unknown[] | Record<string, unknown> = unknown[], R = unknown>(
  db: Db,
  sql: string,
): Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt as unknown as Statement<P, R>;
}

/** Like prepare, in raw mode: rows come back as arrays (cached apart from the object-mode statement). */
export function prepareRaw<P extends unknown[] = unknown[]>(db: Db, sql: string): Statement<P, unknown[]> {
  let cache = rawCaches.get(db);
  if (!cache) {
    cache = new Map();
    rawCaches.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql).raw(true);
    cache.set(sql, stmt);
  }
  return stmt as unknown as Statement<P, unknown[]>;
}

/** Runs fn in one BEGIN IMMEDIATE transaction (the write lock is taken up front, never upgraded). */
export function immediate<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** SQLITE_CORRUPT*, SQLITE_NOTADB: the file is damaged or not a database at all. */
export function isCorruptionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB'));
}

/** '?, ?, ?' for n parameters */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/**
 * Runs fn (reads only) in one deferred read transaction, so its statements share one WAL read lock
 * (one lock/unlock of the -shm file instead of one per statement). Inside an open transaction fn
 * simply joins it.
 */
export function readTransaction<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  prepare(db, 'BEGIN').run();
  try {
    return fn();
  } finally {
    // a read transaction has nothing to commit; COMMIT just ends it (and drops the read lock)
    if (db.inTransaction) prepare(db, 'COMMIT').run();
  }
}
