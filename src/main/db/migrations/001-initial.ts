/**
 * Version 1: jobs, results (1:1 with jobs, so summary sorts can drive the join from an index),
 * edits, settings, and per-status counts kept by triggers (so `total` never counts a million rows).
 */
import type { Db } from '../sql';

export const version = 1;

export function up(db: Db): void {
  db.exec(`
    CREATE TABLE jobs (
      -- stable row number (an INTEGER PRIMARY KEY survives VACUUM, a bare rowid may not);
      -- the search index refers to jobs by it
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 64),
      status TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      -- when the job reached a terminal status; cleared when it is queued again
      completed_at INTEGER,
      updated_at INTEGER NOT NULL,
      progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
      stage TEXT,
      error_code TEXT,
      error_message TEXT,
      input_path TEXT NOT NULL,
      file_name TEXT NOT NULL COLLATE NOCASE,
      size_bytes INTEGER,
      mtime_ms REAL,
      content_hash TEXT,
      attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      analyzer_version TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      reused_from TEXT,
      owns_input INTEGER NOT NULL DEFAULT 0 CHECK (owns_input IN (0, 1))
    ) STRICT;

    -- one row per job, created with it: summary columns first so browsing never reads the JSON's
    -- overflow pages; song_map is NULL until the job completes
    CREATE TABLE results (
      job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      duration_sec REAL,
      bpm REAL,
      key_name TEXT,
      camelot TEXT,
      title TEXT COLLATE NOCASE,
      artist TEXT COLLATE NOCASE,
      result_bytes INTEGER NOT NULL DEFAULT 0,
      song_map TEXT
    ) STRICT;

    CREATE TABLE edits (
      job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      edits TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE settings (
      key TEXT PRIMARY KEY NOT NULL,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE job_counts (
      status TEXT PRIMARY KEY NOT NULL,
      n INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    INSERT INTO job_counts (status, n) VALUES
      ('queued', 0), ('processing', 0), ('completed', 0), ('failed', 0), ('cancelled', 0);

    CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs BEGIN
      UPDATE job_counts SET n = n + 1 WHERE status = NEW.status;
    END;
    CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs BEGIN
      UPDATE job_counts SET n = n - 1 WHERE status = OLD.status;
    END;
    CREATE TRIGGER jobs_count_update AFTER UPDATE OF status ON jobs WHEN OLD.status <> NEW.status BEGIN
      UPDATE job_counts SET n = n - 1 WHERE status = OLD.status;
      UPDATE job_counts SET n = n + 1 WHERE status = NEW.status;
    END;

    -- list: status filter (+ created order), status sort
    CREATE INDEX jobs_status_id ON jobs (status, id);
    -- list: name sort
    CREATE INDEX jobs_name_id ON jobs (file_name, id);
    -- run queue: queued jobs by priority desc, id asc
    CREATE INDEX jobs_queue ON jobs (priority DESC, id) WHERE status = 'queued';
    -- result reuse by content hash
    CREATE INDEX jobs_hash ON jobs (content_hash, analyzer_version) WHERE content_hash IS NOT NULL;
    -- cleanup of finished jobs by age
    CREATE INDEX jobs_finished ON jobs (completed_at) WHERE completed_at IS NOT NULL;
    -- crash recovery finds processing jobs without a scan
    CREATE INDEX jobs_processing ON jobs (id) WHERE status = 'processing';

    -- list: summary sorts
    CREATE INDEX results_duration ON results (duration_sec, job_id);
    CREATE INDEX results_bpm ON results (bpm, job_id);
    CREATE INDEX results_key ON results (key_name, job_id);
    CREATE INDEX results_title ON results (title, job_id);
    CREATE INDEX results_artist ON results (artist, job_id);
  `);
}
