/**
 * `npm run bench:speed [-- --runs N] [--long] [--file <audio>] [--bundled]`
 * `npm run bench:speed -- --batch N [--song-sec 30]`: a batch of N songs through the app's core, one by
 * one vs the default concurrency vs every core (songs per minute, CPU utilisation; see ./batch.ts)
 *
 * Per-stage wall ms, CPU ms (Node + the ffmpeg child), real-time factor and peak memory for a
 * 3-minute MP3 (made from corpus s01 if present, else synthesised), with the decoders side by side:
 * ffmpeg + its C resampler (the app's default), ffmpeg + the JS resampler, and the same audio as
 * WAV through the native TS decoder and through the app's default for WAV (TS header checks, ffmpeg decode). `--long` adds a 1-hour MP3 (concatenated, not re-encoded).
 * Each scenario runs in a fresh child process so peak RSS belongs to that scenario alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FFMPEG_PATH } from '../src/main/analysis/decode';
import { fftBackend } from '../src/main/analysis/fft';
import { launchedCpuMs } from '../src/main/analysis/launcher';
import { analyzeFile } from '../src/main/analysis/pipeline';
import { corpusAudio } from '../src/main/testing/corpus';
import { bundleForNode } from './bundle';

interface RunResult {
  timings: Record<string, number>;
  wallMs: number;
  cpuMs: number;
  childCpuMs: number;
  durationSec: number;
  peakHeapMB: number;
}
interface ChildReport {
  runs: RunResult[];
  maxRssMB: number;
  /** peak RSS when the first job (the warm-up, cold) had finished: what one job in a fresh process needs */
  firstJobRssMB: number;
  /** FFT implementation the STFTs used (the WASM one once the pipeline has loaded it) */
  fft: string;
}

const CLK_TCK = 100;
/** CPU time of reaped children (ffmpeg), from /proc: utime/stime are not in process.cpuUsage(). */
function childrenCpuMs(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // fields after ")" start at field 3; cutime = field 16, cstime = field 17
    return ((Number(rest[13]) + Number(rest[14])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

async function child(file: string, runs: number, mode: string): Promise<void> {
  const out: RunResult[] = [];
  let firstJobRssMB = NaN;
  // one warm-up run: module loading and JIT are paid once per worker, not per song
  for (let r = 0; r < runs + 1; r++) {
    const timings: Record<string, number> = {};
    let peakHeap = 0;
    const sample = (): void => {
      const h = process.memoryUsage().heapUsed;
      if (h > peakHeap) peakHeap = h;
    };
    const c0 = process.cpuUsage();
    const k0 = childrenCpuMs() + launchedCpuMs();
    const t0 = performance.now();
    const { songMap } = await analyzeFile(file, {
      jobId: 'bench',
      timings,
      decoder: mode === 'wav-native' ? 'native' : mode === 'wav' ? 'auto' : 'ffmpeg',
      resampler: mode === 'ffmpeg+js' ? 'js' : 'ffmpeg',
      onProgress: sample,
    });
    sample();
    const wallMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (r === 0) firstJobRssMB = process.resourceUsage().maxRSS / 1024;
    if (r > 0) {
      out.push({
        timings,
        wallMs,
        cpuMs: (c.user + c.system) / 1000,
        // ffmpeg is the decoder helper's child, not ours (launcher.ts): the helper reports its CPU
        childCpuMs: childrenCpuMs() + launchedCpuMs() - k0,
        durationSec: songMap.duration_sec,
        peakHeapMB: peakHeap / 2 ** 20,
      });
    }
  }
  const report: ChildReport = {
    runs: out,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    firstJobRssMB,
    fft: fftBackend(),
  };
  process.stdout.write(`\n@@REPORT@@${JSON.stringify(report)}\n`);
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : NaN;
};

/** Set by --bundled: children run this script bundled by esbuild on plain node, as the app's worker runs (no tsx). */
let bundlePath: string | null = null;

// esbuild ships with tsx (a devDependency); imported lazily so the default mode does not need it
const bundleSelf = (dir: string): Promise<string> =>
  bundleForNode(fileURLToPath(import.meta.url), dir, 'speed.bundle.mjs');

function runScenario(file: string, runs: number, mode: string): ChildReport {
  const self = fileURLToPath(import.meta.url);
  const args = bundlePath
    ? [bundlePath, '--child', file, String(runs), mode]
    : ['--import', 'tsx', self, '--child', file, String(runs), mode];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /@@REPORT@@(.*)\n/.exec(r.stdout);
  if (!m) throw new Error(`scenario ${mode} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(m[1]) as ChildReport;
}

const STAGES = [
  'probe',
  'decode',
  'decode.read',
  'decode.loudness',
  'decode.resample',
  'decode.waveform',
  'decode.features',
  'spectrum',
  'rhythm',
  'harmony',
  'sections',
];

function table(rows: [string, ChildReport][]): string {
  const head = ['stage (median ms)', ...rows.map(([n]) => n)];
  const lines: string[][] = [head];
  for (const s of STAGES)
    lines.push([s, ...rows.map(([, r]) => median(r.runs.map((x) => x.timings[s] ?? NaN)).toFixed(0))]);
  lines.push(['total wall', ...rows.map(([, r]) => median(r.runs.map((x) => x.wallMs)).toFixed(0))]);
  lines.push(['CPU node', ...rows.map(([, r]) => median(r.runs.map((x) => x.cpuMs)).toFixed(0))]);
  lines.push(['CPU ffmpeg', ...rows.map(([, r]) => median(r.runs.map((x) => x.childCpuMs)).toFixed(0))]);
  lines.push([
    'real-time factor (wall)',
    ...rows.map(
      ([, r]) => `${(r.runs[0].durationSec / (median(r.runs.map((x) => x.wallMs)) / 1000)).toFixed(0)}×`,
    ),
  ]);
  lines.push(['peak RSS MB, first job', ...rows.map(([, r]) => r.firstJobRssMB.toFixed(0))]);
  lines.push(['peak RSS MB (all jobs)', ...rows.map(([, r]) => r.maxRssMB.toFixed(0))]);
  lines.push([
    'peak heap MB (sampled)',
    ...rows.map(([, r]) => Math.max(...r.runs.map((x) => x.peakHeapMB)).toFixed(0)),
  ]);
  const w = head.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const fmt = (l: string[]): string =>
    `| ${l.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join(' | ')} |`;
  return [
    fmt(lines[0]),
    `|${w.map((x, c) => (c === 0 ? ':' : '') + '-'.repeat(x + 1) + (c === 0 ? '' : ':')).join('|')}|`,
    ...lines.slice(1).map(fmt),
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], Number(argv[2]), argv[3]);
  if (argv.includes('--batch')) {
    const { batchBench } = await import('./batch');
    const n = Number(argv[argv.indexOf('--batch') + 1]) || 100;
    const sec = argv.includes('--song-sec') ? Number(argv[argv.indexOf('--song-sec') + 1]) : 30;
    return batchBench(n, sec);
  }
  const runs = Number(argv[argv.indexOf('--runs') + 1]) || 3;
  const long = argv.includes('--long');
  const extra = argv.includes('--file') ? argv[argv.indexOf('--file') + 1] : null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-speed-'));
  if (argv.includes('--bundled')) bundlePath = await bundleSelf(dir);
  const ff = (...a: string[]): void => {
    execFileSync(FFMPEG_PATH, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...a]);
  };
  try {
    const src = corpusAudio('s01.mp3');
    const mp3 = join(dir, 'song-3min.mp3');
    const wav = join(dir, 'song-3min.wav');
    if (existsSync(src))
      ff('-stream_loop', '1', '-i', src, '-t', '180', '-c:a', 'libmp3lame', '-b:a', '192k', mp3);
    else {
      console.log('corpus not found: synthesising the 3-minute test song');
      ff(
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=220:duration=180',
        '-f',
        'lavfi',
        '-i',
        'anoisesrc=d=180:a=0.05',
        '-filter_complex',
        'amix=inputs=2,volume=2',
        '-ac',
        '2',
        '-ar',
        '44100',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '192k',
        mp3,
      );
    }
    ff('-i', mp3, '-c:a', 'pcm_s16le', wav);
    console.log(
      `3-minute song: ${mp3} (MP3 192 kbit/s stereo 44.1 kHz), ${runs} runs after one warm-up, medians; ` +
        `children run ${bundlePath ? 'bundled by esbuild on plain node (as the app worker)' : 'under tsx'}\n`,
    );
    const rows: [string, ChildReport][] = [
      ['mp3: ffmpeg+swr (app)', runScenario(mp3, runs, 'ffmpeg')],
      ['mp3: ffmpeg+JS resampler', runScenario(mp3, runs, 'ffmpeg+js')],
      ['wav: native TS', runScenario(wav, runs, 'wav-native')],
      ['wav: auto (ffmpeg+swr)', runScenario(wav, runs, 'wav')],
    ];
    if (extra) rows.push([`file: ${extra.split('/').pop()}`, runScenario(extra, runs, 'ffmpeg')]);
    if (long) {
      const hour = join(dir, 'song-1h.mp3');
      ff('-stream_loop', '19', '-i', mp3, '-c', 'copy', hour);
      rows.push(['1 h mp3 (analysis capped)', runScenario(hour, 1, 'ffmpeg')]);
    }
    console.log(table(rows));
    console.log(`\nFFT: ${[...new Set(rows.map(([, r]) => r.fft))].join(', ')}`);
    const base = median(rows[0][1].runs.map((x) => x.timings.decode));
    console.log('\ndecode ratio vs the app default (ffmpeg + swr):');
    for (const [n, r] of rows.slice(1, 4))
      console.log(`  ${n}: ${(median(r.runs.map((x) => x.timings.decode)) / base).toFixed(2)}×`);
    console.log(
      `\nload average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${(await import('node:os')).cpus().length} cores`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
