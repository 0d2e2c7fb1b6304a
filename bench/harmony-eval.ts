/**
 * Private tuning script for the harmony stage: decodes the corpus (cached as f32 in /tmp), runs
 * analyzeHarmony with ground-truth or detected beats and prints per-song key / chord scores.
 *   npx tsx bench/harmony-eval.ts [--beats gt|detected|none] [ids…]
 * Scored with the bench's mir_eval-style metrics (bench/metrics).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeHarmony, DEFAULT_HARMONY_PARAMS } from '../src/main/analysis/harmony';
import { decodeCached } from './decode-cache';
import type { HarmonyParams } from '../src/main/analysis/harmony';
import { evaluateChords, toHarte } from './metrics/chord';
import { keyOverTime } from './metrics/key';
import type { Interval } from './metrics/intervals';

type Seg = { start: number; end: number; label: string };
const labelled = (segs: Seg[], harte: (l: string) => string) => ({
  intervals: segs.map((c) => [c.start, c.end] as Interval),
  labels: segs.map((c) => harte(c.label)),
});

function scoreKey(
  ref: { start: number; end: number; tonic: string; mode: 'major' | 'minor' }[],
  est: typeof ref,
  start: number,
  end: number,
) {
  const r = keyOverTime(ref, est, start, end);
  return { key: r.weighted, keyExact: r.exact };
}

function scoreChords(ref: Seg[], est: Seg[]) {
  // a song without any predicted chord is all N, as the bench scores it
  const e = est.length ? est : [{ start: 0, end: ref[ref.length - 1].end, label: 'N' }];
  const r = evaluateChords(
    labelled(ref, (l) => l),
    labelled(e, toHarte),
  );
  return { root: r.root, majmin: r.majmin, sevenths: r.sevenths, seg: r.seg };
}

const CORPUS = process.env.CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus');
const CACHE = '/tmp/harmony-cache';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const beatsMode = args.includes('--beats') ? args[args.indexOf('--beats') + 1] : 'gt';
  const ids = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--beats');
  const gtFiles = readdirSync(join(CORPUS, 'gt')).filter((f) => f.endsWith('.gt.json'));
  const rows: Record<string, number>[] = [];
  // HP='{"chords":{"changePenalty":0.2}}' overrides parameters for a sweep
  const over = JSON.parse(process.env.HP ?? '{}') as Partial<Record<keyof HarmonyParams, object>>;
  const params = { ...DEFAULT_HARMONY_PARAMS } as HarmonyParams;
  for (const [k, v] of Object.entries(over)) {
    const cur = (params as unknown as Record<string, unknown>)[k];
    (params as unknown as Record<string, unknown>)[k] =
      typeof v === 'object' && v !== null ? { ...(cur as object), ...v } : v;
  }
  let rhythm: typeof import('../src/main/analysis/rhythm') | null = null;
  if (beatsMode === 'detected') rhythm = await import('../src/main/analysis/rhythm');
  for (const f of gtFiles.sort()) {
    const gt = JSON.parse(readFileSync(join(CORPUS, 'gt', f), 'utf8'));
    if (ids.length && !ids.includes(gt.id)) continue;
    const samples = decodeCached(join(CORPUS, 'audio', gt.audio), join(CACHE, `${gt.id}.f32`));
    const audio = { samples, sr: 22050 };
    let beats: number[] = gt.beats;
    let downbeats: number[] = gt.downbeats;
    if (beatsMode === 'none') {
      beats = [];
      downbeats = [];
    } else if (rhythm) {
      const cache = join(CACHE, `${gt.id}.beats.json`);
      if (!existsSync(cache)) {
        const r = await rhythm.analyzeRhythm(audio, {});
        writeFileSync(cache, JSON.stringify({ beats: r.beats, downbeats: r.downbeats }));
      }
      ({ beats, downbeats } = JSON.parse(readFileSync(cache, 'utf8')) as {
        beats: number[];
        downbeats: number[];
      });
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const res = await analyzeHarmony(audio, { beats, downbeats }, params);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const ms = (cpu.user + cpu.system) / 1000;
    void wall;
    const row: Record<string, number> = { ms, msPer3min: (ms * 180) / (samples.length / 22050) };
    if (gt.key) Object.assign(row, scoreKey(gt.key, res.key, gt.music.start_sec, gt.music.end_sec));
    if (gt.chords) Object.assign(row, scoreChords(gt.chords, res.chords));
    rows.push(row);
    const keys = res.key
      .map((k) => `${k.tonic}${k.mode === 'minor' ? 'm' : ''}@${k.start.toFixed(0)}`)
      .join(',');
    const gk = (gt.key ?? [])
      .map((k: { tonic: string; mode: string }) => `${k.tonic}${k.mode === 'minor' ? 'm' : ''}`)
      .join(',');
    console.log(
      `${gt.id}  tun ${res.tuning?.a4_hz ?? '-'}  key ${keys.padEnd(14)} gt ${gk.padEnd(8)}`,
      Object.entries(row)
        .map(([k, v]) => `${k} ${k.startsWith('ms') ? v.toFixed(0) : v.toFixed(3)}`)
        .join('  '),
    );
  }
  const cols = new Set(rows.flatMap((r) => Object.keys(r)));
  const mean: string[] = [];
  for (const c of cols) {
    const v = rows.filter((r) => c in r).map((r) => r[c]);
    mean.push(`${c} ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(c.startsWith('ms') ? 0 : 3)}`);
  }
  console.log(`MEAN (${rows.length})`, mean.join('  '), process.env.HP ?? '');
}

if (process.argv[1]?.endsWith('harmony-eval.ts')) void main();
