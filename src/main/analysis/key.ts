/**
 * Key: correlation of chroma with key profiles, over the whole song and over sliding windows, with
 * a sticky Viterbi path over the 24 keys so a modulation needs sustained evidence to show up as a
 * new region. Key index k: tonic pitch class = k % 12, mode = k < 12 ? major : minor.
 */
import { Key, Note } from '@tonaljs/tonal';

export type Mode = 'major' | 'minor';

/** Krumhansl–Kessler probe-tone profiles (C major / C minor). */
export const KK_MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
export const KK_MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
/** Temperley (1999) profiles. */
export const TEMPERLEY_MAJOR = [5, 2, 3.5, 2, 4.5, 4, 2, 4.5, 2, 3.5, 1.5, 4];
export const TEMPERLEY_MINOR = [5, 2, 3.5, 4.5, 2, 4, 2, 4.5, 3.5, 2, 1.5, 4];

export const keyTonicPc = (k: number): number => k % 12;
export const keyMode = (k: number): Mode => (k < 12 ? 'major' : 'minor');

export interface KeyProfiles {
  major: number[];
  minor: number[];
}

/** 24 z-scored rotated profiles, row per key. */
export function profileMatrix(p: KeyProfiles): Float64Array {
  const m = new Float64Array(24 * 12);
  for (let mode = 0; mode < 2; mode++) {
    const base = mode === 0 ? p.major : p.minor;
    const mean = base.reduce((a, b) => a + b, 0) / 12;
    const sd = Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / 12);
    for (let tonic = 0; tonic < 12; tonic++) {
      for (let pc = 0; pc < 12; pc++)
        m[(mode * 12 + tonic) * 12 + pc] = (base[(pc - tonic + 12) % 12] - mean) / sd;
    }
  }
  return m;
}

/** Pearson correlation of a 12-vector with every key profile; all zeros for a flat vector. */
export function keyCorrelations(
  x: ArrayLike<number>,
  off: number,
  prof: Float64Array,
  out: Float64Array,
): void {
  let mean = 0;
  for (let k = 0; k < 12; k++) mean += x[off + k];
  mean /= 12;
  let ss = 0;
  for (let k = 0; k < 12; k++) ss += (x[off + k] - mean) ** 2;
  const sd = Math.sqrt(ss / 12);
  for (let key = 0; key < 24; key++) {
    if (sd < 1e-9) {
      out[key] = 0;
      continue;
    }
    let dot = 0;
    for (let k = 0; k < 12; k++) dot += (x[off + k] - mean) * prof[key * 12 + k];
    out[key] = dot / (12 * sd);
  }
}

export interface KeyParams {
  profiles: KeyProfiles;
  /** half-width of the sliding window, seconds */
  windowSec: number;
  /** Viterbi cost of changing key, in units of summed correlation per segment */
  changePenalty: number;
  /** regions shorter than this are folded into a neighbour */
  minRegionSec: number;
  /** below this best correlation the chroma is not tonal: no key */
  minCorrelation: number;
  /** softmax scale turning correlations into confidences */
  confidenceScale: number;
  /** weight of the chord-fit evidence (see chordKeyEvidence) added to the profile correlation */
  chordWeight: number;
}

export const DEFAULT_KEY_PARAMS: KeyParams = {
  profiles: { major: KK_MAJOR, minor: KK_MINOR },
  windowSec: 8,
  changePenalty: 3,
  minRegionSec: 20,
  minCorrelation: 0.4,
  confidenceScale: 10,
  chordWeight: 0.5,
};

export interface KeyRegionEstimate {
  start: number;
  end: number;
  key: number;
  conf: number;
  /** correlations of this region's chroma with all 24 keys */
  corr: Float64Array;
}

function softmaxConf(corr: Float64Array, k: number, scale: number): number {
  let mx = -Infinity;
  for (let i = 0; i < 24; i++) if (corr[i] > mx) mx = corr[i];
  let z = 0;
  for (let i = 0; i < 24; i++) z += Math.exp(scale * (corr[i] - mx));
  return Math.exp(scale * (corr[k] - mx)) / z;
}

function argmax(a: Float64Array): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[b]) b = i;
  return b;
}

/**
 * Key regions from per-segment key chroma (nSeg*12, already weighted by how much each segment
 * should count, zero for silence). Returns [] when the material is not tonal.
 */
export function estimateKeyRegions(
  chroma: Float32Array,
  times: number[],
  params: KeyParams = DEFAULT_KEY_PARAMS,
  /** optional nSeg*24 per-segment key evidence (chordKeyEvidence), averaged over time like chroma */
  evidence?: Float32Array,
): KeyRegionEstimate[] {
  const nSeg = times.length - 1;
  if (nSeg <= 0) return [];
  const prof = profileMatrix(params.profiles);
  const total = new Float64Array(12);
  for (let s = 0; s < nSeg; s++) for (let k = 0; k < 12; k++) total[k] += chroma[s * 12 + k];
  const gCorr = new Float64Array(24);
  keyCorrelations(total, 0, prof, gCorr);
  if (gCorr[argmax(gCorr)] < params.minCorrelation) return [];
  // duration-weighted prefix sums of the chord evidence, so any span's mean fit is O(24)
  const evPrefix = new Float64Array((nSeg + 1) * 24);
  if (evidence) {
    for (let s = 0; s < nSeg; s++) {
      const d = times[s + 1] - times[s];
      for (let k = 0; k < 24; k++)
        evPrefix[(s + 1) * 24 + k] = evPrefix[s * 24 + k] + d * evidence[s * 24 + k];
    }
  }
  const addEvidence = (s0: number, s1: number, corr: Float64Array) => {
    if (!evidence) return;
    const span = times[s1] - times[s0];
    if (span <= 0) return;
    for (let k = 0; k < 24; k++)
      corr[k] += (params.chordWeight * (evPrefix[s1 * 24 + k] - evPrefix[s0 * 24 + k])) / span;
  };
  addEvidence(0, nSeg, gCorr);

  // windowed correlations via prefix sums over segments
  const prefix = new Float64Array((nSeg + 1) * 12);
  for (let s = 0; s < nSeg; s++)
    for (let k = 0; k < 12; k++) prefix[(s + 1) * 12 + k] = prefix[s * 12 + k] + chroma[s * 12 + k];
  const emis = new Float64Array(nSeg * 24);
  const win = new Float64Array(12);
  const tmp = new Float64Array(24);
  let lo = 0;
  let hi = 0;
  for (let s = 0; s < nSeg; s++) {
    const mid = (times[s] + times[s + 1]) / 2;
    while (lo < nSeg && times[lo + 1] < mid - params.windowSec) lo++;
    while (hi < nSeg && times[hi] < mid + params.windowSec) hi++;
    for (let k = 0; k < 12; k++) win[k] = prefix[hi * 12 + k] - prefix[lo * 12 + k];
    keyCorrelations(win, 0, prof, tmp);
    addEvidence(lo, hi, tmp);
    for (let k = 0; k < 24; k++) emis[s * 24 + k] = tmp[k];
  }
  // sticky Viterbi, emission weighted by segment duration so the penalty is in seconds of evidence
  const back = new Int8Array(nSeg * 24);
  let prev = new Float64Array(24);
  let cur = new Float64Array(24);
  for (let k = 0; k < 24; k++) prev[k] = emis[k] * (times[1] - times[0]);
  for (let s = 1; s < nSeg; s++) {
    const b = argmax(prev);
    const sw = prev[b] - params.changePenalty;
    const d = times[s + 1] - times[s];
    for (let k = 0; k < 24; k++) {
      if (prev[k] >= sw) {
        cur[k] = prev[k] + d * emis[s * 24 + k];
        back[s * 24 + k] = k;
      } else {
        cur[k] = sw + d * emis[s * 24 + k];
        back[s * 24 + k] = b;
      }
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  const path = new Int8Array(nSeg);
  path[nSeg - 1] = argmax(prev);
  for (let s = nSeg - 1; s > 0; s--) path[s - 1] = back[s * 24 + path[s]];

  // runs → regions, fold short ones into the previous (or next) region
  let runs: { s0: number; s1: number }[] = [];
  for (let s = 0; s < nSeg; s++) {
    if (s === 0 || path[s] !== path[s - 1]) runs.push({ s0: s, s1: s + 1 });
    else runs[runs.length - 1].s1 = s + 1;
  }
  const dur = (r: { s0: number; s1: number }) => times[r.s1] - times[r.s0];
  let changed = true;
  while (changed && runs.length > 1) {
    changed = false;
    let shortest = -1;
    for (let i = 0; i < runs.length; i++) {
      if (dur(runs[i]) < params.minRegionSec && (shortest < 0 || dur(runs[i]) < dur(runs[shortest])))
        shortest = i;
    }
    if (shortest >= 0) {
      const i = shortest;
      const j =
        i === 0 ? 1 : i === runs.length - 1 ? i - 1 : dur(runs[i - 1]) >= dur(runs[i + 1]) ? i - 1 : i + 1;
      const merged = { s0: Math.min(runs[i].s0, runs[j].s0), s1: Math.max(runs[i].s1, runs[j].s1) };
      runs = runs.filter((_, x) => x !== i && x !== j);
      runs.push(merged);
      runs.sort((a, b) => a.s0 - b.s0);
      changed = true;
    }
  }
  // each region's key from its own total chroma; neighbours that agree are merged
  const regionKey = (s0: number, s1: number) => {
    const c = new Float64Array(12);
    for (let k = 0; k < 12; k++) c[k] = prefix[s1 * 12 + k] - prefix[s0 * 12 + k];
    const corr = new Float64Array(24);
    keyCorrelations(c, 0, prof, corr);
    addEvidence(s0, s1, corr);
    return corr;
  };
  const segRegions: { s0: number; s1: number; key: number }[] = [];
  for (const r of runs) {
    const key = argmax(regionKey(r.s0, r.s1));
    const last = segRegions[segRegions.length - 1];
    if (last && last.key === key) last.s1 = r.s1;
    else segRegions.push({ s0: r.s0, s1: r.s1, key });
  }
  // the windowed path lags a modulation by up to a window: move each boundary to where the
  // per-segment evidence for the old key gives way to the new one
  for (let i = 1; i < segRegions.length; i++) {
    const a = segRegions[i - 1];
    const b = segRegions[i];
    const tB = times[b.s0];
    let lo = b.s0;
    while (lo > a.s0 + 1 && times[lo - 1] > tB - 2 * params.windowSec) lo--;
    let hi = b.s0;
    while (hi < b.s1 - 1 && times[hi + 1] < tB + 2 * params.windowSec) hi++;
    const ca = new Float64Array(24);
    // cumulative advantage of key a over key b from lo up to each candidate boundary
    const adv: number[] = [0];
    for (let s = lo; s < hi; s++) {
      keyCorrelations(chroma, s * 12, prof, ca);
      const d = times[s + 1] - times[s];
      let diff = ca[a.key] - ca[b.key];
      if (evidence) diff += params.chordWeight * (evidence[s * 24 + a.key] - evidence[s * 24 + b.key]);
      adv.push(adv[adv.length - 1] + d * diff);
    }
    const totalAdv = adv[adv.length - 1];
    let best = b.s0;
    let bestVal = -Infinity;
    for (let j = lo; j <= hi; j++) {
      // segments before j vote for a, from j on for b
      const v = adv[j - lo] - (totalAdv - adv[j - lo]);
      if (v > bestVal) {
        bestVal = v;
        best = j;
      }
    }
    a.s1 = best;
    b.s0 = best;
  }
  // a boundary may have swallowed a whole region: drop empty ones, re-merge equal neighbours
  const kept: { s0: number; s1: number; key: number }[] = [];
  for (const r of segRegions) {
    if (r.s1 <= r.s0) continue;
    const last = kept[kept.length - 1];
    if (last && last.key === r.key) last.s1 = r.s1;
    else kept.push({ ...r, s0: last ? last.s1 : r.s0 });
  }
  const regions: KeyRegionEstimate[] = kept.map((r) => {
    const corr = kept.length === 1 ? gCorr : regionKey(r.s0, r.s1);
    return {
      start: times[r.s0],
      end: times[r.s1],
      key: r.key,
      conf: softmaxConf(corr, r.key, params.confidenceScale),
      corr,
    };
  });
  return regions;
}

/**
 * How well each segment's chord fits each key: 1 when all its notes are in the key's scale (minor
 * with its raised 7th, so V and vii° count), plus `tonicBonus` when it is the key's own tonic chord
 * (major-quality on a major tonic, minor-quality on a minor tonic). The diatonic term separates
 * keys a fifth apart (F7 and Ebmaj7 belong to Bb, not F); the tonic term separates relative keys.
 * `chordMasks[s]` is the pitch-class mask of segment s's chord (0 for N), `roots[s]` its root.
 */
export function chordKeyEvidence(
  chordMasks: Uint16Array,
  roots: Int8Array,
  triadMinor: Uint8Array,
  tonicBonus: number,
): Float32Array {
  const nSeg = chordMasks.length;
  const out = new Float32Array(nSeg * 24);
  const scaleMask = new Uint16Array(24);
  const MAJOR = [0, 2, 4, 5, 7, 9, 11];
  const MINOR = [0, 2, 3, 5, 7, 8, 10, 11];
  for (let k = 0; k < 24; k++) {
    const t = k % 12;
    for (const iv of k < 12 ? MAJOR : MINOR) scaleMask[k] |= 1 << ((t + iv) % 12);
  }
  for (let s = 0; s < nSeg; s++) {
    const m = chordMasks[s];
    if (m === 0) continue;
    for (let k = 0; k < 24; k++) {
      let v = (m & scaleMask[k]) === m ? 1 : 0;
      if (roots[s] === k % 12 && k >= 12 === (triadMinor[s] === 1)) v += tonicBonus;
      out[s * 24 + k] = v;
    }
  }
  return out;
}

/** Relation of key b to key a, for the alternatives list. */
export function keyRelation(
  a: number,
  b: number,
): 'relative' | 'parallel' | 'dominant' | 'subdominant' | 'other' {
  const ta = keyTonicPc(a);
  const tb = keyTonicPc(b);
  const ma = keyMode(a);
  const mb = keyMode(b);
  if (ma !== mb && ta === tb) return 'parallel';
  if (ma === 'major' && mb === 'minor' && (tb - ta + 12) % 12 === 9) return 'relative';
  if (ma === 'minor' && mb === 'major' && (tb - ta + 12) % 12 === 3) return 'relative';
  if (ma === mb && (tb - ta + 12) % 12 === 7) return 'dominant';
  if (ma === mb && (tb - ta + 12) % 12 === 5) return 'subdominant';
  return 'other';
}

/** The related keys of `k` worth listing as alternatives. */
export function relatedKeys(k: number): number[] {
  const t = keyTonicPc(k);
  const minor = keyMode(k) === 'minor';
  const rel = minor ? (t + 3) % 12 : 12 + ((t + 9) % 12);
  const par = minor ? t : 12 + t;
  const dom = (minor ? 12 : 0) + ((t + 7) % 12);
  const sub = (minor ? 12 : 0) + ((t + 5) % 12);
  return [rel, par, dom, sub];
}

function alteration(tonic: string, mode: Mode): number {
  return mode === 'major' ? Key.majorKey(tonic).alteration : Key.minorKey(tonic).alteration;
}

/** Conventional tonic name: the enharmonic spelling whose key signature has fewer accidentals. */
export function keyTonicName(pc: number, mode: Mode): string {
  const flat = Note.pitchClass(Note.fromMidi(60 + pc));
  const sharp = Note.pitchClass(Note.fromMidiSharps(60 + pc));
  if (flat === sharp) return flat;
  const af = Math.abs(alteration(flat, mode));
  const as = Math.abs(alteration(sharp, mode));
  if (af !== as) return af < as ? flat : sharp;
  // six either way: F# major and Eb minor are the usual names
  return mode === 'major' ? sharp : flat;
}

/** Scale used for spelling chords and for the diatonic prior (minor adds the raised 7th). */
export function keyScale(tonic: string, mode: Mode): { notes: string[]; preferFlats: boolean; mask: number } {
  let notes: string[];
  let alt: number;
  if (mode === 'major') {
    const k = Key.majorKey(tonic);
    notes = [...k.scale];
    alt = k.alteration;
  } else {
    const k = Key.minorKey(tonic);
    notes = [...k.natural.scale, k.harmonic.scale[6]];
    alt = k.alteration;
  }
  let mask = 0;
  for (const n of notes) {
    const c = Note.chroma(n);
    if (c !== undefined) mask |= 1 << c;
  }
  return { notes, preferFlats: alt < 0, mask };
}

export { camelot, openKey } from '../../shared/keys';
