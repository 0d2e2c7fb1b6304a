/**
 * Quick segmentation tuning: reruns only the sections stage's structure analysis on cached rhythm /
 * harmony / frame features (one JSON per song, written once by a full analysis) and scores it with
 * the corpus metrics. Cache format: { duration, beats, downbeats, meter, beatChroma, frames }.
 *
 *   npx tsx bench/segment-tune.ts --build <cache dir> [corpus dir] [--part tune]   # analyse once (~1 s a song)
 *
 *   npx tsx bench/segment-tune.ts <cache dir> [corpus dir] [--part tune] [--only s01,m02] [--verbose]
 *                                 [--set refineReach=2,seqBars=4]
 *
 * `--part tune|held` keeps to one part of a wide set (bench/parts.ts): build and tune on `tune` only.
 * A build skips songs already in the cache.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateSections } from './metrics/sections';
import { partOf, type Part } from './parts';
import { barGrid, sectionsFromBars, trimQuietBars } from '../src/main/analysis/segment';
import { barFeatures, type FrameFeatures } from '../src/main/analysis/segment-features';
import { DEFAULT_PARAMS, type StructureParams } from '../src/main/analysis/segment-structure';

interface Cached {
  duration: number;
  beats: number[];
  downbeats: number[];
  meter: { numerator: number } | null;
  beatChroma: { times: number[]; chroma: number[] } | null;
  frames: { frameSec: number; nFrames: number; mfcc: number[]; powerDb: number[]; chroma: number[] };
}

/** Analyses every corpus song with sections once (decode, rhythm, harmony, frame features) into the cache. */
async function build(cacheDir: string, corpus: string, part: Part | null): Promise<void> {
  const { probeFile } = await import('../src/main/analysis/probe');
  const { decodeFile } = await import('../src/main/analysis/decode');
  const { stft } = await import('../src/main/analysis/spectrum');
  const { analyzeRhythm } = await import('../src/main/analysis/rhythm');
  const { analyzeHarmony } = await import('../src/main/analysis/harmony');
  const { frameFeatures } = await import('../src/main/analysis/segment-features');
  const { readingFromHarmony } = await import('../src/main/analysis/meter-harmony');
  const { SHARED_HOP, SHARED_NFFT } = await import('../src/main/analysis/stages');
  mkdirSync(cacheDir, { recursive: true });
  for (const f of readdirSync(join(corpus, 'gt'))
    .filter((x) => x.endsWith('.gt.json'))
    .sort()) {
    const gt = JSON.parse(readFileSync(join(corpus, 'gt', f), 'utf8'));
    if (!gt.sections?.length) continue;
    if (part && partOf(gt.id) !== part) continue;
    if (existsSync(join(cacheDir, `${gt.id}.json`))) continue;
    const { audio } = await decodeFile(await probeFile(join(corpus, 'audio', gt.audio)), {});
    const spec = stft(audio.samples, { sr: audio.sr, nFft: SHARED_NFFT, hop: SHARED_HOP });
    const r0 = analyzeRhythm(audio, { spec });
    const h = analyzeHarmony(audio, { spec, beats: r0.beats, downbeats: r0.downbeats });
    // the readings harmony corrects, as the pipeline does
    const r = readingFromHarmony(r0, h.chords) ?? r0;
    const ff = frameFeatures(spec, true);
    const cached: Cached = {
      duration: audio.samples.length / audio.sr,
      beats: r.beats,
      downbeats: r.downbeats,
      meter: r.meter,
      beatChroma: h.beatChroma
        ? { times: h.beatChroma.times, chroma: Array.from(h.beatChroma.chroma) }
        : null,
      frames: {
        frameSec: ff.frameSec,
        nFrames: ff.nFrames,
        mfcc: Array.from(ff.mfcc),
        powerDb: Array.from(ff.powerDb),
        chroma: Array.from(ff.chroma ?? []),
      },
    };
    writeFileSync(join(cacheDir, `${gt.id}.json`), JSON.stringify(cached));
    console.log('cached', gt.id);
  }
}

const argv = process.argv.slice(2);
const part = argv.includes('--part') ? (argv[argv.indexOf('--part') + 1] as Part) : null;
if (part && part !== 'tune' && part !== 'held') throw new Error('--part is tune or held');
if (argv[0] === '--build') {
  const args = argv.slice(1).filter((a, i, arr) => a !== '--part' && arr[i - 1] !== '--part');
  await build(args[0], args[1] ?? '../shared/corpus', part);
  process.exit(0);
}
const only = argv.includes('--only') ? new Set(argv[argv.indexOf('--only') + 1].split(',')) : null;
const verbose = argv.includes('--verbose');
// --set name=value,name=value overrides DEFAULT_PARAMS
const params: StructureParams = { ...DEFAULT_PARAMS };
if (argv.includes('--set'))
  for (const kv of argv[argv.indexOf('--set') + 1].split(',')) {
    const [k, v] = kv.split('=');
    if (!(k in params)) throw new Error(`unknown parameter ${k}`);
    (params as unknown as Record<string, number>)[k] = Number(v);
  }
const pos = argv.filter(
  (a, i) => !a.startsWith('--') && !['--only', '--set', '--part'].includes(argv[i - 1]),
);
const cacheDir = pos[0];
const corpus = pos[1] ?? '../shared/corpus';
if (!cacheDir || !existsSync(cacheDir)) throw new Error('usage: segment-tune <cache dir> [corpus dir]');

const rows: Array<[string, number, number, number, number]> = [];
let ms = 0;
for (const file of readdirSync(cacheDir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const id = file.replace(/\.json$/, '');
  if (only && !only.has(id)) continue;
  if (part && partOf(id) !== part) continue;
  const gt = JSON.parse(readFileSync(join(corpus, 'gt', `${id}.gt.json`), 'utf8'));
  if (!gt.sections?.length) continue;
  const c = JSON.parse(readFileSync(join(cacheDir, file), 'utf8')) as Cached;
  const frames: FrameFeatures = {
    frameSec: c.frames.frameSec,
    nFrames: c.frames.nFrames,
    mfcc: Float32Array.from(c.frames.mfcc),
    powerDb: Float32Array.from(c.frames.powerDb),
    chroma: Float32Array.from(c.frames.chroma),
  };
  const bc = c.beatChroma
    ? { times: c.beatChroma.times, chroma: Float32Array.from(c.beatChroma.chroma) }
    : null;
  const perBar = c.meter?.numerator ?? 4;
  const t0 = performance.now();
  const grid = barGrid(c.downbeats, c.beats, perBar, c.duration);
  if (!grid) throw new Error(`${id}: no bar grid`);
  const all = barFeatures(grid.bars, perBar, frames, bc);
  const [a, b] = trimQuietBars(all.energyDb);
  const bars = grid.bars.slice(a, b + 1);
  const f = barFeatures(bars, perBar, frames, bc);
  const secs = sectionsFromBars(bars, f, params);
  ms += performance.now() - t0;
  const r = evaluateSections(
    gt.sections.map((x: { start: number; end: number; label: string }) => ({
      start: x.start,
      end: x.end,
      label: x.label,
    })),
    secs.map((x) => ({ start: x.start, end: x.end, label: x.letter ?? x.label })),
    { start: gt.music.start_sec, end: gt.music.end_sec },
  );
  rows.push([id, r.f05, r.f3, r.pairwise, secs.length]);
  if (verbose) {
    const barOf = (t: number): number => {
      let k = 0;
      while (k + 1 < bars.length && bars[k + 1] <= t + 0.2) k++;
      return k;
    };
    const gtForm = gt.sections
      .map((x: { start: number; label: string }) => `${x.label}@${barOf(x.start)}`)
      .join(' ');
    const est = secs.map((x) => `${x.letter}@${barOf(x.start)}`).join(' ');
    console.log(`${id}  gt: ${gtForm}\n${' '.repeat(id.length)} est: ${est}`);
  }
}
const mean = (k: 1 | 2 | 3): number => rows.reduce((s, r) => s + r[k], 0) / Math.max(1, rows.length);
for (const r of rows)
  console.log(
    r[0],
    r
      .slice(1, 4)
      .map((v) => (v as number).toFixed(3))
      .join(' '),
    `${r[4]} sections`,
  );
const grp = (p: string): string => {
  const g = rows.filter((r) => r[0].startsWith(p));
  const m = (k: 1 | 2 | 3): string => (g.reduce((s, r) => s + r[k], 0) / Math.max(1, g.length)).toFixed(3);
  return `${p}: ${m(1)} ${m(2)} ${m(3)}`;
};
console.log(
  `MEAN F@0.5 ${mean(1).toFixed(3)}  F@3 ${mean(2).toFixed(3)}  pairwise ${mean(3).toFixed(3)}   (${grp('s')} | ${grp('m')})  ${(ms / rows.length).toFixed(0)} ms/song`,
);
