/**
 * Job store benchmark: `npm run bench [-- --sizes 1000,100000,1000000] [--runs 5]`.
 * Prints markdown tables: µs/op of the store beside the origin's way (a connection per operation,
 * default pragmas) on the same data, as ratios; durable acknowledgement of N dropped files; and a
 * 100k-job cleanup with its longest blocking slice. No assertions: numbers to read and record.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListQuerySchema, type ListQuery } from '../src/shared';
import { encodeCursor, firstPageSql, listPage } from '../src/main/db/list';
import { JOB_COLUMNS, ROW_COLUMNS, ROW_PROJECTION, tupleToRow } from '../src/main/db/rows';
import { openJobStore } from '../src/main/db/store';
import type { NewJobInput } from '../src/main/db/store-api';
import { createUlidGenerator } from '../src/main/db/ulid';
import { baseline, makeBaselineCopy } from './db/baseline';
import { fmtUs, median, table, timeInterleaved, timeOps } from './db/measure';
import { rng, seedFile } from './db/seed';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIZES = (argValue('--sizes') ?? '1000,100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const RUNS = Number(argValue('--runs') ?? 5);
const SKIP_DROP = args.includes('--no-drop');
const SKIP_CLEANUP = args.includes('--no-cleanup');

const q = (query: ListQuery) => ListQuerySchema.parse(query);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'performia-bench-'));
const log = (s: string) => process.stderr.write(`${s}\n`);
const inputFor = (name: string): NewJobInput => ({
  inputPath: `/home/user/Music/${name}`,
  fileName: name,
  sizeBytes: 5_000_000,
  mtimeMs: Date.now(),
  contentHash: null,
  analyzerVersion: 'bench-1',
});

interface Row {
  op: string;
  ours: number;
  base: number | null;
}

const SQLITE3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => fs.existsSync(p)) ?? null;
const quote = (v: unknown): string => (typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
/** inlines `?` parameters (ids, numbers) for the sqlite3 shell */
function inline(sql: string, params: unknown[]): string {
  let i = 0;
  return sql.replace(/\?/g, () => quote(params[i++]));
}

/**
 * SQLite's own time for a statement: the sqlite3 shell with `.timer on` runs each statement once
 * (output to /dev/null) and prints its user + sys CPU time; the median over `statements` (after as
 * many warm-up runs) is the cost of the query with no JS, no binding and no value conversion — the
 * floor for the same query through better-sqlite3 (the shell also parses each statement, and pays
 * the same WAL read lock per statement).
 */
function shellUs(file: string, statements: string[]): number | null {
  if (!SQLITE3) return null;
  const script = ['.timer on', '.output /dev/null', ...[...statements, ...statements].map((x) => `${x};`)].join('\n') + '\n';
  const r = spawnSync(SQLITE3, ['-readonly', file], { input: script, encoding: 'utf8', maxBuffer: 64 << 20 });
  const times = [...r.stdout.matchAll(/user ([\d.]+) sys ([\d.]+)/g)].map((m) => (Number(m[1]) + Number(m[2])) * 1e6);
  const timed = times.slice(statements.length);
  return timed.length ? median(timed) : null;
}

async function benchSize(n: number): Promise<Row[]> {
  const dir = tmp();
  const baseDir = tmp();
  const t0 = performance.now();
  const { ids } = await seedFile(path.join(dir, 'performia.sqlite'), n);
  log(`seeded ${n} jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const store = await openJobStore({ dataDir: dir });
  const rand = rng(7);
  const pick = () => ids[Math.floor(rand() * ids.length)];

  // jobs for the progress benchmark: queued → processing in both databases
  const queued = store.nextQueued(50);
  for (const j of queued) store.transition(j.id, 'processing');
  const baseFile = path.join(baseDir, 'origin.sqlite');
  makeBaselineCopy(store.db, baseFile);

  const rows: Row[] = [];
  const readOps = Math.min(2000, n);
  const baseReadOps = 200;
  const writeOps = 40;
  const heavyOps = n >= 1_000_000 ? 3 : n >= 100_000 ? 5 : 50;

  const add = (op: string, ours: number, base: number | null) => {
    rows.push({ op, ours, base });
    log(`  ${op}: ${fmtUs(ours)} µs vs ${base === null ? '—' : fmtUs(base)} µs`);
  };

  // the full job (detail view) and the history's list row, runs interleaved
  const [getFull, getRowT] = timeInterleaved([() => store.getJob(pick()), () => store.getRow(pick())], readOps, RUNS);
  const baseGet = timeOps(() => baseline.getJob(baseFile, pick()), baseReadOps, RUNS).us;
  add('get', getFull.us, baseGet);
  add(
    'list page of 100 (first)',
    timeOps(() => store.listJobs(q({ limit: 100 })), Math.min(500, readOps), RUNS).us,
    timeOps(() => baseline.listPage(baseFile, 0), n >= 1_000_000 ? 20 : 100, RUNS).us,
  );
  // a page from the middle of the history: cursor seek vs OFFSET
  const middle = [...ids].sort()[Math.floor(n / 2)];
  const midCursor = encodeCursor({ s: 'created', o: 'desc', v: middle, id: middle });
  add(
    'list page of 100 (middle)',
    timeOps(() => store.listJobs(q({ limit: 100, cursor: midCursor })), Math.min(500, readOps), RUNS).us,
    timeOps(() => baseline.listPage(baseFile, Math.floor(n / 2)), n >= 1_000_000 ? 10 : 50, RUNS).us,
  );
  add(
    'list page of 100 (sort bpm desc, status completed)',
    timeOps(
      () => store.listJobs(q({ limit: 100, sort: 'bpm', status: ['completed'] })),
      Math.min(500, readOps),
      RUNS,
    ).us,
    null,
  );
  // the history's path: list rows (14 columns) instead of full jobs (26); pages interleaved with full-job pages
  add('get list row (getRow)', getRowT.us, baseGet);
  const [pageFull, pageRows] = timeInterleaved(
    [() => store.listJobs(q({ limit: 100 })), () => store.listRows(q({ limit: 100 }))],
    Math.min(500, readOps),
    RUNS,
  );
  const basePage = timeOps(() => baseline.listPage(baseFile, 0), n >= 1_000_000 ? 20 : 100, RUNS).us;
  add('list page of 100 (first), interleaved with the next row', pageFull.us, basePage);
  add('list rows page of 100 (first)', pageRows.us, basePage);
  add(
    'list rows page of 100 (middle)',
    timeOps(() => store.listRows(q({ limit: 100, cursor: midCursor })), Math.min(500, readOps), RUNS).us,
    timeOps(() => baseline.listPage(baseFile, Math.floor(n / 2)), n >= 1_000_000 ? 10 : 50, RUNS).us,
  );
  // the same reads in the sqlite3 shell: SQLite alone, per statement
  const shellIds = Array.from({ length: 300 }, pick);
  add(
    'sqlite3 shell: get list row (same SQL, per statement)',
    shellUs(store.dbPath, shellIds.map((id) => `SELECT ${ROW_COLUMNS} FROM jobs j WHERE j.id = ${quote(id)}`)) ?? NaN,
    null,
  );
  // SQLite's per-row cost with no per-statement work (parse, read lock): 300 lookups in one statement
  const oneStatement = `WITH p(id) AS (VALUES ${shellIds.map((id) => `(${quote(id)})`).join(', ')}) SELECT ${ROW_COLUMNS} FROM p CROSS JOIN jobs j ON j.id = p.id`;
  add(
    'sqlite3 shell: 300 list-row lookups in one statement (per row)',
    (shellUs(store.dbPath, Array.from({ length: 21 }, () => oneStatement)) ?? NaN) / shellIds.length,
    null,
  );
  const firstRows = inline(firstPageSql(q({ limit: 100 })).sql.replace(JOB_COLUMNS, ROW_COLUMNS), [101]);
  add(
    'sqlite3 shell: list rows page (first; page SQL)',
    shellUs(store.dbPath, Array.from({ length: 200 }, () => firstRows)) ?? NaN,
    null,
  );
  const midRows = `SELECT ${ROW_COLUMNS} FROM jobs j WHERE j.id < ${quote(middle)} ORDER BY j.id DESC LIMIT 101`;
  add(
    'sqlite3 shell: list rows page (middle; page SQL)',
    shellUs(store.dbPath, Array.from({ length: 200 }, () => midRows)) ?? NaN,
    null,
  );
  add(
    'search "night" (page + total)',
    timeOps(() => store.listJobs(q({ limit: 100, search: 'night' })), heavyOps, RUNS).us,
    timeOps(() => baseline.search(baseFile, 'night'), heavyOps, RUNS).us,
  );

  const progressIds = queued.map((j) => j.id);
  add(
    'update progress (buffered, on disk ≤ 1 s later)',
    timeOps(
      (i) => store.updateProgress(progressIds[i % progressIds.length], (i % 100) / 100, 'tempo'),
      readOps,
      RUNS,
    ).us,
    timeOps(
      (i) =>
        baseline.updateProgress(baseFile, progressIds[i % progressIds.length], (i % 100) / 100, Date.now()),
      writeOps,
      RUNS,
    ).us,
  );
  // what the buffer costs on disk: one durable transaction per second for all running jobs
  const running = progressIds.slice(0, 8);
  add(
    'progress flush: 8 running jobs, 1 durable txn',
    timeOps(
      (i) => {
        for (const id of running) store.updateProgress(id, (i % 100) / 100, 'tempo');
        store.flushProgress();
      },
      writeOps,
      RUNS,
    ).us,
    timeOps(
      (i) => {
        for (const id of running) baseline.updateProgress(baseFile, id, (i % 100) / 100, Date.now());
      },
      Math.ceil(writeOps / 4),
      RUNS,
    ).us,
  );
  const gen = createUlidGenerator();
  add(
    'create 1 job (durable txn)',
    timeOps((i) => store.createJobs([inputFor(`new-${i}.mp3`)]), writeOps, RUNS).us,
    timeOps(() => baseline.createJob(baseFile, gen(), Date.now()), writeOps, RUNS).us,
  );
  // distinct victims per call, the same for both sides
  const victims = [...ids].sort(() => rand() - 0.5).slice(0, 2 * (writeOps * RUNS + 1));
  const oursVictims = victims.slice(0, victims.length / 2);
  const baseVictims = victims.slice(victims.length / 2);
  add(
    'delete 1 job (durable txn)',
    timeOps((i) => store.deleteJobs([oursVictims[i]]), writeOps, RUNS).us,
    timeOps((i) => baseline.deleteJob(baseFile, baseVictims[i]), writeOps, RUNS).us,
  );
  const dbPath = store.dbPath;
  store.close();
  // The limit under the per-statement WAL read lock: the same reads on a connection in
  // locking_mode=EXCLUSIVE (wal-index on the heap, locks held: no -shm lock per statement). NOT the
  // store's mode: it would lock out the off-thread backup and quick_check connections.
  const x = new Database(dbPath);
  x.pragma('locking_mode = EXCLUSIVE');
  x.pragma(`cache_size = -${64 * 1024}`);
  const xRow = x.prepare(`SELECT ${ROW_COLUMNS} FROM jobs j WHERE j.id = ?`).raw();
  add(
    'limit: get list row, EXCLUSIVE locking (not the store)',
    timeOps(() => {
      const t = xRow.get(pick()) as unknown[] | undefined;
      if (t) tupleToRow(t);
    }, readOps, RUNS).us,
    null,
  );
  add(
    'limit: list rows page (first), EXCLUSIVE locking (not the store)',
    timeOps(() => listPage(x, q({ limit: 100 }), ROW_PROJECTION), Math.min(500, readOps), RUNS).us,
    null,
  );
  x.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(baseDir, { recursive: true, force: true });
  return rows;
}

async function benchDrop(): Promise<string[][]> {
  const out: string[][] = [];
  for (const n of [10, 1000, 10_000]) {
    const dir = tmp();
    const store = await openJobStore({ dataDir: dir });
    const ms: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const inputs = Array.from({ length: n }, (_, i) => inputFor(`drop-${r}-${i}.flac`));
      const t0 = performance.now();
      store.createJobs(inputs);
      ms.push(performance.now() - t0);
    }
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
    // the origin's way: one connection and one transaction per file
    let base: string = '— (not run: ≈10× the 1,000 row)';
    if (n <= 1000) {
      const bdir = tmp();
      const seeded = await openJobStore({ dataDir: bdir });
      const bfile = path.join(bdir, 'origin.sqlite');
      makeBaselineCopy(seeded.db, bfile);
      seeded.close();
      const gen = createUlidGenerator();
      const bms: number[] = [];
      for (let r = 0; r < Math.min(RUNS, 3); r++) {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) baseline.createJob(bfile, gen(), Date.now());
        bms.push(performance.now() - t0);
      }
      base = `${median(bms).toFixed(1)} ms`;
      fs.rmSync(bdir, { recursive: true, force: true });
    }
    const m = median(ms);
    out.push([n.toLocaleString('en-US'), `${m.toFixed(1)} ms`, `${((m * 1000) / n).toFixed(1)} µs`, base]);
    log(`  drop ${n}: ${m.toFixed(1)} ms (baseline ${base})`);
  }
  return out;
}

async function benchCleanup(n: number): Promise<string[][]> {
  const oursTotal: number[] = [];
  const oursMaxSlice: number[] = [];
  const oursMedianSlice: number[] = [];
  const oursSync: number[] = [];
  const baseTotal: number[] = [];
  let slices = 0;
  const runs = Math.min(RUNS, 3);
  for (let r = 0; r < runs; r++) {
    const dir = tmp();
    await seedFile(path.join(dir, 'performia.sqlite'), n, { allFinished: true, spanDays: 400 });
    const store = await openJobStore({ dataDir: dir });
    const bfile = path.join(dir, 'origin.sqlite');
    makeBaselineCopy(store.db, bfile);
    const sizes: number[] = [];
    const t0 = performance.now();
    const res = await store.cleanupAsync(0, { onSlice: (ms) => sizes.push(ms) });
    oursTotal.push(performance.now() - t0);
    oursMaxSlice.push(Math.max(...sizes));
    oursMedianSlice.push(median(sizes));
    slices = sizes.length;
    if (res.count !== n) throw new Error(`cleanup removed ${res.count} of ${n}`);
    store.close();
    // the synchronous API (one call, chunked transactions back to back) on a fresh copy
    fs.rmSync(path.join(dir, 'performia.sqlite'));
    fs.rmSync(path.join(dir, 'performia.sqlite-wal'), { force: true });
    fs.rmSync(path.join(dir, 'performia.sqlite-shm'), { force: true });
    await seedFile(path.join(dir, 'performia.sqlite'), n, { allFinished: true, spanDays: 400 });
    const again = await openJobStore({ dataDir: dir });
    const t1 = performance.now();
    again.cleanup(0, false);
    oursSync.push(performance.now() - t1);
    again.close();
    const t2 = performance.now();
    const removed = baseline.cleanup(bfile, Date.now());
    baseTotal.push(performance.now() - t2);
    if (removed !== n) throw new Error(`baseline cleanup removed ${removed} of ${n}`);
    fs.rmSync(dir, { recursive: true, force: true });
    log(
      `  cleanup run ${r}: async ${oursTotal[r].toFixed(0)} ms (max slice ${oursMaxSlice[r].toFixed(1)} ms), sync ${oursSync[r].toFixed(0)} ms, baseline ${baseTotal[r].toFixed(0)} ms`,
    );
  }
  return [
    [
      'store, cleanupAsync (slices sized to a 25 ms budget)',
      `${median(oursTotal).toFixed(0)} ms`,
      `${median(oursMaxSlice).toFixed(1)} ms (${slices} slices, median slice ${median(oursMedianSlice).toFixed(1)} ms)`,
    ],
    [
      'store, synchronous cleanup() (one durable transaction; most jobs doomed: indexes rebuilt from the survivors)',
      `${median(oursSync).toFixed(0)} ms`,
      `${median(oursSync).toFixed(0)} ms (one call)`,
    ],
    [
      'origin way: one DELETE per table, one transaction',
      `${median(baseTotal).toFixed(0)} ms`,
      `${median(baseTotal).toFixed(0)} ms`,
    ],
  ];
}

/** how fast this machine is right now, so runs on different machines (or loads) can be compared */
function calibration(): string {
  const mem = new Database(':memory:');
  const one = mem.prepare('SELECT 1');
  const sql = timeOps(() => one.get(), 20_000, 5).us;
  mem.close();
  let sink = 0;
  const js = timeOps(
    () => {
      for (let i = 0; i < 1000; i++) sink += i * i;
    },
    20_000,
    5,
  ).us;
  return `calibration: in-memory \`SELECT 1\` ${sql.toFixed(2)} µs, 1,000-step JS loop ${js.toFixed(2)} µs${sink < 0 ? '!' : ''}`;
}

async function main(): Promise<void> {
  const cal = calibration();
  log(cal);
  log(
    `Performia DB bench: sizes ${SIZES.join(', ')}, ${RUNS} runs each (median), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  const bySize = new Map<number, Row[]>();
  for (const n of SIZES) {
    log(`\n== ${n.toLocaleString('en-US')} jobs`);
    bySize.set(n, await benchSize(n));
  }
  const ops = SIZES.length ? (bySize.get(SIZES[0])?.map((r) => r.op) ?? []) : [];
  const headers = ['op (µs/op)'];
  for (const n of SIZES) headers.push(`store @${n.toLocaleString('en-US')}`, `origin way`, `ratio`);
  const rows = ops.map((op) => {
    const cells = [op];
    for (const n of SIZES) {
      const r = bySize.get(n)?.find((x) => x.op === op);
      if (!r) {
        cells.push('', '', '');
        continue;
      }
      cells.push(
        fmtUs(r.ours),
        r.base === null ? '—' : fmtUs(r.base),
        r.base === null ? '—' : `${(r.base / r.ours).toFixed(1)}×`,
      );
    }
    return cells;
  });
  if (ops.length)
    console.log(
      `\n### Operations (median of ${RUNS} runs; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores; ${cal})\n`,
    );
  if (ops.length) console.log(table(headers, rows));

  if (!SKIP_DROP) {
    log('\n== dropped files');
    console.log('\n### N dropped files acknowledged durably (one transaction, synchronous=FULL)\n');
    console.log(
      table(['files', 'store (one txn)', 'per file', 'origin way (txn per file)'], await benchDrop()),
    );
  }
  if (!SKIP_CLEANUP) {
    log('\n== cleanup of 100,000 jobs');
    console.log('\n### Cleanup of 100,000 finished jobs\n');
    console.log(table(['how', 'total', 'longest blocking slice'], await benchCleanup(100_000)));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
