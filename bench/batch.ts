/**
 * `npm run bench:speed -- --batch N [--song-sec 30]`: does a batch use the machine?
 *
 * N distinct generated songs (MP3, 30 s each by default) are dropped on the real core (store, runner,
 * worker pool with the bundled worker, as the app runs them) and timed to the last completion, three
 * times on fresh data dirs: one by one (concurrency 1), the default (cores - 1), and every core.
 * Reports songs per minute, the speed-up over one by one in the same run, and CPU utilisation =
 * (CPU time of this process incl. worker threads + ffmpeg children) / (wall × cores).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FFMPEG_PATH } from '../src/main/analysis/decode';
import { createCore } from '../src/main/core/core';
import { defaultConcurrency } from '../src/main/db/settings';
import { bundleForNode } from './bundle';

const CLK_TCK = 100;
/** CPU ms of reaped children (ffmpeg) from /proc/self/stat: cutime + cstime */
function childrenCpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[13]) + Number(rest[14])) * 1000) / CLK_TCK;
}

const bundleWorker = (dir: string): Promise<string> =>
  bundleForNode(
    fileURLToPath(new URL('../src/main/jobs/worker.ts', import.meta.url)),
    dir,
    'analysis-worker.mjs',
  );

/** distinct songs (their content hashes differ, so none is reused): a beeping tone over noise */
function makeSongs(dir: string, n: number, seconds: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = join(dir, `song-${String(i).padStart(3, '0')}.mp3`);
    execFileSync(FFMPEG_PATH, [
      '-nostdin',
      '-hide_banner',
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${180 + 7 * i}:beep_factor=4:duration=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `anoisesrc=d=${seconds}:a=0.03:seed=${i + 1}`,
      '-filter_complex',
      'amix=inputs=2,volume=2',
      '-ac',
      '2',
      '-ar',
      '44100',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '160k',
      f,
    ]);
    files.push(f);
  }
  return files;
}

interface BatchResult {
  label: string;
  concurrency: number;
  wallS: number;
  songsPerMin: number;
  cpuS: number;
  util: number;
  failed: number;
}

async function runBatch(
  label: string,
  concurrency: number,
  files: string[],
  workerPath: string,
  root: string,
): Promise<BatchResult> {
  const dataDir = mkdtempSync(join(root, 'data-'));
  const core = await createCore({ dataDir, mode: 'headless', workerPath, concurrency });
  // the pool starts warm with the core: wait for it, as a user would drop files into a started app
  await core.pool.warm(concurrency);
  const c0 = process.cpuUsage();
  const k0 = childrenCpuMs() + core.pool.decoderCpuMs;
  const t0 = performance.now();
  const r = await core.dispatch('jobs.submit', { paths: files });
  if (!r.ok) throw new Error(`submit failed: ${r.error.message}`);
  await core.runner.whenIdle();
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  // ffmpeg runs as the decoder helpers' child (launcher.ts): the workers report its CPU per job
  const cpuS = (c.user + c.system) / 1e6 + (childrenCpuMs() + core.pool.decoderCpuMs - k0) / 1000;
  const counts = core.store.stats().counts;
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
  const done = counts.completed ?? 0;
  return {
    label,
    concurrency,
    wallS,
    songsPerMin: (done / wallS) * 60,
    cpuS,
    util: cpuS / (wallS * availableParallelism()),
    failed: files.length - done,
  };
}

export async function batchBench(n: number, songSec: number): Promise<void> {
  const cores = availableParallelism();
  const root = mkdtempSync(join(tmpdir(), 'bench-batch-'));
  try {
    const workerPath = await bundleWorker(root);
    const t0 = performance.now();
    const files = makeSongs(root, n, songSec);
    console.log(
      `${n} songs of ${songSec} s generated in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${cores} cores, load ${loadavg()[0].toFixed(1)}`,
    );
    const modes: [string, number][] = [
      ['one by one (concurrency 1)', 1],
      [`default (cores - 1 = ${defaultConcurrency(cores)})`, defaultConcurrency(cores)],
      [`every core (${cores})`, cores],
    ];
    const results: BatchResult[] = [];
    for (const [label, c] of modes) {
      const r = await runBatch(label, c, files, workerPath, root);
      results.push(r);
      console.error(
        `  ${label}: ${r.wallS.toFixed(1)} s, ${r.songsPerMin.toFixed(0)} songs/min, CPU ${(r.util * 100).toFixed(0)} %`,
      );
    }
    const base = results[0].songsPerMin;
    console.log(
      `\n| batch of ${n} × ${songSec} s MP3 | concurrency | wall | songs / min | vs one by one | CPU time | CPU utilisation (of ${cores} cores) | failed |`,
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of results)
      console.log(
        `| ${r.label} | ${r.concurrency} | ${r.wallS.toFixed(1)} s | ${r.songsPerMin.toFixed(0)} | ${(r.songsPerMin / base).toFixed(2)}× | ${r.cpuS.toFixed(1)} s | ${(r.util * 100).toFixed(0)} % | ${r.failed} |`,
      );
    console.log(
      `\nload average at the end: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
