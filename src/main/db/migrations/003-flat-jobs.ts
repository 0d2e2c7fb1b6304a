/**
 * Version 3: the summary columns move onto jobs and the song-map JSON into its own table keyed by
 * jobs.seq. Measured at 100k jobs: a get was 4 b-tree seeks (jobs id index, jobs row, results key
 * index, results row) of which the results half cost 8 of 11 µs; a page of 100 paid the same per
 * row; every created job inserted two rows and every deleted job removed two rows plus a text-key
 * index entry. Now a job is one row: get and list rows are one index seek + one row, and the JSON
 * (only for completed jobs) is reached by integer key when it is asked for.
 */
import type { Db } from '../sql';

export const version = 3;

export function up(db: Db): void {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN duration_sec REAL;
    ALTER TABLE jobs ADD COLUMN bpm REAL;
    ALTER TABLE jobs ADD COLUMN key_name TEXT;
    ALTER TABLE jobs ADD COLUMN camelot TEXT;
    ALTER TABLE jobs ADD COLUMN title TEXT COLLATE NOCASE;
    ALTER TABLE jobs ADD COLUMN artist TEXT COLLATE NOCASE;
    ALTER TABLE jobs ADD COLUMN result_bytes INTEGER NOT NULL DEFAULT 0;

    UPDATE jobs SET (duration_sec, bpm, key_name, camelot, title, artist, result_bytes) =
      (SELECT r.duration_sec, r.bpm, r.key_name, r.camelot, r.title, r.artist, r.result_bytes
         FROM results r WHERE r.job_id = jobs.id)
      WHERE EXISTS (SELECT 1 FROM results r WHERE r.job_id = jobs.id);

    -- the JSON of a completed analysis, apart so browsing and deleting never walk its overflow pages
    CREATE TABLE song_maps (
      seq INTEGER PRIMARY KEY NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,
      song_map TEXT NOT NULL
    ) STRICT;
    INSERT INTO song_maps (seq, song_map)
      SELECT j.seq, r.song_map FROM results r JOIN jobs j ON j.id = r.job_id WHERE r.song_map IS NOT NULL;

    DROP TRIGGER results_fts_update;
    DROP TABLE results;

    CREATE TRIGGER jobs_fts_update AFTER UPDATE OF title, artist ON jobs
      WHEN NEW.title IS NOT OLD.title OR NEW.artist IS NOT OLD.artist
    BEGIN
      INSERT OR REPLACE INTO jobs_fts (rowid, file_name, title, artist)
        VALUES (NEW.seq, NEW.file_name, NEW.title, NEW.artist);
    END;

    -- list: summary sorts
    CREATE INDEX jobs_duration ON jobs (duration_sec, id);
    CREATE INDEX jobs_bpm ON jobs (bpm, id);
    CREATE INDEX jobs_key ON jobs (key_name, id);
    CREATE INDEX jobs_title ON jobs (title, id);
    CREATE INDEX jobs_artist ON jobs (artist, id);
  `);
}
