/**
 * Tuning-aware chroma from spectral peaks, split into a bass and a treble band, and its
 * beat-synchronous aggregation.
 *
 * Each peak is mapped to a fractional MIDI pitch relative to the detected A4; it feeds its nearest
 * semitone with a weight that falls off with the distance in cents, so off-pitch partials (drums,
 * inharmonic noise) count little. Bass chroma (≈ 40–200 Hz) carries the chord root; treble chroma
 * carries the chord's colour (third, seventh).
 */
import type { SpectralPeaks } from './harmony-peaks';
import { throwIfAborted } from './types';

export const MIDI_LO = 24;
export const MIDI_HI = 100;
const N_PITCH = MIDI_HI - MIDI_LO + 1;

/** Per-frame semitone salience, frame-major: sal[t * nPitch + (midi - MIDI_LO)]. */
export interface PitchSalience {
  nFrames: number;
  nPitch: number;
  hopSec: number;
  sal: Float32Array;
}

/**
 * A loud note's 5th harmonic falls two octaves and a major third above it: under a strong bass a
 * minor chord then reads as major and a minor key as its parallel major (MMA funk in G# minor, G#m7
 * chords over a loud bass, was heard as Ab major). The key's evidence leaves such peaks out
 * (`pitchSalience(…, { withoutOvertones: true })`). Only the 5th: the 3rd harmonic lands on the
 * fifth of the chord itself, and leaving it out turned a clean synthetic G# minor progression major.
 */
const OVERTONE = 5;
/** how close (ratio, ±30 cents) a peak must be to 5× a lower peak's frequency to be taken for its overtone */
const OVERTONE_TOL = 2 ** (30 / 1200);

/**
 * True when the peak `i` of a frame is at 5× the frequency of an at least as loud peak of the same
 * frame (peaks [lo, i) are lower: a frame's peaks come in rising frequency).
 */
function isOvertone(freq: Float32Array, mag: Float32Array, lo: number, i: number): boolean {
  const f0 = freq[i] / OVERTONE;
  for (let j = lo; j < i && freq[j] <= f0 * OVERTONE_TOL; j++) {
    if (freq[j] >= f0 / OVERTONE_TOL && mag[j] >= mag[i]) return true;
  }
  return false;
}

/**
 * Per-frame semitone salience from the spectral peaks; `withoutOvertones` leaves out the peaks that
 * are the 5th harmonic of a louder peak.
 */
export function pitchSalience(
  peaks: SpectralPeaks,
  a4: number,
  signal?: AbortSignal,
  opts: { withoutOvertones?: boolean } = {},
): PitchSalience {
  const { nFrames, offsets, freq, mag } = peaks;
  const sal = new Float32Array(nFrames * N_PITCH);
  const skip = opts.withoutOvertones === true;
  for (let t = 0; t < nFrames; t++) {
    if ((t & 511) === 0) throwIfAborted(signal);
    const base = t * N_PITCH;
    const lo = offsets[t];
    for (let i = lo; i < offsets[t + 1]; i++) {
      const p = 69 + 12 * Math.log2(freq[i] / a4);
      const m = Math.round(p);
      if (m < MIDI_LO || m > MIDI_HI) continue;
      if (skip && isOvertone(freq, mag, lo, i)) continue;
      const d = p - m;
      const c = Math.cos(Math.PI * d); // 1 on pitch, 0 at a quarter tone… 0 at ±0.5 semitone
      sal[base + m - MIDI_LO] += mag[i] * c * c;
    }
  }
  return { nFrames, nPitch: N_PITCH, hopSec: peaks.hopSec, sal };
}

/** Band weights over MIDI pitch: smooth ramps so a note on a band edge is not all-or-nothing. */
export interface ChromaBands {
  bass: Float32Array;
  treble: Float32Array;
}

function ramp(m: number, a: number, b: number): number {
  if (m <= a) return 0;
  if (m >= b) return 1;
  return (m - a) / (b - a);
}

export function chromaBands(): ChromaBands {
  const bass = new Float32Array(N_PITCH);
  const treble = new Float32Array(N_PITCH);
  for (let i = 0; i < N_PITCH; i++) {
    const m = MIDI_LO + i;
    // bass: E1 (28) … G3 (55), fading out above G#2 (44)
    bass[i] = ramp(m, 26, 30) * (1 - ramp(m, 48, 56));
    // treble: from ~C3 (48) up, fading in over an octave, fading out towards the top
    treble[i] = ramp(m, 44, 54) * (1 - ramp(m, 90, 100));
  }
  return { bass, treble };
}

/** Beat-synchronous chroma: per segment mean of frame chroma. */
export interface SegmentChroma {
  /** boundaries in seconds, length nSeg + 1 */
  times: number[];
  nSeg: number;
  /** nSeg * 12 each, raw (linear) magnitude sums per frame, averaged over the segment */
  treble: Float32Array;
  bass: Float32Array;
  /** mean total salience per segment (loudness of pitched content) */
  energy: Float32Array;
}

/**
 * Segment boundaries from beat times: [0, b0, b1, …, duration], dropping beats outside (0, duration)
 * and segments shorter than `minSeg` seconds.
 */
export function beatBoundaries(beats: number[], duration: number, minSeg = 0.05): number[] {
  const out = [0];
  for (const b of beats) {
    if (!(b > 0 && b < duration)) continue;
    if (b - out[out.length - 1] < minSeg) continue;
    out.push(b);
  }
  if (duration - out[out.length - 1] < minSeg && out.length > 1) out.pop();
  out.push(duration);
  return out;
}

/**
 * Continue a beat grid at its median period before the first and after the last beat, so the
 * lead-in and the release tail are judged beat by beat instead of as one long segment.
 */
export function extendGrid(beats: number[], duration: number): number[] {
  if (beats.length < 2) return beats.slice();
  const ibis = beats
    .slice(1)
    .map((b, i) => b - beats[i])
    .sort((a, b) => a - b);
  const ibi = ibis[Math.floor(ibis.length / 2)];
  if (!(ibi > 0.1)) return beats.slice();
  const before: number[] = [];
  for (let t = beats[0] - ibi; t > ibi / 4; t -= ibi) before.push(t);
  const after: number[] = [];
  for (let t = beats[beats.length - 1] + ibi; t < duration - ibi / 4; t += ibi) after.push(t);
  return [...before.reverse(), ...beats, ...after];
}

/** A fixed grid (fallback when the rhythm stage gave no beats). */
export function fixedGrid(duration: number, step: number): number[] {
  const out: number[] = [];
  for (let t = step; t < duration - step / 2; t += step) out.push(t);
  return out;
}

export function segmentChroma(ps: PitchSalience, times: number[], bands: ChromaBands): SegmentChroma {
  const nSeg = times.length - 1;
  const treble = new Float32Array(nSeg * 12);
  const bass = new Float32Array(nSeg * 12);
  const energy = new Float32Array(nSeg);
  const { nFrames, nPitch, hopSec, sal } = ps;
  for (let s = 0; s < nSeg; s++) {
    // frames whose centre lies in [start, end); at least the nearest frame
    let f0 = Math.ceil(times[s] / hopSec);
    let f1 = Math.ceil(times[s + 1] / hopSec);
    f0 = Math.min(Math.max(f0, 0), nFrames - 1);
    f1 = Math.min(Math.max(f1, f0 + 1), nFrames);
    const count = f1 - f0;
    if (count <= 0) continue;
    const e = addSegment(sal, nPitch, f0, f1, bands.treble, bands.bass, treble, bass, s * 12);
    energy[s] = e / count;
  }
  return { times, nSeg, treble, bass, energy };
}

/**
 * Mean over frames [f0, f1) of the salience folded to pitch classes, each pitch weighted by its
 * treble and bass band, into treble/bass[tb … tb + 12); returns the summed salience. One segment per
 * call: V8 optimises it after a few segments and keeps it for the next song.
 */
function addSegment(
  sal: Float32Array,
  nPitch: number,
  f0: number,
  f1: number,
  trebleBand: Float32Array,
  bassBand: Float32Array,
  treble: Float32Array,
  bass: Float32Array,
  tb: number,
): number {
  const count = f1 - f0;
  let e = 0;
  for (let t = f0; t < f1; t++) {
    const base = t * nPitch;
    for (let i = 0; i < nPitch; i++) {
      const v = sal[base + i];
      if (v === 0) continue;
      const pc = (MIDI_LO + i) % 12;
      treble[tb + pc] += v * trebleBand[i];
      bass[tb + pc] += v * bassBand[i];
      e += v;
    }
  }
  for (let k = 0; k < 12; k++) {
    treble[tb + k] /= count;
    bass[tb + k] /= count;
  }
  return e;
}

/** log(1 + γx) compression then L2 normalisation, in place on a 12-vector at `off`. */
export function compressNormalize(
  v: Float32Array,
  off: number,
  gamma: number,
  out: Float32Array,
  outOff: number,
): number {
  let ss = 0;
  for (let k = 0; k < 12; k++) {
    const x = Math.log1p(gamma * v[off + k]);
    out[outOff + k] = x;
    ss += x * x;
  }
  const norm = Math.sqrt(ss);
  if (norm > 0) for (let k = 0; k < 12; k++) out[outOff + k] /= norm;
  return norm;
}
