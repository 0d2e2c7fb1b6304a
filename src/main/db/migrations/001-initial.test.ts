import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { getUserVersion, runMigrations } from './index';
import * as m001 from './001-initial';

function migrated() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  expect(runMigrations(db, [m001])).toEqual([1]);
  return db;
}

const insertJob = (db: Database.Database, id: string, status = 'queued') =>
  db
    .prepare(
      `INSERT INTO jobs (id, status, created_at, updated_at, input_path, file_name, analyzer_version) VALUES (?, ?, 1, 1, '/a', 'a', 'v')`,
    )
    .run(id, status);

describe('migration 001-initial', () => {
  it('creates STRICT tables, the indexes and sets user_version 1', () => {
    const db = migrated();
    expect(getUserVersion(db)).toBe(1);
    expect(db.prepare("SELECT pk FROM pragma_table_info('jobs') WHERE name = 'seq'").get()).toEqual({
      pk: 1,
    });
    const tables = db
      .prepare(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all();
    expect(tables).toEqual([
      { name: 'edits', strict: 1 },
      { name: 'job_counts', strict: 1 },
      { name: 'jobs', strict: 1 },
      { name: 'results', strict: 1 },
      { name: 'settings', strict: 1 },
    ]);
    const indexes = (
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .all() as Array<{ name: string }>
    ).map((r) => r.name);
    expect(indexes).toEqual([
      'jobs_finished',
      'jobs_hash',
      'jobs_name_id',
      'jobs_processing',
      'jobs_queue',
      'jobs_status_id',
      'results_artist',
      'results_bpm',
      'results_duration',
      'results_key',
      'results_title',
    ]);
  });

  it('enforces status, progress and types (STRICT) with CHECK constraints', () => {
    const db = migrated();
    expect(() => insertJob(db, 'x', 'done')).toThrow(/CHECK/);
    insertJob(db, 'ok');
    expect(() => db.prepare('UPDATE jobs SET progress = 1.5 WHERE id = ?').run('ok')).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE jobs SET created_at = 'yesterday' WHERE id = ?").run('ok')).toThrow(
      /cannot store TEXT/,
    );
    expect(() => insertJob(db, 'ok')).toThrow(/UNIQUE|PRIMARY/);
  });

  it('keeps per-status counts with triggers and cascades deletes to results and edits', () => {
    const db = migrated();
    insertJob(db, 'a');
    insertJob(db, 'b');
    db.prepare("INSERT INTO results (job_id) VALUES ('a')").run();
    db.prepare("INSERT INTO edits (job_id, edits, updated_at) VALUES ('a', '{}', 1)").run();
    db.prepare("UPDATE jobs SET status = 'processing' WHERE id = 'a'").run();
    const counts = () =>
      Object.fromEntries(
        (db.prepare('SELECT status, n FROM job_counts').all() as Array<{ status: string; n: number }>).map(
          (r) => [r.status, r.n],
        ),
      );
    expect(counts()).toMatchObject({ queued: 1, processing: 1 });
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(counts()).toMatchObject({ queued: 1, processing: 0 });
    expect(
      db.prepare('SELECT (SELECT count(*) FROM results) + (SELECT count(*) FROM edits) AS n').get(),
    ).toEqual({ n: 0 });
    expect(() => db.prepare("INSERT INTO results (job_id) VALUES ('nope')").run()).toThrow(/FOREIGN KEY/);
  });
});
