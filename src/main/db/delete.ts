/**
 * Deleting jobs and cleaning up old finished ones. Rows go in IMMEDIATE transactions (song maps and
 * edits follow by ON DELETE CASCADE); owned upload files are removed after the commit, so a crash
 * between the two can only leave an orphan file, never a row pointing at a missing upload.
 */
import { AppError, type CleanupResult } from '../../shared';
import { ownedFileSize, removeOwnedFiles } from './files';
import { immediate, prepare, prepareRaw, type Db } from './sql';
import type { StoreCleanupResult } from './store-api';

const DAY_MS = 86_400_000;
/** ids per DELETE statement and per cleanup transaction; sized so one slice stays well under 50 ms */
export const DELETE_CHUNK = 2_000;

interface DoomedRow {
  id: string;
  owns_input: number;
  input_path: string;
  result_bytes: number;
}

const IDS = 'SELECT value FROM json_each(?)';

/**
 * Deletes the jobs named in a JSON array with their song maps and edits. Children go first and
 * set-based instead of through ON DELETE CASCADE's row-by-row deletes (the cascade stays as the
 * safety net and then finds nothing).
 */
function deleteByIds(db: Db, json: string): number {
  prepare(db, `DELETE FROM song_maps WHERE seq IN (SELECT seq FROM jobs WHERE id IN (${IDS}))`).run(json);
  prepare(db, `DELETE FROM edits WHERE job_id IN (${IDS})`).run(json);
  return prepare(db, `DELETE FROM jobs WHERE id IN (${IDS})`).run(json).changes;
}
const OWNED_BY_IDS = `SELECT input_path FROM jobs WHERE owns_input = 1 AND id IN (SELECT value FROM json_each(?))`;

export function deleteJobs(db: Db, ids: string[], uploadsDir: string): number {
  const unique = [...new Set(ids)];
  let deleted = 0;
  const owned: string[] = [];
  immediate(db, () => {
    for (let i = 0; i < unique.length; i += DELETE_CHUNK) {
      const json = JSON.stringify(unique.slice(i, i + DELETE_CHUNK));
      for (const r of prepare<[string], { input_path: string }>(db, OWNED_BY_IDS).all(json))
        owned.push(r.input_path);
      deleted += deleteByIds(db, json);
    }
  });
  removeOwnedFiles(uploadsDir, owned);
  return deleted;
}

function cutoffFor(olderThanDays: number, now: number): number {
  if (!Number.isFinite(olderThanDays) || olderThanDays < 0) {
    throw new AppError(
      'E_INVALID_REQUEST',
      `olderThanDays must be a non-negative number, got ${olderThanDays}`,
    );
  }
  return now - olderThanDays * DAY_MS;
}

// completed_at is set whenever a job reaches a terminal status, so it is the age of a finished job
const FINISHED_BEFORE = `FROM jobs j INDEXED BY jobs_finished
  WHERE j.completed_at < ? AND j.status IN ('completed', 'failed', 'cancelled')`;

/** Dry run: the same numbers the real cleanup would report, nothing touched. */
export function previewCleanup(
  db: Db,
  olderThanDays: number,
  now: number,
  uploadsDir: string,
): CleanupResult {
  const cutoff = cutoffFor(olderThanDays, now);
  const agg = prepare<[number], { n: number; bytes: number | null }>(
    db,
    `SELECT count(*) AS n, sum(j.result_bytes) AS bytes ${FINISHED_BEFORE}`,
  ).get(cutoff);
  let bytes = agg?.bytes ?? 0;
  for (const r of prepare<[number], { input_path: string }>(
    db,
    `SELECT j.input_path ${FINISHED_BEFORE} AND j.owns_input = 1`,
  ).all(cutoff)) {
    bytes += ownedFileSize(uploadsDir, r.input_path);
  }
  return { count: agg?.n ?? 0, bytes, dryRun: true };
}

/**
 * Runs one cleanup transaction without its own fsync. Deleting expired jobs is idempotent: if a
 * power cut loses such a commit, the same jobs are simply deleted again next time. The next
 * synchronous=FULL commit (any acknowledged write) fsyncs the WAL up to and including it, and FULL
 * is back before this returns, so no other write ever runs at NORMAL (no await in between).
 */
function withoutFsync<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma('synchronous = FULL');
    if (Number(db.pragma('synchronous', { simple: true })) !== 2) {
      throw new AppError('E_INTERNAL', 'Could not restore synchronous=FULL after a cleanup slice');
    }
  }
}

interface ChunkResult {
  count: number;
  bytes: number;
  ids: string[];
}

/** Deletes at most `limit` finished jobs older than the cutoff in one transaction. */
export function cleanupChunk(
  db: Db,
  cutoff: number,
  limit: number,
  uploadsDir: string,
): { count: number; bytes: number; ids: string[] } {
  const owned: string[] = [];
  // a slice that removes upload files commits durably first: a row must not outlive its file
  const hasOwned = prepare<[number, number], { n: number }>(
    db,
    `SELECT count(*) AS n FROM (SELECT j.owns_input ${FINISHED_BEFORE} ORDER BY j.completed_at LIMIT ?) WHERE owns_input = 1`,
  ).get(cutoff, limit);
  const run =
    (hasOwned?.n ?? 0) > 0
      ? (fn: () => ChunkResult) => fn()
      : (fn: () => ChunkResult) => withoutFsync(db, fn);
  const result = run(() =>
    immediate(db, () => {
      const rows = prepare<[number, number], DoomedRow>(
        db,
        `SELECT j.id, j.owns_input, j.input_path, j.result_bytes ${FINISHED_BEFORE} ORDER BY j.completed_at LIMIT ?`,
      ).all(cutoff, limit);
      if (rows.length === 0) return { count: 0, bytes: 0, ids: [] };
      let bytes = 0;
      for (const r of rows) {
        bytes += r.result_bytes;
        if (r.owns_input === 1) {
          bytes += ownedFileSize(uploadsDir, r.input_path);
          owned.push(r.input_path);
        }
      }
      const ids = rows.map((r) => r.id);
      const count = deleteByIds(db, JSON.stringify(ids));
      return { count, bytes, ids };
    }),
  );
  removeOwnedFiles(uploadsDir, owned);
  return result;
}

const DOOMED_IDS = `SELECT j.id FROM jobs j INDEXED BY jobs_finished
  WHERE j.completed_at < ? AND j.status IN ('completed', 'failed', 'cancelled')`;
const DOOMED_SEQS = `SELECT j.seq FROM jobs j INDEXED BY jobs_finished
  WHERE j.completed_at < ? AND j.status IN ('completed', 'failed', 'cancelled')`;

/**
 * The synchronous cleanup: one durable transaction, set-based deletes (children first, so the
 * cascade finds nothing to do). It blocks for its whole length — big cleanups from the UI go
 * through cleanupInSlices; this is the fastest way when blocking does not matter (start-up,
 * retention, scripts). Measured: 100k jobs ≈ as fast as one plain DELETE, 2–3× faster than slices.
 */
export interface CleanupOptions {
  /**
   * when the doomed jobs are at least this share of all jobs (and at least rebuildMinJobs), the
   * secondary indexes and the search index are rebuilt from the survivors instead of losing one
   * entry per deleted job (see deleteByRebuild)
   */
  rebuildShare?: number;
  rebuildMinJobs?: number;
}

export const REBUILD_SHARE = 0.5;
export const REBUILD_MIN_JOBS = 5_000;

const FINISHED_WHERE = "completed_at < ? AND status IN ('completed', 'failed', 'cancelled')";

/**
 * Deletes the doomed jobs by dropping every secondary index of jobs and the search-index and count
 * delete triggers, deleting the rows in one table pass, then recreating the indexes (their SQL read from
 * the schema first, so this follows future migrations) and refilling the search index from the
 * survivors. Each deleted job otherwise costs a random-page delete in a dozen b-trees plus an FTS5
 * tombstone; building an index is one sort. Runs inside the caller's transaction: a crash leaves
 * everything as it was.
 */
function deleteByRebuild(db: Db, cutoff: number): number {
  const objects = prepare<[], { type: string; name: string; sql: string }>(
    db,
    `SELECT type, name, sql FROM sqlite_schema
      WHERE tbl_name = 'jobs' AND sql IS NOT NULL
        AND (type = 'index' OR name IN ('jobs_fts_delete', 'jobs_count_delete'))`,
  ).all();
  for (const o of objects) db.exec(`DROP ${o.type === 'index' ? 'INDEX' : 'TRIGGER'} "${o.name}"`);
  const count = db.prepare(`DELETE FROM jobs WHERE ${FINISHED_WHERE}`).run(cutoff).changes;
  // the per-status counts, recounted once instead of one trigger update per deleted job
  db.exec(`UPDATE job_counts SET n = (SELECT count(*) FROM jobs WHERE jobs.status = job_counts.status)`);
  db.exec(`INSERT INTO jobs_fts (jobs_fts) VALUES ('delete-all');
    INSERT INTO jobs_fts (rowid, file_name, title, artist) SELECT seq, file_name, title, artist FROM jobs;`);
  for (const o of objects) db.exec(o.sql);
  return count;
}

export function cleanup(
  db: Db,
  olderThanDays: number,
  dryRun: boolean,
  now: number,
  uploadsDir: string,
  options: CleanupOptions = {},
): StoreCleanupResult {
  if (dryRun) return { ...previewCleanup(db, olderThanDays, now, uploadsDir), ids: [] };
  const cutoff = cutoffFor(olderThanDays, now);
  const owned: string[] = [];
  const ids: string[] = [];
  let bytes = 0;
  const count = immediate(db, () => {
    // index-only estimate (completed_at is set only on terminal jobs) to pick the plan
    const estimate =
      prepare<[number], { n: number }>(
        db,
        'SELECT count(*) AS n FROM jobs INDEXED BY jobs_finished WHERE completed_at < ?',
      ).get(cutoff)?.n ?? 0;
    const total = prepare<[], { n: number }>(db, 'SELECT sum(n) AS n FROM job_counts').get()?.n ?? 0;
    const rebuild =
      estimate >= (options.rebuildMinJobs ?? REBUILD_MIN_JOBS) &&
      estimate >= total * (options.rebuildShare ?? REBUILD_SHARE);
    // most of the table: one pass in row order beats an index walk with a row lookup per job
    const source = rebuild ? `FROM jobs j NOT INDEXED WHERE j.${FINISHED_WHERE}` : FINISHED_BEFORE;
    for (const [id, owns, input, resultBytes] of prepareRaw<[number]>(
      db,
      `SELECT j.id, j.owns_input, j.input_path, j.result_bytes ${source}`,
    ).all(cutoff) as Array<[string, number, string, number]>) {
      ids.push(id);
      bytes += resultBytes;
      if (owns === 1) {
        owned.push(input);
        bytes += ownedFileSize(uploadsDir, input);
      }
    }
    // children first, while jobs_finished still exists to find them
    prepare(db, `DELETE FROM song_maps WHERE seq IN (${DOOMED_SEQS})`).run(cutoff);
    prepare(db, `DELETE FROM edits WHERE job_id IN (${DOOMED_IDS})`).run(cutoff);
    if (rebuild) return deleteByRebuild(db, cutoff);
    return prepare(db, `DELETE FROM jobs WHERE id IN (${DOOMED_IDS})`).run(cutoff).changes;
  });
  removeOwnedFiles(uploadsDir, owned);
  return { count, bytes, dryRun: false, ids };
}

export interface ChunkedCleanupOptions {
  /** fixed jobs per slice; by default the slice size adapts to sliceBudgetMs */
  chunkSize?: number;
  /** how long one slice may block the thread; the next slice is sized from the last one's speed */
  sliceBudgetMs?: number;
  /** called after each transaction with how long it blocked the thread */
  onSlice?: (ms: number, deletedSoFar: number) => void;
}

/** below the 50 ms the UI can tolerate, with room for a slow slice */
export const SLICE_BUDGET_MS = 25;
const FIRST_SLICE = 100;
const MAX_SLICE = 20_000;

/** FTS5's default: merge once 4 segments share a level */
const FTS_AUTOMERGE_DEFAULT = 4;
/** pages of search-index merging per step after a sliced cleanup (measured: 50 and 200 both ~65 ms for the first step after 100k deletes, then ~0) */
export const FTS_MERGE_PAGES = 50;

function ftsAutomerge(db: Db): number {
  const v = prepare<[], { v: number }>(db, "SELECT v FROM jobs_fts_config WHERE k = 'automerge'").get()?.v;
  return typeof v === 'number' ? v : FTS_AUTOMERGE_DEFAULT;
}

function setFtsAutomerge(db: Db, n: number): void {
  // inlined: better-sqlite3 binds JS numbers as REAL, and FTS5 wants an INTEGER here
  immediate(db, () => db.exec(`INSERT INTO jobs_fts (jobs_fts, rank) VALUES ('automerge', ${Math.trunc(n)})`));
}

/**
 * Start-up: a sliced cleanup turns FTS5's automatic merging off while it runs; if the app died in
 * between, turn it back on (otherwise segments would pile up and search slow down).
 */
export function restoreFtsAutomerge(db: Db): void {
  // a database opened at a schema before the search index (tests pin old migrations) has none
  const hasFts = prepare(db, "SELECT 1 FROM sqlite_schema WHERE name = 'jobs_fts_config'").get() !== undefined;
  if (hasFts && ftsAutomerge(db) === 0) setFtsAutomerge(db, FTS_AUTOMERGE_DEFAULT);
}

/**
 * The same cleanup, yielding to the event loop between transactions so a big cleanup never blocks
 * the main thread for long. Deletion speed varies by machine, load and index sizes by more than
 * 10×, so unless chunkSize is given each slice is sized from the previous slice's measured rate.
 *
 * FTS5's automatic merging is off meanwhile: with it, every few dozen slices one slice rewrote a
 * whole search-index segment full of delete tombstones (measured at 100k: slices of 300 jobs took
 * ~23 ms, but the merging ones 0.4–1.4 s; total 22–26 s → 8.9 s, longest slice 70 ms without it).
 * The index is then merged in bounded steps of FTS_MERGE_PAGES pages, each its own short slice.
 */
export async function cleanupInSlices(
  db: Db,
  olderThanDays: number,
  now: number,
  uploadsDir: string,
  options: ChunkedCleanupOptions = {},
): Promise<StoreCleanupResult & { dryRun: false }> {
  const cutoff = cutoffFor(olderThanDays, now);
  const budget = options.sliceBudgetMs ?? SLICE_BUDGET_MS;
  const ids: string[] = [];
  let size = options.chunkSize ?? FIRST_SLICE;
  let count = 0;
  let bytes = 0;
  const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
  const automerge = ftsAutomerge(db);
  setFtsAutomerge(db, 0);
  try {
    for (;;) {
      const t0 = performance.now();
      const chunk = cleanupChunk(db, cutoff, size, uploadsDir);
      const ms = performance.now() - t0;
      count += chunk.count;
      bytes += chunk.bytes;
      for (const id of chunk.ids) ids.push(id);
      options.onSlice?.(ms, count);
      if (chunk.count < size) break;
      if (options.chunkSize === undefined) {
        // aim at the budget, but never more than double or less than a quarter of the last slice
        const target = Math.round((size * budget) / Math.max(ms, 0.1));
        size = Math.min(MAX_SLICE, Math.max(10, Math.min(size * 2, Math.max(Math.floor(size / 4), target))));
      }
      await yieldToLoop();
    }
  } finally {
    setFtsAutomerge(db, automerge === 0 ? FTS_AUTOMERGE_DEFAULT : automerge);
  }
  if (count > 0) {
    // merge away the tombstones in bounded steps; FTS5 reports "no more work" as < 2 changes
    const totalChanges = prepare<[], { n: number }>(db, 'SELECT total_changes() AS n');
    for (let step = 0; step < 10_000; step++) {
      await yieldToLoop();
      const t0 = performance.now();
      const before = totalChanges.get()?.n ?? 0;
      // losing this on power loss only loses merge work, which the next merge redoes
      withoutFsync(db, () =>
        immediate(db, () =>
          prepare(db, `INSERT INTO jobs_fts (jobs_fts, rank) VALUES ('merge', ${-FTS_MERGE_PAGES})`).run(),
        ),
      );
      const changed = (totalChanges.get()?.n ?? 0) - before;
      options.onSlice?.(performance.now() - t0, count);
      if (changed < 2) break;
    }
  }
  return { count, bytes, dryRun: false, ids };
}
