/**
 * Where the time of a read goes: SQLite stepping vs JS mapping, per operation, on a seeded store.
 * `npx tsx bench/db/probe.ts [n]` (not part of `npm run bench`; a profiling aid).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListQuerySchema } from '../../src/shared';
import { JOB_COLUMNS, JOB_FROM, tupleToJob } from '../../src/main/db/rows';
import { openJobStore } from '../../src/main/db/store';
import { timeOps } from './measure';
import { rng, seedFile } from './seed';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'performia-probe-'));
  const { ids } = await seedFile(path.join(dir, 'performia.sqlite'), n);
  const store = await openJobStore({ dataDir: dir });
  const rand = rng(3);
  const pick = () => ids[Math.floor(rand() * ids.length)];
  const db = store.db;
  const out = (name: string, us: number) => console.log(`${name.padEnd(44)} ${us.toFixed(2)} µs`);
  const runs = 5;
  out('SELECT 1 (this connection)', timeOps(() => db.prepare('SELECT 1').raw().get(), 5000, runs).us);
  const one = db.prepare('SELECT 1').raw();
  out('SELECT 1 (prepared)', timeOps(() => one.get(), 5000, runs).us);
  const byId = db.prepare('SELECT seq FROM jobs WHERE id = ?').raw();
  out('seq by id (index only)', timeOps(() => byId.get(pick()), 5000, runs).us);
  const full = db.prepare(`SELECT ${JOB_COLUMNS} FROM ${JOB_FROM} WHERE j.id = ?`).raw();
  out('job+result row by id (raw)', timeOps(() => full.get(pick()), 5000, runs).us);
  const row = full.get(pick()) as unknown[];
  out('tupleToJob only', timeOps(() => tupleToJob(row), 5000, runs).us);
  out('store.getJob', timeOps(() => store.getJob(pick()), 5000, runs).us);
  const page = db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs j ORDER BY j.id DESC LIMIT 101`).raw();
  out('page SQL only (101 raw rows)', timeOps(() => page.all(), 500, runs).us);
  const rows = page.all() as unknown[][];
  out('page mapping only (100 tupleToJob)', timeOps(() => rows.slice(0, 100).map(tupleToJob), 500, runs).us);
  const q = ListQuerySchema.parse({ limit: 100 });
  out('store.listJobs first page', timeOps(() => store.listJobs(q), 500, runs).us);
  out('ListQuerySchema.parse', timeOps(() => ListQuerySchema.parse({ limit: 100 }), 500, runs).us);
  const counts = db.prepare('SELECT status, n FROM job_counts');
  out('job_counts read', timeOps(() => counts.all(), 2000, runs).us);
  const qb = ListQuerySchema.parse({ limit: 100, sort: 'bpm', status: ['completed'] });
  out('store.listJobs bpm desc completed', timeOps(() => store.listJobs(qb), 300, runs).us);
  const qs = ListQuerySchema.parse({ limit: 100, search: 'night' });
  out('store.listJobs search night', timeOps(() => store.listJobs(qs), 5, runs).us);
  const cnt = db.prepare('SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH ?').raw();
  out('fts count night', timeOps(() => cnt.get('"night"'), 5, runs).us);
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
