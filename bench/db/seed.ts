/**
 * Fast, deterministic seeding of a benchmark database: one big transaction of raw inserts into the
 * store's own schema (one jobs row per job, summary included), with a realistic mix of statuses and summaries.
 */
import type { Database } from 'better-sqlite3';
import { createUlidGenerator } from '../../src/main/db/ulid';
import { prng } from '../../src/main/lib/prng';

const KEYS = ['C', 'Am', 'G', 'Em', 'D', 'Bm', 'A', 'F#m', 'E', 'C#m', 'F', 'Dm', 'Bb', 'Gm', 'Eb', 'Cm'];
const CAMELOT = [
  '8B',
  '8A',
  '9B',
  '9A',
  '10B',
  '10A',
  '11B',
  '11A',
  '12B',
  '12A',
  '7B',
  '7A',
  '6B',
  '6A',
  '5B',
  '5A',
];
const DAY = 86_400_000;

/** small deterministic PRNG so every run seeds the same data */
export const rng = prng;

export interface SeedOptions {
  /** creation times spread over this many days before `now` */
  spanDays?: number;
  now?: number;
  /** every job finished (completed/failed/cancelled) — for cleanup runs */
  allFinished?: boolean;
}

export interface Seeded {
  ids: string[];
}

export function seedJobs(db: Database, n: number, options: SeedOptions = {}): Seeded {
  const now = options.now ?? Date.now();
  const span = (options.spanDays ?? 400) * DAY;
  const rand = rng(n);
  const start = now - span;
  const gen = createUlidGenerator();
  const ids: string[] = new Array(n);
  const insJob =
    db.prepare(`INSERT INTO jobs (id, status, created_at, started_at, completed_at, updated_at, progress,
    error_code, error_message, input_path, file_name, size_bytes, mtime_ms, content_hash, analyzer_version,
    duration_sec, bpm, key_name, camelot, title, artist, result_bytes)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench-1', ?, ?, ?, ?, ?, ?, ?)`);
  // bulk load: big page cache, secondary indexes rebuilt once at the end (one sort each instead of
  // a million random index inserts)
  const cacheBefore = db.pragma('cache_size', { simple: true });
  db.pragma('cache_size = -1000000');
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
    .all() as Array<{ name: string; sql: string }>;
  const ftsTrigger = db
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'jobs_fts_insert'")
    .pluck()
    .get() as string | undefined;
  db.transaction(() => {
    for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);
    if (ftsTrigger) db.exec('DROP TRIGGER jobs_fts_insert');
    for (let i = 0; i < n; i++) {
      const created = Math.floor(start + (span * i) / n);
      const id = gen(created);
      ids[i] = id;
      const r = rand();
      const status = options.allFinished
        ? r < 0.9
          ? 'completed'
          : r < 0.96
            ? 'failed'
            : 'cancelled'
        : r < 0.85
          ? 'completed'
          : r < 0.91
            ? 'failed'
            : r < 0.94
              ? 'cancelled'
              : 'queued';
      const finished = status !== 'queued';
      const artist = `Artist ${Math.floor(rand() * 5000)}`;
      const title = `Track ${i} ${['Intro', 'Groove', 'Night', 'Blue', 'Fire', 'Rain'][i % 6]}`;
      const fileName = `${artist} - ${title}.mp3`;
      const done = status === 'completed';
      const k = done ? Math.floor(rand() * KEYS.length) : 0;
      insJob.run(
        id,
        status,
        created,
        finished ? created + 1000 : null,
        finished ? created + 60_000 : null,
        finished ? created + 60_000 : created,
        status === 'completed' ? 1 : 0,
        status === 'failed' ? 'E_DECODE' : null,
        status === 'failed' ? 'decoder failed' : null,
        `/home/user/Music/${fileName}`,
        fileName,
        3_000_000 + Math.floor(rand() * 9_000_000),
        created - 1000,
        finished ? (i * 2654435761).toString(16).padStart(64, '0') : null,
        done ? 120 + rand() * 240 : null,
        done ? Math.round((60 + rand() * 140) * 10) / 10 : null,
        done ? KEYS[k] : null,
        done ? CAMELOT[k] : null,
        done ? title : null,
        done ? artist : null,
        done ? 40_000 : 0,
      );
    }
    for (const ix of indexes) db.exec(ix.sql);
    if (ftsTrigger) {
      // the search index filled in one pass, as migration 002 does for an existing database
      db.exec(`INSERT INTO jobs_fts (rowid, file_name, title, artist)
        SELECT seq, file_name, title, artist FROM jobs`);
      db.exec(ftsTrigger);
    }
  }).immediate();
  db.pragma(`cache_size = ${Number(cacheBefore)}`);
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
  return { ids };
}

/**
 * Creates <file> with the store's schema and n seeded jobs, without a journal (a benchmark
 * fixture is rebuilt, not recovered); the store then opens it normally and switches it to WAL.
 */
export async function seedFile(file: string, n: number, options: SeedOptions = {}): Promise<Seeded> {
  const { default: Database } = await import('better-sqlite3');
  const { runMigrations } = await import('../../src/main/db/migrations');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    runMigrations(db);
    return seedJobs(db, n, options);
  } finally {
    db.close();
  }
}
