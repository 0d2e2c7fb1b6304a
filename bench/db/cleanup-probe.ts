/**
 * What one cleaned-up job costs, part by part: the same 100k-job DELETE with the search-index
 * trigger, the count triggers or the foreign keys taken away, on fresh copies of one seeded file.
 * `npx tsx bench/db/cleanup-probe.ts [n]` (a profiling aid, not part of `npm run bench`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openConnection } from '../../src/main/db/connection';
import { seedFile } from './seed';

const DOOMED = `SELECT id FROM jobs WHERE completed_at < ?`;

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'performia-cprobe-'));
  const master = path.join(dir, 'master.sqlite');
  await seedFile(master, n, { allFinished: true, spanDays: 400 });
  const variants: Array<[string, string]> = [
    ['everything', ''],
    ['no FTS delete trigger', 'DROP TRIGGER jobs_fts_delete;'],
    ['no count trigger', 'DROP TRIGGER jobs_count_delete;'],
    ['no summary indexes', 'DROP INDEX jobs_duration; DROP INDEX jobs_bpm; DROP INDEX jobs_key; DROP INDEX jobs_title; DROP INDEX jobs_artist;'],
    ['no jobs secondary indexes', 'DROP INDEX jobs_status_id; DROP INDEX jobs_name_id; DROP INDEX jobs_queue; DROP INDEX jobs_hash; DROP INDEX jobs_processing;'],
  ];
  for (const [name, ddl] of variants) {
    const file = path.join(dir, 'copy.sqlite');
    for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
    fs.copyFileSync(master, file);
    const db = openConnection(file);
    if (ddl) db.exec(ddl);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const cutoff = Date.now() + 1;
    const t0 = performance.now();
    db.transaction(() => {
      db.prepare(`DELETE FROM song_maps WHERE seq IN (SELECT seq FROM jobs WHERE completed_at < ?)`).run(cutoff);
      db.prepare(`DELETE FROM edits WHERE job_id IN (${DOOMED})`).run(cutoff);
      db.prepare(`DELETE FROM jobs WHERE id IN (${DOOMED})`).run(cutoff);
    }).immediate();
    const ms = performance.now() - t0;
    const r0 = performance.now();
    const rb = db.transaction(() => db.prepare('SELECT count(*) FROM jobs').get());
    rb.immediate();
    console.log(`${name.padEnd(30)} ${ms.toFixed(0)} ms  (${((ms * 1000) / n).toFixed(1)} µs/job), wal ${(fs.statSync(file + '-wal').size / 1e6).toFixed(1)} MB`);
    void r0;
    db.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
