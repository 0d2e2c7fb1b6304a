/**
 * Dynamic-programming beat tracker (Ellis 2007) with a time-varying beat period: every frame
 * looks back for the best previous beat around one local period, so ramps and jumps are followed
 * as long as the period path follows them.
 */
import { throwIfAborted } from './types';

export interface BeatTrackOptions {
  /** how strongly inter-beat intervals are held to the local period (librosa: 100) */
  tightness?: number;
  /** intervals within half a frame of the local period cost nothing (frames are whole; periods are not) */
  deadband?: boolean;
  signal?: AbortSignal;
}

/** Returns beat positions in (fractional) onset frames. */
export function trackBeats(od: Float32Array, period: Float32Array, opts: BeatTrackOptions = {}): number[] {
  const n = od.length;
  if (n < 4) return [];
  const sd = stdDev(od);
  if (sd <= 0) return [];
  const local = localScore(od, period, sd);
  const { cum, back } = cumulativeScore(
    local,
    period,
    opts.tightness ?? 100,
    opts.signal,
    opts.deadband ?? false,
  );
  const last = lastBeat(cum);
  if (last < 0) return [];
  const beats: number[] = [];
  for (let t = last; t >= 0; t = back[t]) {
    beats.push(t);
    if (back[t] >= t) break;
  }
  beats.reverse();
  return trimWeak(beats, local).map((b) => refine(b, local));
}

/*
 * Each pass of the tracker is its own function, one hot loop each: V8 optimises them one by one,
 * and the end of a pass does not send the next one back to the interpreter (where every
 * intermediate number is a heap allocation).
 */

function stdDev(od: Float32Array): number {
  const n = od.length;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    sum += od[i];
    sum2 += od[i] * od[i];
  }
  return Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2));
}

/** Local score: onset strength (in standard deviations) smoothed by a Gaussian a fraction of a beat wide. */
function localScore(od: Float32Array, period: Float32Array, sd: number): Float32Array {
  const n = od.length;
  const pMed = medianOf(period);
  const half = Math.max(1, Math.round(pMed));
  const kern = new Float32Array(2 * half + 1);
  for (let i = -half; i <= half; i++) kern[i + half] = Math.exp(-0.5 * ((i * 32) / pMed) ** 2);
  const local = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let k = -half; k <= half; k++) {
      const j = t + k;
      if (j >= 0 && j < n) s += kern[k + half] * od[j];
    }
    local[t] = s / sd;
  }
  return local;
}

/**
 * The dynamic programme: the best cumulative score of a beat at each frame and its best previous
 * beat (around one local period back). Frames of the lead-in, before the local score first reaches
 * 1 % of its maximum, have no previous beat (back = -1). With `deadband`, an interval within half a
 * frame of the local period costs nothing (frames are whole, periods are not) and one further off
 * costs `tight` times its squared log distance beyond that (`bestPrevious`).
 */
function cumulativeScore(
  local: Float32Array,
  period: Float32Array,
  tight: number,
  signal: AbortSignal | undefined,
  deadband: boolean,
): { cum: Float64Array; back: Int32Array } {
  const n = local.length;
  let lmax = 0;
  let pmax = 0;
  for (let t = 0; t < n; t++) {
    if (local[t] > lmax) lmax = local[t];
    if (period[t] > pmax) pmax = period[t];
  }
  // the dead-band pass reads the logs of whole intervals from a table
  const logs = new Float64Array(deadband ? Math.ceil(2 * pmax) + 2 : 0);
  for (let k = 1; k < logs.length; k++) logs[k] = Math.log(k);
  const cum = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const best = { v: -Infinity, j: -1 };
  let first = true;
  for (let t = 0; t < n; t++) {
    if ((t & 2047) === 0) throwIfAborted(signal);
    const P = period[t];
    const lo = Math.max(0, Math.floor(t - 2 * P));
    const hi = Math.min(t - 1, Math.ceil(t - P / 2));
    bestPrevious(cum, t, lo, hi, P, tight, deadband ? logs : null, best);
    cum[t] = local[t] + (best.j >= 0 ? best.v : 0);
    if (first && local[t] < 0.01 * lmax) back[t] = -1;
    else {
      back[t] = best.j;
      first = false;
    }
  }
  return { cum, back };
}

/**
 * The best previous beat in [lo, hi] for a beat at t: cumulative score less the interval's cost,
 * `tight` times its squared log distance from the period P; with `logs` (the logs of whole intervals),
 * the distance beyond the dead band of half a frame.
 */
function bestPrevious(
  cum: Float64Array,
  t: number,
  lo: number,
  hi: number,
  P: number,
  tight: number,
  logs: Float64Array | null,
  best: { v: number; j: number },
): void {
  const logP = logs ? Math.log(P) : 0;
  const q = logs ? Math.log1p(0.5 / P) : 0;
  best.v = -Infinity;
  best.j = -1;
  for (let j = lo; j <= hi; j++) {
    let r: number;
    if (logs) {
      const d = Math.abs(logs[t - j] - logP);
      r = d > q ? d - q : 0;
    } else r = Math.log((t - j) / P);
    const v = cum[j] - tight * r * r;
    if (v > best.v) {
      best.v = v;
      best.j = j;
    }
  }
}

/** Last beat: the latest local maximum of the cumulative score that is not far below typical (-1: none). */
function lastBeat(cum: Float64Array): number {
  const n = cum.length;
  // the median is taken over the peak values rounded to float32
  const peaks = new Float32Array(n);
  let nPeaks = 0;
  for (let t = 1; t < n - 1; t++) if (cum[t] > cum[t - 1] && cum[t] >= cum[t + 1]) peaks[nPeaks++] = cum[t];
  if (nPeaks === 0) return -1;
  const medPeak = medianOf(peaks.subarray(0, nPeaks));
  for (let t = n - 2; t >= 1; t--) {
    if (cum[t] > cum[t - 1] && cum[t] >= cum[t + 1] && cum[t] > 0.5 * medPeak) return t;
  }
  return -1;
}

/** Drops beats in the lead-in silence and the release tail: weaker than half the RMS local score. */
function trimWeak(beats: number[], local: Float32Array): number[] {
  if (beats.length === 0) return beats;
  const vals = beats.map((b) => {
    // light smoothing (Hann 5) so a single weak frame does not decide
    let s = 0;
    let w = 0;
    for (let k = -2; k <= 2; k++) {
      const j = b + k;
      if (j < 0 || j >= local.length) continue;
      const c = 0.5 + 0.5 * Math.cos((Math.PI * k) / 3);
      s += c * local[j];
      w += c;
    }
    return s / w;
  });
  const rms = Math.sqrt(vals.reduce((a, v) => a + v * v, 0) / vals.length);
  const thr = 0.5 * rms;
  let a = 0;
  let b = beats.length - 1;
  while (a <= b && vals[a] < thr) a++;
  while (b >= a && vals[b] < thr) b--;
  return beats.slice(a, b + 1);
}

/** Sub-frame position of the beat: parabolic vertex of the local score around its frame. */
function refine(t: number, local: Float32Array): number {
  if (t <= 0 || t >= local.length - 1) return t;
  const a = local[t - 1];
  const b = local[t];
  const c = local[t + 1];
  const den = a - 2 * b + c;
  if (den >= 0) return t;
  const d = (0.5 * (a - c)) / den;
  return Math.abs(d) <= 0.5 ? t + d : t;
}

function medianOf(xs: Float32Array): number {
  const s = Float32Array.from(xs).sort();
  return s.length ? s[s.length >> 1] : 0;
}

/**
 * How strongly the second pass of `trackSteadyBeats` holds the intervals to the beats' own period
 * (the first pass: librosa's 100). Chosen on the tuning sets, with the half-frame dead band: 2000 and
 * 3000 give the same results (real MIDI arrangements beat F +0.03, downbeat F +0.07; a funk set's last
 * tempo error gone, beat F +0.013), 1000 leaves that funk song, 5000 starts to lose real MIDI songs.
 * Held this tightly to the tempogram path's period instead (no second pass), the beats drift off
 * generated songs (10000: beat F −0.03 to −0.09), and without the dead band a whole-frame interval
 * next to a fractional period costs too much (2000: funk sets −0.003 to −0.008).
 */
export const STEADY_TIGHTNESS = 2000;

/**
 * Beats that keep their phase. The first pass follows the tempogram's period path with librosa's
 * tightness, and may slip half a beat (or a sixteenth) wherever the off-beats are loud for a few bars
 * (syncopated bass, pushed chords, a busy fill): real MIDI arrangements at one steady tempo were read
 * on the beat, then the off-beat, then the beat again. The second pass tracks again on the first
 * pass's own local period (median of the intervals around each frame, which a slip's half or
 * one-and-a-half interval does not move) held far more tightly (`STEADY_TIGHTNESS`), with intervals
 * within half a frame of that period free: the period is exact where the path's is a whole-lag
 * reading, so a tight hold no longer drags the beats off the music, and a slip costs more than a few
 * bars of louder off-beats are worth. A ramp or a tempo change is still followed: the period comes
 * from the beats themselves. A first pass without a steady interval of its own (`steady`) is kept as
 * it is, and so are the first pass's intro and ending where they join the tight pass (`joinEnds`).
 */
export function trackSteadyBeats(
  od: Float32Array,
  period: Float32Array,
  opts: BeatTrackOptions = {},
): number[] {
  const first = trackBeats(od, period, opts);
  if (first.length < 8) return first;
  const own = periodFromBeats(first, od.length);
  if (!steady(first, own)) return first;
  const second = trackBeats(od, own, {
    ...opts,
    tightness: STEADY_TIGHTNESS,
    deadband: true,
  });
  return second.length >= 4 ? joinEnds(first, second) : first;
}

/**
 * Whether the first pass holds a steady interval of its own: at least 3/4 of its intervals within
 * SAME_PERIOD (or a frame) of the local median. Beats pulled back and forth by a syncopated figure
 * (a riff's sixteenths, rhythm.test.ts) have none: holding them tightly to their median would change
 * the tempo. No song of the tuning sets that the second pass changes is refused by it.
 */
function steady(beats: number[], own: Float32Array): boolean {
  let near = 0;
  for (let i = 1; i < beats.length; i++) {
    const p = own[Math.min(own.length - 1, Math.max(0, Math.round(beats[i - 1])))];
    if (Math.abs(beats[i] - beats[i - 1] - p) <= Math.max(1, SAME_PERIOD * p)) near++;
  }
  return near >= 0.75 * (beats.length - 1);
}
const SAME_PERIOD = 0.04;

/**
 * The tight pass's beats, with the first pass's before and after them where they join it on the beat
 * (the gap within a quarter of its median interval of one interval). A free intro, or one whose
 * pickup does not fall a whole number of beats before the song, is put off the music by a tight
 * hold, and its weak beats are then trimmed; a first pass that joins it half a beat off was on the
 * off-beat there, which is why the tight pass left those beats out.
 */
export function joinEnds(first: number[], second: number[]): number[] {
  const ibi = medianOf(Float32Array.from(second.slice(1).map((b, i) => b - second[i])));
  const joins = (gap: number): boolean => Math.abs(gap / ibi - 1) <= 0.25;
  let head = first.filter((b) => b < second[0] - ibi / 2);
  if (head.length && !joins(second[0] - head[head.length - 1])) head = [];
  let tail = first.filter((b) => b > second[second.length - 1] + ibi / 2);
  if (tail.length && !joins(tail[0] - second[second.length - 1])) tail = [];
  return [...head, ...second, ...tail];
}

/**
 * The local beat period at every frame from tracked beats: the median inter-beat interval of the
 * beats within `span` beats of the frame (a phase slip's half or one-and-a-half interval does not move it).
 */
export function periodFromBeats(beats: number[], nFrames: number, span = 8): Float32Array {
  const out = new Float32Array(nFrames);
  const ibi = beats.slice(1).map((b, i) => b - beats[i]);
  // the median around each interval, computed once per interval: frames from its beat on take it
  const med = ibi.map((_, k) => {
    const w = Float32Array.from(ibi.slice(Math.max(0, k - span), Math.min(ibi.length, k + span + 1))).sort();
    return w[w.length >> 1];
  });
  let k = 0;
  for (let t = 0; t < nFrames; t++) {
    while (k + 1 < ibi.length && beats[k + 1] <= t) k++;
    out[t] = med[k];
  }
  return out;
}
