import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { getUserVersion, runMigrations } from './index';
import * as m001 from './001-initial';
import * as m002 from './002-search';
import * as m003 from './003-flat-jobs';

function v2WithJobs() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  runMigrations(db, [m001, m002]);
  const ins = db.prepare(
    `INSERT INTO jobs (id, status, created_at, updated_at, input_path, file_name, analyzer_version) VALUES (?, ?, 1, 1, '/a', ?, 'v')`,
  );
  ins.run('a', 'completed', 'a.mp3');
  ins.run('b', 'queued', 'b.mp3');
  db.prepare(
    `INSERT INTO results (job_id, duration_sec, bpm, key_name, camelot, title, artist, result_bytes, song_map)
     VALUES ('a', 180, 128, 'Am', '8A', 'Night Song', 'The Band', 11, '{"id":"a"}'), ('b', NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL)`,
  ).run();
  // as the store does: title/artist arrive by UPDATE, which is what fed the v2 search trigger
  db.prepare("UPDATE results SET title = NULL, artist = NULL WHERE job_id = 'a'").run();
  db.prepare("UPDATE results SET title = 'Night Song', artist = 'The Band' WHERE job_id = 'a'").run();
  return db;
}

describe('migration 003-flat-jobs', () => {
  it('moves summaries onto jobs and song maps into song_maps, keyed by seq, and drops results', () => {
    const db = v2WithJobs();
    expect(runMigrations(db, [m001, m002, m003])).toEqual([3]);
    expect(getUserVersion(db)).toBe(3);
    expect(
      db.prepare('SELECT id, duration_sec, bpm, key_name, camelot, title, artist, result_bytes FROM jobs ORDER BY id').all(),
    ).toEqual([
      { id: 'a', duration_sec: 180, bpm: 128, key_name: 'Am', camelot: '8A', title: 'Night Song', artist: 'The Band', result_bytes: 11 },
      { id: 'b', duration_sec: null, bpm: null, key_name: null, camelot: null, title: null, artist: null, result_bytes: 0 },
    ]);
    expect(
      db.prepare('SELECT j.id, m.song_map FROM song_maps m JOIN jobs j ON j.seq = m.seq').all(),
    ).toEqual([{ id: 'a', song_map: '{"id":"a"}' }]);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'results'").get()).toBeUndefined();
    // song maps go with their job
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(db.prepare('SELECT count(*) AS n FROM song_maps').get()).toEqual({ n: 0 });
  });

  it('keeps the search index in step with summary changes on jobs', () => {
    const db = v2WithJobs();
    runMigrations(db, [m001, m002, m003]);
    const match = (t: string) =>
      db.prepare('SELECT j.id FROM jobs_fts f JOIN jobs j ON j.seq = f.rowid WHERE jobs_fts MATCH ?').all(`"${t}"`);
    expect(match('the band')).toEqual([{ id: 'a' }]);
    db.prepare("UPDATE jobs SET title = 'Golden Hour' WHERE id = 'b'").run();
    expect(match('golden')).toEqual([{ id: 'b' }]);
    expect(match('b.mp3')).toEqual([{ id: 'b' }]);
    db.prepare("UPDATE jobs SET title = NULL WHERE id = 'b'").run();
    expect(match('golden')).toEqual([]);
  });
});
