/**
 * Chord recognition over beat segments: harmonic-weighted chord templates matched against treble
 * chroma, bass chroma voting for the root, a key-context prior (diatonic chords are likelier), and
 * Viterbi smoothing with a change penalty so a chord holds until the evidence really moves.
 */
import { Chord, Note } from '@tonaljs/tonal';

export interface ChordQuality {
  /** Harte quality, used by the evaluation */
  harte: string;
  /** tonal chord type symbol used to spell the label */
  tonal: string;
  intervals: number[];
}

export const QUALITIES: ChordQuality[] = [
  { harte: 'maj', tonal: 'M', intervals: [0, 4, 7] },
  { harte: 'min', tonal: 'm', intervals: [0, 3, 7] },
  { harte: '7', tonal: '7', intervals: [0, 4, 7, 10] },
  { harte: 'maj7', tonal: 'maj7', intervals: [0, 4, 7, 11] },
  { harte: 'min7', tonal: 'm7', intervals: [0, 3, 7, 10] },
  { harte: 'dim', tonal: 'dim', intervals: [0, 3, 6] },
  { harte: 'hdim7', tonal: 'm7b5', intervals: [0, 3, 6, 10] },
  { harte: 'sus4', tonal: 'sus4', intervals: [0, 5, 7] },
  // A lone note (melody or bass line without harmony). Its own partials (3rd, 5th) make it look
  // like a major triad to the harmonic templates; this class competes for it and is reported as N.
  { harte: '1', tonal: '', intervals: [0] },
];

/** Classes that are not chords (a lone note) are reported as no-chord. */
export const isChordClass = (c: ChordClass | undefined): c is ChordClass =>
  c !== undefined && c.quality.harte !== '1';

export interface ChordParams {
  /** harmonic decay used to build templates: partial h has weight decay^(h-1) */
  harmonicDecay: number;
  harmonics: number;
  /** weight of the bass-root evidence relative to the treble cosine */
  bassWeight: number;
  /** bass evidence on the chord's other tones, relative to the root */
  bassOtherTones: number;
  /** template weight of the chord root (voicings double it) */
  rootWeight: number;
  /** template weight of a seventh (usually one voice, often softer) */
  seventhWeight: number;
  /** constant score of the no-chord state */
  noChordScore: number;
  /** Viterbi cost of changing chord */
  changePenalty: number;
  /** bonus for chords whose notes are all in the current key */
  diatonicBonus: number;
  /** softmax temperature for confidences */
  confidenceScale: number;
  /** score penalty per quality (Harte name): rarer, richer chords need more evidence than triads */
  qualityPenalty: Record<string, number>;
}

export const DEFAULT_CHORD_PARAMS: ChordParams = {
  // six partials reach the major third (5th partial) and fifth (3rd, 6th) of every note; measured
  // on the corpus: 4 partials / 0.6 → majmin 0.89, 6 / 0.8 → 0.94
  harmonicDecay: 0.8,
  harmonics: 6,
  bassWeight: 0.12,
  bassOtherTones: 0.3,
  rootWeight: 1,
  seventhWeight: 1,
  noChordScore: 0.55,
  changePenalty: 0.15,
  diatonicBonus: 0.03,
  confidenceScale: 12,
  qualityPenalty: { maj: 0, min: 0, '7': 0, maj7: 0, min7: 0, dim: 0.06, hdim7: 0.04, sus4: 0.08, '1': 0.08 },
};

/** One chord class: root pitch class × quality. Index nChords is N. */
export interface ChordClass {
  root: number;
  quality: ChordQuality;
  /** pitch-class set bitmask */
  mask: number;
}

export function chordClasses(): ChordClass[] {
  const out: ChordClass[] = [];
  for (const quality of QUALITIES) {
    for (let root = 0; root < 12; root++) {
      let mask = 0;
      for (const iv of quality.intervals) mask |= 1 << ((root + iv) % 12);
      out.push({ root, quality, mask });
    }
  }
  return out;
}

/** L2-normalised chroma templates with harmonic partials, row per chord class. */
export function chordTemplates(
  classes: ChordClass[],
  decay: number,
  harmonics: number,
  toneWeight: (interval: number) => number = () => 1,
): Float32Array {
  const t = new Float32Array(classes.length * 12);
  for (let c = 0; c < classes.length; c++) {
    const { root, quality } = classes[c];
    for (const iv of quality.intervals) {
      for (let h = 1; h <= harmonics; h++) {
        const pc = (root + iv + Math.round(12 * Math.log2(h))) % 12;
        t[c * 12 + pc] += toneWeight(iv) * Math.pow(decay, h - 1);
      }
    }
    let ss = 0;
    for (let k = 0; k < 12; k++) ss += t[c * 12 + k] ** 2;
    const n = Math.sqrt(ss);
    for (let k = 0; k < 12; k++) t[c * 12 + k] /= n;
  }
  return t;
}

export interface ChordInput {
  nSeg: number;
  /** nSeg*12, L2-normalised compressed treble chroma */
  treble: Float32Array;
  /** nSeg*12, bass chroma normalised to sum 1 (all zero where there is no bass) */
  bass: Float32Array;
  /** per segment: true when there is too little pitched energy for any chord */
  silent: Uint8Array;
  /** per segment: pitch-class mask of the key's scale (0 = no key context) */
  keyMask: Uint16Array;
  /** per segment: multiplier of the change penalty for a chord starting there (default 1) */
  changeScale?: Float32Array;
}

export interface ChordDecoding {
  /** class index per segment; classes.length means N */
  path: Int32Array;
  /** posterior-like confidence of the chosen class per segment */
  conf: Float32Array;
  classes: ChordClass[];
}

export function decodeChords(input: ChordInput, params: ChordParams = DEFAULT_CHORD_PARAMS): ChordDecoding {
  const classes = chordClasses();
  const nC = classes.length;
  const nS = nC + 1; // + N
  const tpl = chordTemplates(classes, params.harmonicDecay, params.harmonics, (iv) =>
    iv === 0 ? params.rootWeight : iv >= 10 ? params.seventhWeight : 1,
  );
  const penalty = classes.map((c) => params.qualityPenalty[c.quality.harte] ?? 0);
  const { nSeg, treble, bass, silent, keyMask } = input;
  const score = new Float32Array(nSeg * nS);
  for (let s = 0; s < nSeg; s++) {
    const o = s * nS;
    const co = s * 12;
    if (silent[s]) {
      for (let c = 0; c < nC; c++) score[o + c] = -1;
      score[o + nC] = params.noChordScore;
      continue;
    }
    for (let c = 0; c < nC; c++) {
      let dot = 0;
      for (let k = 0; k < 12; k++) dot += treble[co + k] * tpl[c * 12 + k];
      const cl = classes[c];
      let bassEv = bass[co + cl.root];
      let other = 0;
      for (const iv of cl.quality.intervals) if (iv !== 0) other += bass[co + ((cl.root + iv) % 12)];
      bassEv += params.bassOtherTones * other;
      let v = dot + params.bassWeight * bassEv - penalty[c];
      const km = keyMask[s];
      if (km !== 0 && (cl.mask & km) === cl.mask) v += params.diatonicBonus;
      score[o + c] = v;
    }
    score[o + nC] = params.noChordScore;
  }
  // Viterbi with a uniform change penalty: best predecessor is either self or the global best
  const path = new Int32Array(nSeg);
  const conf = new Float32Array(nSeg);
  if (nSeg === 0) return { path, conf, classes };
  const back = new Int32Array(nSeg * nS);
  let prev = new Float64Array(nS);
  let cur = new Float64Array(nS);
  for (let j = 0; j < nS; j++) prev[j] = score[j];
  for (let s = 1; s < nSeg; s++) {
    let best = 0;
    for (let j = 1; j < nS; j++) if (prev[j] > prev[best]) best = j;
    const switchVal = prev[best] - params.changePenalty * (input.changeScale ? input.changeScale[s] : 1);
    const o = s * nS;
    for (let j = 0; j < nS; j++) {
      if (prev[j] >= switchVal) {
        cur[j] = prev[j] + score[o + j];
        back[o + j] = j;
      } else {
        cur[j] = switchVal + score[o + j];
        back[o + j] = best;
      }
    }
    const tmp = prev;
    prev = cur;
    cur = tmp;
  }
  let last = 0;
  for (let j = 1; j < nS; j++) if (prev[j] > prev[last]) last = j;
  path[nSeg - 1] = last;
  for (let s = nSeg - 1; s > 0; s--) path[s - 1] = back[s * nS + path[s]];
  for (let s = 0; s < nSeg; s++) {
    const o = s * nS;
    let mx = -Infinity;
    for (let j = 0; j < nS; j++) if (score[o + j] > mx) mx = score[o + j];
    let z = 0;
    for (let j = 0; j < nS; j++) z += Math.exp(params.confidenceScale * (score[o + j] - mx));
    conf[s] = Math.exp(params.confidenceScale * (score[o + path[s]] - mx)) / z;
  }
  return { path, conf, classes };
}

/**
 * Conventional chord label spelled in the key's context: the root takes the key's diatonic name
 * when it has one, otherwise the key's accidental direction (flats in flat keys).
 */
export function chordLabel(cls: ChordClass, keySpelling: (pc: number) => string): string {
  const root = keySpelling(cls.root);
  const sym = Chord.getChord(cls.quality.tonal, root).symbol;
  // tonal writes major triads as "CM"; the conventional label is the bare root
  if (!isChordClass(cls)) return 'N';
  return cls.quality.harte === 'maj' ? root : sym;
}

/** Pitch-class speller for a key: scale notes by name, others by the key's sharp/flat direction. */
export function keySpeller(scale: string[], preferFlats: boolean): (pc: number) => string {
  const byPc = new Map<number, string>();
  for (const n of scale) {
    const c = Note.chroma(n);
    if (c !== undefined && !byPc.has(c)) byPc.set(c, n);
  }
  return (pc: number) => {
    const named = byPc.get(pc);
    // keep labels conventional: never a double accidental or Cb/Fb/E#/B# outside their keys
    if (named && !/##|bb/.test(named)) return named;
    const midi = 60 + pc;
    return Note.pitchClass(preferFlats ? Note.fromMidi(midi) : Note.fromMidiSharps(midi));
  };
}
