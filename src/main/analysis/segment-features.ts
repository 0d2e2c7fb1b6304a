/**
 * Bar-level features for segmentation: timbre (MFCC-like log-mel cepstra), loudness, and chroma
 * laid out per beat-slot inside the bar (so a bar's feature says which harmony sounds on which
 * beat: sections in pop differ by their chord sequence, not only by their chord set).
 */
import type { BeatChroma } from './stages';
import { feedFrames, type FrameConsumer } from './spectrum';
import type { Spectrogram } from './types';

export const N_MELS = 40;
export const N_MFCC = 13;

/** Triangular mel filters (Slaney-style mel scale) over the STFT bins. */
export function melFilterbank(
  sr: number,
  nFft: number,
  nMels: number,
  fMin: number,
  fMax: number,
): Float32Array[] {
  const hzToMel = (f: number): number => 2595 * Math.log10(1 + f / 700);
  const melToHz = (m: number): number => 700 * (10 ** (m / 2595) - 1);
  const nBins = nFft / 2 + 1;
  const lo = hzToMel(fMin);
  const hi = hzToMel(fMax);
  const edges = Array.from({ length: nMels + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (nMels + 1)));
  const filters: Float32Array[] = [];
  for (let m = 0; m < nMels; m++) {
    const f = new Float32Array(nBins);
    const [a, b, c] = [edges[m], edges[m + 1], edges[m + 2]];
    for (let k = 0; k < nBins; k++) {
      const hz = (k * sr) / nFft;
      if (hz > a && hz < c) f[k] = hz <= b ? (hz - a) / (b - a) : (c - hz) / (c - b);
    }
    filters.push(f);
  }
  return filters;
}

export interface FrameFeatures {
  /** seconds per frame */
  frameSec: number;
  nFrames: number;
  /** nFrames * N_MFCC cepstra of the log-mel spectrum (coefficient 0 = overall level) */
  mfcc: Float32Array;
  /** per-frame total power in dB */
  powerDb: Float32Array;
  /** nFrames * 12 chroma folded from the spectrum, used only when no beat chroma is given */
  chroma: Float32Array | null;
}

/**
 * Frames are taken every FRAME_STRIDE-th STFT frame: sections only need per-bar means, and a bar
 * spans dozens of frames even at the stride, so this halves the stage's cost for nothing.
 */
export const FRAME_STRIDE = 2;

/** Log-mel → DCT-II (orthonormal) cepstra, frame power, optional folded chroma, built frame by frame. */
export class FrameFeatureBuilder implements FrameConsumer {
  private readonly nBins: number;
  private nFrames: number;
  private readonly start = new Int32Array(N_MELS);
  private readonly len = new Int32Array(N_MELS);
  private readonly offs = new Int32Array(N_MELS);
  private readonly weights: Float32Array;
  private readonly dct = new Float32Array(N_MFCC * N_MELS);
  private readonly pcOfBin: Int8Array;
  private readonly mfcc: Float32Array;
  private readonly powerDb: Float32Array;
  private readonly chroma: Float32Array | null;
  private readonly logMel = new Float32Array(N_MELS);
  constructor(
    private readonly sr: number,
    nFft: number,
    private readonly hop: number,
    specFrames: number,
    withChroma: boolean,
  ) {
    const nBins = (this.nBins = nFft / 2 + 1);
    this.nFrames = Math.ceil(specFrames / FRAME_STRIDE);
    const filters = melFilterbank(sr, nFft, N_MELS, 40, Math.min(8000, sr / 2));
    // each filter's non-zero span, packed: weights[offs[m] .. offs[m] + len[m]) for bins start[m]…
    const packed: number[] = [];
    filters.forEach((f, m) => {
      let a = 0;
      while (a < nBins && f[a] === 0) a++;
      let b = nBins - 1;
      while (b > a && f[b] === 0) b--;
      this.start[m] = a;
      this.len[m] = Math.max(0, b - a + 1);
      this.offs[m] = packed.length;
      for (let k = a; k <= b; k++) packed.push(f[k]);
    });
    this.weights = Float32Array.from(packed);
    for (let c = 0; c < N_MFCC; c++) {
      const scale = c === 0 ? Math.sqrt(1 / N_MELS) : Math.sqrt(2 / N_MELS);
      for (let m = 0; m < N_MELS; m++)
        this.dct[c * N_MELS + m] = scale * Math.cos((Math.PI * c * (m + 0.5)) / N_MELS);
    }
    this.pcOfBin = new Int8Array(nBins).fill(-1);
    if (withChroma) {
      for (let k = 1; k < nBins; k++) {
        const hz = (k * sr) / nFft;
        if (hz < 55 || hz > 4000) continue;
        const midi = 69 + 12 * Math.log2(hz / 440);
        this.pcOfBin[k] = ((Math.round(midi) % 12) + 12) % 12;
      }
    }
    this.mfcc = new Float32Array(this.nFrames * N_MFCC);
    this.powerDb = new Float32Array(this.nFrames);
    this.chroma = withChroma ? new Float32Array(this.nFrames * 12) : null;
  }
  frame(mag: Float32Array, base: number, t: number): void {
    if (t % FRAME_STRIDE !== 0) return;
    const u = t / FRAME_STRIDE;
    const { start, len, offs, weights, logMel, dct, mfcc, chroma, pcOfBin } = this;
    const LN_TO_DB = 10 / Math.LN10;
    let total = 0;
    for (let m = 0; m < N_MELS; m++) {
      const a = base + start[m];
      const o = offs[m];
      let e = 0;
      for (let k = 0; k < len[m]; k++) {
        const v = mag[a + k];
        e += weights[o + k] * v * v;
      }
      total += e;
      logMel[m] = LN_TO_DB * Math.log(e + 1e-10);
    }
    this.powerDb[u] = LN_TO_DB * Math.log(total + 1e-10);
    for (let c = 0; c < N_MFCC; c++) {
      let s = 0;
      const row = c * N_MELS;
      for (let m = 0; m < N_MELS; m++) s += dct[row + m] * logMel[m];
      mfcc[u * N_MFCC + c] = s;
    }
    if (chroma) {
      for (let k = 1; k < this.nBins; k++) {
        const pc = pcOfBin[k];
        if (pc >= 0) chroma[u * 12 + pc] += mag[base + k];
      }
    }
  }
  /** Fewer STFT frames came than the builder was made for: finish() returns the features of the first n. */
  setFrames(specFrames: number): void {
    const n = Math.ceil(specFrames / FRAME_STRIDE);
    if (n > this.nFrames) throw new Error(`${specFrames} frames do not fit a builder made for fewer`);
    this.nFrames = n;
  }
  finish(): FrameFeatures {
    const { nFrames } = this;
    const fit = <T extends Float32Array | null>(a: T, per: number): T =>
      (a && a.length > nFrames * per ? a.subarray(0, nFrames * per) : a) as T;
    return {
      frameSec: (this.hop * FRAME_STRIDE) / this.sr,
      nFrames,
      mfcc: fit(this.mfcc, N_MFCC),
      powerDb: fit(this.powerDb, 1),
      chroma: fit(this.chroma, 12),
    };
  }
}

export function frameFeatures(spec: Spectrogram, withChroma: boolean, signal?: AbortSignal): FrameFeatures {
  const b = new FrameFeatureBuilder(spec.sr, spec.nFft, spec.hop, spec.nFrames, withChroma);
  feedFrames(spec, b, signal);
  return b.finish();
}

export interface BarFeatures {
  n: number;
  /** n * slots * 12, each slot's chroma L2-normalised */
  chroma: Float32Array;
  slots: number;
  /** n * (N_MFCC - 1): mean cepstra without coefficient 0 */
  timbre: Float32Array;
  /** n: mean power in dB */
  energyDb: Float32Array;
}

/** Time-weighted mean of the beat-chroma rows over [a, b). */
function chromaFromBeats(bc: BeatChroma, a: number, b: number, out: Float32Array, off: number): void {
  const { times, chroma } = bc;
  let w = 0;
  for (let s = 0; s + 1 < times.length; s++) {
    const lo = Math.max(a, times[s]);
    const hi = Math.min(b, times[s + 1]);
    if (hi <= lo) continue;
    const d = hi - lo;
    w += d;
    for (let p = 0; p < 12; p++) out[off + p] += d * chroma[s * 12 + p];
  }
  if (w > 0) for (let p = 0; p < 12; p++) out[off + p] /= w;
}

function l2normalise(v: Float32Array, off: number, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[off + i] * v[off + i];
  const norm = Math.sqrt(s);
  if (norm > 1e-12) for (let i = 0; i < n; i++) v[off + i] /= norm;
}

/**
 * Pools features over bars [bars[i], bars[i+1]). Chroma uses `beatChroma` when given, otherwise
 * the folded spectrum chroma in `frames`.
 */
export function barFeatures(
  bars: readonly number[],
  slots: number,
  frames: FrameFeatures,
  beatChroma: BeatChroma | null,
): BarFeatures {
  const n = bars.length - 1;
  const chroma = new Float32Array(n * slots * 12);
  const nT = N_MFCC - 1;
  const timbre = new Float32Array(n * nT);
  const energyDb = new Float32Array(n);
  const frameOf = (t: number): number =>
    Math.max(0, Math.min(frames.nFrames, Math.round(t / frames.frameSec)));
  for (let i = 0; i < n; i++) {
    const a = bars[i];
    const b = bars[i + 1];
    const f0 = frameOf(a);
    const f1 = Math.max(f0 + 1, frameOf(b));
    let cnt = 0;
    let pow = 0;
    for (let t = f0; t < Math.min(f1, frames.nFrames); t++) {
      cnt++;
      pow += 10 ** (frames.powerDb[t] / 10);
      for (let c = 1; c < N_MFCC; c++) timbre[i * nT + c - 1] += frames.mfcc[t * N_MFCC + c];
    }
    if (cnt > 0) for (let c = 0; c < nT; c++) timbre[i * nT + c] /= cnt;
    energyDb[i] = cnt > 0 ? 10 * Math.log10(pow / cnt + 1e-10) : -100;
    for (let s = 0; s < slots; s++) {
      const sa = a + ((b - a) * s) / slots;
      const sb = a + ((b - a) * (s + 1)) / slots;
      const off = (i * slots + s) * 12;
      if (beatChroma) chromaFromBeats(beatChroma, sa, sb, chroma, off);
      else if (frames.chroma) {
        const g0 = frameOf(sa);
        const g1 = Math.max(g0 + 1, frameOf(sb));
        for (let t = g0; t < Math.min(g1, frames.nFrames); t++)
          for (let p = 0; p < 12; p++) chroma[off + p] += frames.chroma[t * 12 + p];
      }
      l2normalise(chroma, off, 12);
    }
  }
  return { n, chroma, slots, timbre, energyDb };
}
