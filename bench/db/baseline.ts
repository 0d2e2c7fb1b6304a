/**
 * The origin's way, for comparison: every operation opens its own connection with default pragmas
 * (rollback journal, no WAL, no statement cache), runs plain SQL (OFFSET paging, count(*) per page,
 * LIKE search) and closes again. Same schema, indexes and data as the store, so the difference is
 * the access pattern, not a missing index.
 */
import Database from 'better-sqlite3';

type Row = Record<string, unknown>;

function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

// since migration 003 a job and its summary are one row: the baseline reads the same row, no join
const COLS = `j.*`;

export const baseline = {
  getJob: (file: string, id: string): Row | undefined =>
    withDb(
      file,
      (db) =>
        db.prepare(`SELECT ${COLS} FROM jobs j WHERE j.id = ?`).get(id) as
          Row | undefined,
    ),

  listPage: (file: string, offset: number): { items: Row[]; total: number } =>
    withDb(file, (db) => ({
      items: db
        .prepare(
          `SELECT ${COLS} FROM jobs j ORDER BY j.id DESC LIMIT 100 OFFSET ?`,
        )
        .all(offset) as Row[],
      total: (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n,
    })),

  search: (file: string, text: string): { items: Row[]; total: number } =>
    withDb(file, (db) => {
      const p = `%${text}%`;
      const where = 'WHERE j.file_name LIKE ? OR j.title LIKE ? OR j.artist LIKE ?';
      return {
        items: db
          .prepare(
            `SELECT ${COLS} FROM jobs j ${where} ORDER BY j.id DESC LIMIT 100`,
          )
          .all(p, p, p) as Row[],
        total: (
          db
            .prepare(`SELECT count(*) AS n FROM jobs j ${where}`)
            .get(p, p, p) as { n: number }
        ).n,
      };
    }),

  createJob: (file: string, id: string, now: number): void =>
    withDb(file, (db) => {
      db.transaction(() => {
        db.prepare(
          `INSERT INTO jobs (id, status, created_at, updated_at, input_path, file_name, analyzer_version) VALUES (?, 'queued', ?, ?, ?, ?, 'bench-1')`,
        ).run(id, now, now, `/music/${id}.mp3`, `${id}.mp3`);
      })();
    }),

  updateProgress: (file: string, id: string, progress: number, now: number): void =>
    withDb(file, (db) => {
      db.prepare('UPDATE jobs SET progress = ?, stage = ?, updated_at = ? WHERE id = ?').run(
        progress,
        'tempo',
        now,
        id,
      );
    }),

  deleteJob: (file: string, id: string): void =>
    withDb(file, (db) => {
      db.transaction(() => {
        db.prepare('DELETE FROM song_maps WHERE seq = (SELECT seq FROM jobs WHERE id = ?)').run(id);
        db.prepare('DELETE FROM edits WHERE job_id = ?').run(id);
        db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
      })();
    }),

  /** one statement per table, all at once: blocks for the whole cleanup */
  cleanup: (file: string, cutoff: number): number =>
    withDb(file, (db) =>
      db.transaction(() => {
        const where = "completed_at < ? AND status IN ('completed', 'failed', 'cancelled')";
        const doomed = `SELECT id FROM jobs WHERE ${where}`;
        db.prepare(`DELETE FROM song_maps WHERE seq IN (SELECT seq FROM jobs WHERE ${where})`).run(cutoff);
        db.prepare(`DELETE FROM edits WHERE job_id IN (${doomed})`).run(cutoff);
        return db.prepare(`DELETE FROM jobs WHERE id IN (${doomed})`).run(cutoff).changes;
      })(),
    ),
};

/** copies the store's database into a rollback-journal file for the baseline */
export function makeBaselineCopy(store: Database.Database, file: string): void {
  store.prepare('VACUUM INTO ?').run(file);
  withDb(file, (db) => {
    db.pragma('journal_mode = DELETE');
  });
}
