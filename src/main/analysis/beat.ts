/**
 * Dynamic-programming beat tracker (Ellis 2007) with a time-varying beat period: every frame
 * looks back for the best previous beat around one local period, so ramps and jumps are followed
 * as long as the period path follows them.
 */
import { throwIfAborted } from './types';

export interface BeatTrackOptions {
  /** how strongly inter-beat intervals are held to the local period (librosa: 100) */
  tightness?: number;
  signal?: AbortSignal;
}

/** Returns beat positions in (fractional) onset frames. */
export function trackBeats(od: Float32Array, period: Float32Array, opts: BeatTrackOptions = {}): number[] {
  const n = od.length;
  if (n < 4) return [];
  const sd = stdDev(od);
  if (sd <= 0) return [];
  const local = localScore(od, period, sd);
  const { cum, back } = cumulativeScore(local, period, opts.tightness ?? 100, opts.signal);
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
 * 1 % of its maximum, have no previous beat (back = -1).
 */
function cumulativeScore(
  local: Float32Array,
  period: Float32Array,
  tight: number,
  signal: AbortSignal | undefined,
): { cum: Float64Array; back: Int32Array } {
  const n = local.length;
  let lmax = 0;
  for (let t = 0; t < n; t++) if (local[t] > lmax) lmax = local[t];
  const cum = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  let first = true;
  for (let t = 0; t < n; t++) {
    if ((t & 2047) === 0) throwIfAborted(signal);
    const P = period[t];
    const lo = Math.max(0, Math.floor(t - 2 * P));
    const hi = Math.min(t - 1, Math.ceil(t - P / 2));
    let bestV = -Infinity;
    let bestJ = -1;
    for (let j = lo; j <= hi; j++) {
      const r = Math.log((t - j) / P);
      const v = cum[j] - tight * r * r;
      if (v > bestV) {
        bestV = v;
        bestJ = j;
      }
    }
    cum[t] = local[t] + (bestJ >= 0 ? bestV : 0);
    if (first && local[t] < 0.01 * lmax) back[t] = -1;
    else {
      back[t] = bestJ;
      first = false;
    }
  }
  return { cum, back };
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
