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
  /**
   * after decoding, per segment of a chord's run: the score its twin with the other third (maj ↔ min,
   * 7 ↔ min7) gains when that third is in the key and its own is not (see `thirdsFromKey`)
   */
  thirdKeyBonus: number;
  /**
   * the key decides a run's third only when, in the overtone-free chroma (`ChordInput.thirds`), its
   * own third is weaker than this many times the twin's: the audio barely tells them apart
   */
  thirdAmbiguity: number;
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
  // chosen on the two funk tuning sets (0.05–0.2 tried) and checked on the wide set's tuned part;
  // without the ambiguity test the key turned soft-third secondary dominants and a borrowed iv diatonic
  thirdKeyBonus: 0.1,
  thirdAmbiguity: 2,
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
  /**
   * nSeg*12, treble chroma without the 5th harmonics of louder notes (a loud bass's 5th harmonic is
   * the major third of its own chord): where the chords' thirds are read against the key
   */
  thirds?: Float32Array;
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
  const nS = classes.length + 1; // + N
  const { nSeg, treble, bass, silent, keyMask, changeScale } = input;
  const score = chordScores(nSeg, treble, bass, silent, keyMask, classes, params);
  const path = viterbiPath(score, nSeg, nS, params.changePenalty, changeScale);
  if (input.thirds && params.thirdKeyBonus > 0)
    thirdsFromKey(path, score, nS, keyMask, input.thirds, classes, params);
  const conf = pathConfidence(score, path, nS, params.confidenceScale);
  return { path, conf, classes };
}

/*
 * The passes of the decoder are separate functions over typed arrays, the scoring one segment per
 * call: V8 optimises each on its own and keeps that code from call to call, a pass that ends does
 * not send the next one back to the interpreter (where every intermediate number is a heap
 * allocation), and the input object, whose shape differs between callers, is read once outside them.
 */

/** Score of every class (and N, last) per segment: nSeg × (classes.length + 1). */
function chordScores(
  nSeg: number,
  treble: Float32Array,
  bass: Float32Array,
  silent: Uint8Array,
  keyMask: Uint16Array,
  classes: ChordClass[],
  params: ChordParams,
): Float32Array {
  const nC = classes.length;
  const nS = nC + 1;
  const tables = classTables(classes, params);
  const score = new Float32Array(nSeg * nS);
  for (let s = 0; s < nSeg; s++) {
    const o = s * nS;
    if (silent[s]) score.fill(-1, o, o + nC);
    else scoreSegment(treble, bass, s * 12, keyMask[s], tables, params, score, o);
    score[o + nC] = params.noChordScore;
  }
  return score;
}

/** Per chord class, as flat arrays: template row, quality penalty, root, scale mask and other tones. */
interface ClassTables {
  /** classes × 12 */
  tpl: Float32Array;
  penalty: Float64Array;
  root: Int32Array;
  mask: Int32Array;
  /** class c's other tones (pitch classes, in interval order) are other[otherFrom[c] … otherFrom[c + 1]) */
  otherFrom: Int32Array;
  other: Int32Array;
}

function classTables(classes: ChordClass[], params: ChordParams): ClassTables {
  const nC = classes.length;
  const tpl = chordTemplates(classes, params.harmonicDecay, params.harmonics, (iv) =>
    iv === 0 ? params.rootWeight : iv >= 10 ? params.seventhWeight : 1,
  );
  const penalty = Float64Array.from(classes, (c) => params.qualityPenalty[c.quality.harte] ?? 0);
  const root = Int32Array.from(classes, (c) => c.root);
  const mask = Int32Array.from(classes, (c) => c.mask);
  const otherFrom = new Int32Array(nC + 1);
  const otherTones: number[] = [];
  for (let c = 0; c < nC; c++) {
    for (const iv of classes[c].quality.intervals) if (iv !== 0) otherTones.push((root[c] + iv) % 12);
    otherFrom[c + 1] = otherTones.length;
  }
  return { tpl, penalty, root, mask, otherFrom, other: Int32Array.from(otherTones) };
}

/**
 * Scores of every class for one segment, whose chroma is treble/bass[co … co + 12) and key mask km,
 * into score[o …].
 */
function scoreSegment(
  treble: Float32Array,
  bass: Float32Array,
  co: number,
  km: number,
  t: ClassTables,
  params: ChordParams,
  score: Float32Array,
  o: number,
): void {
  const { tpl, penalty, root, mask, otherFrom, other } = t;
  for (let c = 0; c < root.length; c++) {
    let dot = 0;
    for (let k = 0; k < 12; k++) dot += treble[co + k] * tpl[c * 12 + k];
    let bassEv = bass[co + root[c]];
    let otherEv = 0;
    for (let i = otherFrom[c]; i < otherFrom[c + 1]; i++) otherEv += bass[co + other[i]];
    bassEv += params.bassOtherTones * otherEv;
    let v = dot + params.bassWeight * bassEv - penalty[c];
    if (km !== 0 && (mask[c] & km) === mask[c]) v += params.diatonicBonus;
    score[o + c] = v;
  }
}

/** Viterbi with a uniform change penalty: best predecessor is either self or the global best. */
function viterbiPath(
  score: Float32Array,
  nSeg: number,
  nS: number,
  changePenalty: number,
  changeScale: Float32Array | undefined,
): Int32Array {
  const path = new Int32Array(nSeg);
  if (nSeg === 0) return path;
  const back = new Int32Array(nSeg * nS);
  let prev = new Float64Array(nS);
  let cur = new Float64Array(nS);
  for (let j = 0; j < nS; j++) prev[j] = score[j];
  for (let s = 1; s < nSeg; s++) {
    let best = 0;
    for (let j = 1; j < nS; j++) if (prev[j] > prev[best]) best = j;
    const switchVal = prev[best] - changePenalty * (changeScale ? changeScale[s] : 1);
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
  return path;
}

/**
 * Per class, the class with the same root and other tones but the other third (maj ↔ min,
 * 7 ↔ min7), or -1 (no third, or no such class: maj7, dim, m7b5, sus4, a lone note).
 */
function thirdTwins(classes: ChordClass[]): Int32Array {
  const twin = new Int32Array(classes.length).fill(-1);
  for (let c = 0; c < classes.length; c++) {
    const { root, quality, mask } = classes[c];
    const minor = quality.intervals.includes(3);
    if (!minor && !quality.intervals.includes(4)) continue;
    const own = 1 << ((root + (minor ? 3 : 4)) % 12);
    const other = 1 << ((root + (minor ? 4 : 3)) % 12);
    twin[c] = classes.findIndex((d) => d.root === root && d.mask === ((mask & ~own) | other));
  }
  return twin;
}

/**
 * A chord's third where the audio barely tells it, taken from the key. A loud bass's 5th harmonic
 * is the major third of its own chord, and a comping part may touch its minor third only lightly:
 * MMA funk in A minor renders Dm7 with F at a tenth of D and F# (the bass's overtone) at a third,
 * and the templates hear D7. So each run of one chord on the decoded path is weighed against its
 * twin with the other third: when the twin's third is in the key and its own is not, the twin takes
 * the run if it lost less than `thirdKeyBonus` per segment to it in the decoder's scores, and only
 * if the run's own third, with the overtones left out, is under `thirdAmbiguity` times the twin's.
 * An out-of-key third the audio does hold (a secondary dominant, a borrowed iv, a Picardy third,
 * even played softly) stays; the roots and the runs' limits stay as decoded.
 */
function thirdsFromKey(
  path: Int32Array,
  score: Float32Array,
  nS: number,
  keyMask: Uint16Array,
  thirds: Float32Array,
  classes: ChordClass[],
  params: ChordParams,
): void {
  const bonus = params.thirdKeyBonus;
  const twin = thirdTwins(classes);
  for (let s0 = 0; s0 < path.length;) {
    const c = path[s0];
    let s1 = s0 + 1;
    while (s1 < path.length && path[s1] === c) s1++;
    const t = c < classes.length ? twin[c] : -1;
    if (t >= 0) {
      const ownTone = classes[c].mask & ~classes[t].mask;
      const twinTone = classes[t].mask & ~classes[c].mask;
      const ownPc = 31 - Math.clz32(ownTone);
      const twinPc = 31 - Math.clz32(twinTone);
      let margin = 0;
      let ownEv = 0;
      let twinEv = 0;
      for (let s = s0; s < s1; s++) {
        const km = keyMask[s];
        const inKey = (km & twinTone ? 1 : 0) - (km & ownTone ? 1 : 0);
        margin += score[s * nS + c] - score[s * nS + t] - bonus * inKey;
        ownEv += thirds[s * 12 + ownPc];
        twinEv += thirds[s * 12 + twinPc];
      }
      if (margin < 0 && ownEv < params.thirdAmbiguity * twinEv) path.fill(t, s0, s1);
    }
    s0 = s1;
  }
}

/** Posterior-like confidence of the chosen class per segment: a softmax over that segment's scores. */
function pathConfidence(score: Float32Array, path: Int32Array, nS: number, scale: number): Float32Array {
  const nSeg = path.length;
  const conf = new Float32Array(nSeg);
  for (let s = 0; s < nSeg; s++) {
    const o = s * nS;
    let mx = -Infinity;
    for (let j = 0; j < nS; j++) if (score[o + j] > mx) mx = score[o + j];
    let z = 0;
    for (let j = 0; j < nS; j++) z += Math.exp(scale * (score[o + j] - mx));
    conf[s] = Math.exp(scale * (score[o + path[s]] - mx)) / z;
  }
  return conf;
}

/**
 * Conventional chord label spelled in the key's context: the root takes the key's diatonic name
 * when it has one; a chromatic root is spelled as its chord usually functions (`keySpeller`).
 */
export function chordLabel(cls: ChordClass, keySpelling: KeySpelling): string {
  const leading = cls.quality.harte === 'dim' || cls.quality.harte === 'hdim7';
  const root = keySpelling(cls.root, leading);
  const sym = Chord.getChord(cls.quality.tonal, root).symbol;
  // tonal writes major triads as "CM"; the conventional label is the bare root
  if (!isChordClass(cls)) return 'N';
  return cls.quality.harte === 'maj' ? root : sym;
}

/** Spells a pitch class; `leading` when it is the root of a leading-tone (diminished) chord. */
export type KeySpelling = (pc: number, leading?: boolean) => string;

/**
 * Pitch-class speller for a key: scale notes by name, then the parallel key's (a chord borrowed from
 * it keeps that key's name: Eb, Ab, Bb in C major, from C minor; G#m in E minor, from E major). A root
 * in neither is spelled the way its chord usually functions, whatever the key signature: a diminished
 * chord is a leading-tone chord, raised (C#dim, F#dim in C major: vii° of ii and of V); any other
 * chord there is a substitute from the flat side (Db in C major, the Neapolitan; Bb in A minor).
 */
export function keySpeller(scale: string[], parallel: string[] = []): KeySpelling {
  const byPc = new Map<number, string>();
  const borrowed = new Map<number, string>();
  // keep labels conventional: never a double accidental, and Cb/Fb/E#/B# only in the key itself (a
  // parallel key may be a theoretical one: G# major, Db minor)
  const add = (into: Map<number, string>, notes: string[], odd: RegExp) => {
    for (const n of notes) {
      const c = Note.chroma(n);
      if (c !== undefined && !into.has(c) && !odd.test(n)) into.set(c, n);
    }
  };
  add(byPc, scale, /##|bb/);
  add(borrowed, parallel, /##|bb|^(Cb|Fb|E#|B#)$/);
  return (pc: number, leading = false) => {
    const named = byPc.get(pc) ?? borrowed.get(pc);
    if (named) return named;
    const midi = 60 + pc;
    return Note.pitchClass(leading ? Note.fromMidiSharps(midi) : Note.fromMidi(midi));
  };
}
