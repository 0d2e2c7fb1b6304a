/**
 * Chord metrics after mir_eval.chord: Harte label encoding, the root / majmin / sevenths
 * comparisons, duration-weighted accuracy (WCSR) and the directional-Hamming segmentation score.
 * Also converts the app's conventional labels (C, Am, G7, Bm7b5, C/E …) to Harte syntax.
 */
import { adjustIntervals, mergeLabeledIntervals, type Interval, type Labelled } from './intervals';

export const NO_CHORD = 'N';
export const X_CHORD = 'X';

/** relative semitone bitmaps (index 0 = root), as in Harte's shorthand table */
const QUALITIES: Record<string, number[]> = {
  maj: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0],
  min: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
  aug: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0],
  dim: [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0],
  sus4: [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0],
  sus2: [1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0],
  '7': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  maj7: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1],
  min7: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  minmaj7: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1],
  maj6: [1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0],
  min6: [1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0],
  dim7: [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0],
  hdim7: [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0],
  aug7: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0],
  // extended chords are rolled into one octave: their upper voices fall outside the 12-bit map
  maj9: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1],
  min9: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  '9': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  min11: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  '11': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  maj13: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1],
  min13: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  '13': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  '1': [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  '5': [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
  '': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
};

/** upper voices of extended qualities, used only when merging equal neighbours for `seg` */
const EXTENDED_REDUX: Record<string, [string, string[]]> = {
  minmaj7: ['min', ['7']],
  maj9: ['maj7', ['9']],
  min9: ['min7', ['9']],
  '9': ['7', ['9']],
  '11': ['7', ['9', '11']],
  '13': ['7', ['9', '11', '13']],
  min11: ['min7', ['9', '11']],
  maj13: ['maj7', ['9', '11', '13']],
  min13: ['min7', ['9', '11', '13']],
};

const LETTERS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const DEGREES: Record<string, number> = {
  '1': 0, '2': 2, '3': 4, '4': 5, '5': 7, '6': 9, '7': 11, '8': 12, '9': 14, '10': 16, '11': 17, '12': 19, '13': 21,
};

export class InvalidChordError extends Error {}

export interface EncodedChord {
  /** absolute pitch class of the root, -1 for N and X */
  root: number;
  /** 12 relative semitones; all 0 for N, all -1 for X */
  bitmap: number[];
  /** relative semitone of the bass, -1 for N and X */
  bass: number;
}

function pitchClass(name: string): number {
  const m = /^([A-G])(b*|#*)$/.exec(name);
  if (!m) throw new InvalidChordError(`bad root: ${name}`);
  const acc = m[2].length * (m[2].startsWith('#') ? 1 : -1);
  return (((LETTERS[m[1]] + acc) % 12) + 12) % 12;
}

function degreeSemitone(deg: string): number {
  const m = /^(b*|#*)(\d+)$/.exec(deg);
  if (!m || DEGREES[m[2]] === undefined) throw new InvalidChordError(`bad scale degree: ${deg}`);
  const off = m[1].length * (m[1].startsWith('#') ? 1 : -1);
  return DEGREES[m[2]] + off;
}

/** Harte label → root, relative bitmap, bass (mir_eval.chord.encode semantics). */
export function encodeChord(label: string, reduceExtended = false): EncodedChord {
  if (label === NO_CHORD) return { root: -1, bitmap: new Array(12).fill(0), bass: -1 };
  if (label === X_CHORD) return { root: -1, bitmap: new Array(12).fill(-1), bass: -1 };
  const m = /^([A-G](?:b*|#*))(?::([a-z0-9]*)?(?:\(([^)]*)\))?)?(?:\/((?:b*|#*)\d+))?$/.exec(label);
  if (!m) throw new InvalidChordError(`invalid Harte chord label: ${label}`);
  const root = pitchClass(m[1]);
  const degrees = m[3] !== undefined ? m[3].split(',').map((d) => d.trim()).filter((d) => d.length > 0) : [];
  if (m[3] !== undefined && degrees.length === 0) throw new InvalidChordError(`empty degree list: ${label}`);
  let quality = degrees.length > 0 ? '' : 'maj';
  if (m[2]) quality = m[2];
  if (reduceExtended && EXTENDED_REDUX[quality]) {
    const [q, extra] = EXTENDED_REDUX[quality];
    quality = q;
    for (const d of extra) if (!degrees.includes(d)) degrees.push(d);
  }
  const base = QUALITIES[quality];
  if (!base) throw new InvalidChordError(`unsupported chord quality: ${quality}`);
  const acc = [...base];
  acc[0] = 1;
  for (const raw of degrees) {
    const sign = raw.startsWith('*') ? -1 : 1;
    const sd = degreeSemitone(raw.replace(/^\*/, ''));
    if (sd < 12 || reduceExtended) acc[((sd % 12) + 12) % 12] += sign;
  }
  const bitmap = acc.map((v) => (v > 0 ? 1 : 0));
  const bass = m[4] !== undefined ? ((degreeSemitone(m[4]) % 12) + 12) % 12 : 0;
  bitmap[bass] = 1;
  return { root, bitmap, bass };
}

const eqN = (a: number[], b: number[], n = 12): boolean => {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Per-piece comparison scores: 1 / 0, or -1 where the reference is outside the vocabulary. */
export function compareRoot(ref: string[], est: string[]): number[] {
  return ref.map((r, i) => {
    const R = encodeChord(r);
    if (R.bitmap.some((v) => v < 0)) return -1;
    return R.root === encodeChord(est[i]).root ? 1 : 0;
  });
}

export function compareMajmin(ref: string[], est: string[]): number[] {
  return ref.map((r, i) => {
    const R = encodeChord(r);
    const E = encodeChord(est[i]);
    const isMaj = eqN(R.bitmap, QUALITIES.maj, 8);
    const isMin = eqN(R.bitmap, QUALITIES.min, 8);
    const isNone = R.root < 0 && R.bitmap.every((v) => v === 0);
    if (!isMaj && !isMin && !isNone) return -1;
    return R.root === E.root && eqN(R.bitmap, E.bitmap, 8) ? 1 : 0;
  });
}

const SEVENTH_QUALITIES = ['maj', 'min', 'maj7', '7', 'min7', ''];

export function compareSevenths(ref: string[], est: string[]): number[] {
  return ref.map((r, i) => {
    const R = encodeChord(r);
    const E = encodeChord(est[i]);
    if (!SEVENTH_QUALITIES.some((q) => eqN(R.bitmap, QUALITIES[q]))) return -1;
    return R.root === E.root && eqN(R.bitmap, E.bitmap) ? 1 : 0;
  });
}

/** mir_eval.chord.weighted_accuracy: pieces scored -1 are dropped from numerator and denominator. */
export function weightedAccuracy(scores: number[], weights: number[]): number {
  let num = 0;
  let den = 0;
  scores.forEach((s, i) => {
    if (s >= 0) {
      num += s * weights[i];
      den += weights[i];
    }
  });
  return den > 0 ? num / den : 0;
}

/** mir_eval.chord.directional_hamming_distance */
export function directionalHamming(ref: Interval[], est: Interval[]): number {
  const estTs = [...new Set(est.flat())].sort((a, b) => a - b);
  let seg = 0;
  for (const [start, end] of ref) {
    const ts = [start, ...estTs.filter((t) => t >= start && t < end), end];
    let maxGap = 0;
    for (let i = 1; i < ts.length; i++) maxGap = Math.max(maxGap, ts[i] - ts[i - 1]);
    seg += end - start - maxGap;
  }
  return seg / (ref[ref.length - 1][1] - ref[0][0]);
}

/** mir_eval.chord.merge_chord_intervals: join neighbours that encode to the same chord. */
export function mergeChordIntervals(seq: Labelled): Interval[] {
  const out: Interval[] = [];
  let prev: EncodedChord | null = null;
  seq.intervals.forEach(([s, e], i) => {
    const c = encodeChord(seq.labels[i], true);
    if (prev && prev.root === c.root && prev.bass === c.bass && eqN(prev.bitmap, c.bitmap)) {
      out[out.length - 1][1] = e;
    } else {
      out.push([s, e]);
      prev = c;
    }
  });
  return out;
}

export interface ChordScores {
  root: number;
  majmin: number;
  sevenths: number;
  seg: number;
}

/** mir_eval.chord.evaluate for the metrics the bench reports. Labels must be Harte. */
export function evaluateChords(ref: Labelled, est: Labelled): ChordScores {
  const tMin = Math.min(...ref.intervals.flat());
  const tMax = Math.max(...ref.intervals.flat());
  const adj = adjustIntervals(est, tMin, tMax, NO_CHORD, NO_CHORD);
  const mergedRef = mergeChordIntervals(ref);
  const mergedEst = mergeChordIntervals(adj);
  const { intervals, xLabels, yLabels } = mergeLabeledIntervals(ref, adj);
  const durations = intervals.map(([a, b]) => b - a);
  const underseg = 1 - directionalHamming(mergedEst, mergedRef);
  const overseg = 1 - directionalHamming(mergedRef, mergedEst);
  return {
    root: weightedAccuracy(compareRoot(xLabels, yLabels), durations),
    majmin: weightedAccuracy(compareMajmin(xLabels, yLabels), durations),
    sevenths: weightedAccuracy(compareSevenths(xLabels, yLabels), durations),
    seg: Math.min(underseg, overseg),
  };
}

const SUFFIX_TO_HARTE: Record<string, string> = {
  '': 'maj', M: 'maj', maj: 'maj',
  m: 'min', min: 'min', '-': 'min',
  '7': '7', dom7: '7',
  maj7: 'maj7', M7: 'maj7', 'Δ': 'maj7', 'Δ7': 'maj7', ma7: 'maj7',
  m7: 'min7', min7: 'min7', '-7': 'min7',
  m7b5: 'hdim7', 'm7(b5)': 'hdim7', 'ø': 'hdim7', 'ø7': 'hdim7', hdim7: 'hdim7',
  dim: 'dim', '°': 'dim', o: 'dim',
  dim7: 'dim7', '°7': 'dim7', o7: 'dim7',
  sus4: 'sus4', sus: 'sus4', sus2: 'sus2',
  aug: 'aug', '+': 'aug', aug7: 'aug7', '+7': 'aug7', '7#5': 'aug7',
  mMaj7: 'minmaj7', mmaj7: 'minmaj7', 'm(maj7)': 'minmaj7', mM7: 'minmaj7',
  '6': 'maj6', maj6: 'maj6', m6: 'min6', min6: 'min6',
  '9': '9', maj9: 'maj9', M9: 'maj9', m9: 'min9', min9: 'min9',
  '11': '11', m11: 'min11', '13': '13', maj13: 'maj13', m13: 'min13',
  '5': '5', '7sus4': 'sus4(b7)',
};
const SEMITONE_TO_DEGREE = ['1', 'b2', '2', 'b3', '3', '4', 'b5', '5', 'b6', '6', 'b7', '7'];

/**
 * Conventional chord symbol → Harte. Harte labels (with ':' or N / X) pass through unchanged.
 * Throws InvalidChordError for a symbol it cannot read.
 */
export function toHarte(label: string): string {
  const s = label.trim();
  if (s === NO_CHORD || s === X_CHORD || s.includes(':')) return s;
  const m = /^([A-G](?:b|#)?)([^/]*)(?:\/([A-G](?:b|#)?))?$/.exec(s);
  if (!m) throw new InvalidChordError(`unreadable chord symbol: ${label}`);
  const quality = SUFFIX_TO_HARTE[m[2]];
  if (quality === undefined) throw new InvalidChordError(`unknown chord quality in ${label}`);
  let out = `${m[1]}:${quality}`;
  if (m[3]) {
    const interval = (((pitchClass(m[3]) - pitchClass(m[1])) % 12) + 12) % 12;
    if (interval !== 0) out += `/${SEMITONE_TO_DEGREE[interval]}`;
  }
  return out;
}
