/**
 * Calibration of the song map's confidences (src/main/analysis/calibration.ts): what each stated
 * confidence is worth, field by field, against the ground truth of a generated set.
 *
 *   npx tsx bench/calibration.ts <wide dir> --maps <dir of <id>.json> [--part tune|held] [--fit] [--raw]
 *
 * Song maps come from `bench/tune.ts <wide dir> --part P --save <dir>` (add `--raw` there to save the
 * raw scores the maps are fitted on). `--fit` prints isotonic maps fitted on the given part, ready to
 * paste into CALIBRATION; without it, prints reliability bins and the expected calibration error
 * (ECE) of the confidences as stated in the maps (or, with `--raw`, after applying CALIBRATION).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CALIBRATION,
  fitIsotonic,
  interpolate,
  reliability,
  type CalibratedField,
} from '../src/main/analysis/calibration';
import { loadGroundTruth } from './accuracy';
import { beatFMeasure } from './metrics/beat';
import { compareMajmin, toHarte } from './metrics/chord';
import { trimBeats } from './metrics/events';
import { tonicToPc } from './metrics/key';
import type { GroundTruth } from './metrics/score';
import { partOf, type Part } from './parts';

interface Map {
  tempo?: { bpm_global: number; confidence: number; beat_confidence?: number } | null;
  beats?: number[];
  key?: Array<{ start: number; end: number; tonic: string; mode: string; conf: number }>;
  chords?: Array<{ start: number; end: number; label: string; conf: number }>;
}

export type Outcome = { score: number; right: number };

const labelAt = <T extends { start: number; end: number }>(xs: readonly T[], t: number): T | undefined =>
  xs.find((x) => x.start <= t && t < x.end);

/** (stated score, how right) pairs for every calibrated field of one song. */
export function outcomes(gt: GroundTruth, map: Map): Record<CalibratedField, Outcome[]> {
  const out: Record<CalibratedField, Outcome[]> = { tempo: [], beats: [], key: [], chord: [], none: [] };
  const t = map.tempo;
  if (t && gt.tempo)
    out.tempo.push({
      score: t.confidence,
      right: Math.abs(t.bpm_global / gt.tempo.bpm_global - 1) <= 0.04 ? 1 : 0,
    });
  if (t?.beat_confidence !== undefined && gt.beats && map.beats?.length) {
    const f = beatFMeasure(trimBeats(gt.beats), trimBeats(map.beats));
    out.beats.push({ score: t.beat_confidence, right: f >= 0.9 ? 1 : 0 });
  }
  const { start_sec: m0, end_sec: m1 } = gt.music;
  for (const k of map.key ?? []) {
    if (!gt.key) break;
    let hit = 0;
    let n = 0;
    for (let s = Math.max(k.start, m0); s < Math.min(k.end, m1); s += 1) {
      const g = labelAt(gt.key, s);
      if (!g) continue;
      n++;
      if (tonicToPc(g.tonic) === tonicToPc(k.tonic) && g.mode === k.mode) hit++;
    }
    if (n > 0) out.key.push({ score: k.conf, right: hit / n });
  }
  for (const c of map.chords ?? []) {
    if (!gt.chords) break;
    const ref: string[] = [];
    const est: string[] = [];
    for (let s = Math.max(c.start, m0); s < Math.min(c.end, m1); s += 0.1) {
      const g = labelAt(gt.chords, s);
      if (!g) continue;
      ref.push(g.label);
      est.push(toHarte(c.label));
    }
    const scores = compareMajmin(ref, est).filter((v) => v >= 0);
    if (scores.length > 0)
      out[c.label === 'N' ? 'none' : 'chord'].push({
        score: c.conf,
        right: scores.reduce((a, b) => a + b, 0) / scores.length,
      });
  }
  return out;
}

function main(): void {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const corpus = argv[0];
  const maps = opt('--maps');
  const part = (opt('--part') ?? 'tune') as Part;
  if (!corpus || !maps)
    throw new Error('usage: calibration.ts <wide dir> --maps <dir> [--part tune|held] [--fit] [--raw]');
  const fields: CalibratedField[] = ['tempo', 'beats', 'key', 'chord', 'none'];
  const all: Record<CalibratedField, Outcome[]> = { tempo: [], beats: [], key: [], chord: [], none: [] };
  let songs = 0;
  for (const gt of loadGroundTruth(corpus).filter((g) => partOf(g.id) === part)) {
    const p = join(maps, `${gt.id}.json`);
    if (!existsSync(p)) continue;
    songs++;
    const o = outcomes(gt, JSON.parse(readFileSync(p, 'utf8')) as Map);
    for (const f of fields) all[f].push(...o[f]);
  }
  if (argv.includes('--fit')) {
    console.log(`// fitted on ${songs} songs (${part} part)`);
    for (const f of fields)
      console.log(`  ${f}: ${JSON.stringify(fitIsotonic(all[f], f === 'chord' ? 200 : 8))},`);
    return;
  }
  const applied = argv.includes('--raw');
  console.log(
    `Calibration on ${songs} songs (${part} part); confidences ${applied ? 'raw → CALIBRATION' : 'as stated in the maps'}`,
  );
  console.log('field    n     ECE   bins: [stated → observed (n)]');
  for (const f of fields) {
    const pts = all[f].map((o) => ({
      p: applied ? interpolate(CALIBRATION[f], o.score) : o.score,
      right: o.right,
    }));
    const r = reliability(pts);
    const bins = r.bins
      .filter((b) => b.n > 0)
      .map(
        (b) =>
          `${b.stated.toFixed(2)}→${b.observed.toFixed(2)} (${b.n})${Math.abs(b.stated - b.observed) > 0.1 ? '!' : ''}`,
      )
      .join('  ');
    console.log(`${f.padEnd(7)} ${String(pts.length).padStart(5)}  ${r.ece.toFixed(3)}  ${bins}`);
  }
}

if (process.argv[1] && /calibration\.ts$/.test(process.argv[1])) main();
