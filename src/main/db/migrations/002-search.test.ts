import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { getUserVersion, runMigrations } from './index';
import * as m001 from './001-initial';
import * as m002 from './002-search';

const match = (db: Database.Database, text: string) =>
  (
    db.prepare('SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ? ORDER BY rowid').all(`"${text}"`) as Array<{
      rowid: number;
    }>
  ).map((r) => r.rowid);

function v1WithJobs() {
  const db = new Database(':memory:');
  runMigrations(db, [m001]);
  const ins = db.prepare(
    `INSERT INTO jobs (id, status, created_at, updated_at, input_path, file_name, analyzer_version) VALUES (?, 'completed', 1, 1, '/a', ?, 'v')`,
  );
  ins.run('a', 'Night Drive.mp3');
  ins.run('b', 'plain.wav');
  db.prepare(
    "INSERT INTO results (job_id, title, artist) VALUES ('a', NULL, NULL), ('b', 'Midnight', 'The Band')",
  ).run();
  return db;
}

describe('migration 002-search', () => {
  it('indexes the existing jobs (file name, title, artist) and bumps the version', () => {
    const db = v1WithJobs();
    expect(runMigrations(db, [m001, m002])).toEqual([2]);
    expect(getUserVersion(db)).toBe(2);
    const seq = (id: string) =>
      (db.prepare('SELECT seq FROM jobs WHERE id = ?').get(id) as { seq: number }).seq;
    expect(match(db, 'night')).toEqual([seq('a'), seq('b')]);
    expect(match(db, 'the band')).toEqual([seq('b')]);
    expect(match(db, 'drive')).toEqual([seq('a')]);
  });

  it('triggers keep the index in step with inserts, result updates and deletes', () => {
    const db = v1WithJobs();
    runMigrations(db, [m001, m002]);
    db.prepare(
      `INSERT INTO jobs (id, status, created_at, updated_at, input_path, file_name, analyzer_version) VALUES ('c', 'queued', 1, 1, '/c', 'Sunrise.flac', 'v')`,
    ).run();
    db.prepare("INSERT INTO results (job_id) VALUES ('c')").run();
    const c = (db.prepare("SELECT seq FROM jobs WHERE id = 'c'").get() as { seq: number }).seq;
    expect(match(db, 'sunrise')).toEqual([c]);
    db.prepare("UPDATE results SET title = 'Golden Hour', artist = 'Kacey' WHERE job_id = 'c'").run();
    expect(match(db, 'golden')).toEqual([c]);
    expect(match(db, 'sunrise')).toEqual([c]);
    db.prepare("UPDATE results SET title = NULL, artist = NULL WHERE job_id = 'c'").run();
    expect(match(db, 'golden')).toEqual([]);
    db.prepare("DELETE FROM jobs WHERE id = 'c'").run();
    expect(match(db, 'sunrise')).toEqual([]);
  });

  it('job numbers (seq) survive VACUUM, so the index keeps pointing at the right jobs', () => {
    const db = v1WithJobs();
    runMigrations(db, [m001, m002]);
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    const before = db.prepare('SELECT seq, id FROM jobs').all();
    db.exec('VACUUM');
    expect(db.prepare('SELECT seq, id FROM jobs').all()).toEqual(before);
    const b = (db.prepare("SELECT seq FROM jobs WHERE id = 'b'").get() as { seq: number }).seq;
    expect(match(db, 'midnight')).toEqual([b]);
  });
});
