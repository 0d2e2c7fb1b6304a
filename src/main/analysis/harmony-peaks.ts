/**
 * Spectral peaks of the harmony spectrum, with parabolic interpolation of frequency and magnitude.
 * Both tuning and chroma work on peaks rather than raw bins: a peak's interpolated frequency is far
 * more precise than its bin (tuning needs a few cents), and broadband energy (drums, noise) that
 * does not form a clear peak above its neighbourhood never reaches the chroma.
 *
 * `streamPeaks` runs the STFT frame by frame and keeps only the peaks (a few dozen per frame), so
 * an hour of audio needs a few MB instead of a full spectrogram.
 */
import { realFftPlan, type FrameBuffer, type RealFftPlan } from './fft';
import { decimateRange, decimationKernel } from './harmony-spectrum';
import { hann } from './spectrum';
import type { Spectrogram } from './types';
import { throwIfAborted } from './types';

/** Peaks of every frame in compressed-row form: frame t owns [offsets[t], offsets[t+1]). */
export interface SpectralPeaks {
  nFrames: number;
  /** frame hop in seconds */
  hopSec: number;
  offsets: Uint32Array;
  freq: Float32Array;
  mag: Float32Array;
  /** loudest bin magnitude in the whole spectrum (0 for digital silence) */
  globalMax: number;
}

export interface PeakOptions {
  fMin: number;
  fMax: number;
  /** a peak must exceed the mean of its ±`neighbourhood` bins by this factor */
  prominence: number;
  neighbourhood: number;
  /** ignore peaks quieter than this fraction of the loudest bin of the song (−70 dB) */
  floor: number;
  signal?: AbortSignal;
}

export const DEFAULT_PEAKS: Omit<PeakOptions, 'signal'> = {
  fMin: 35,
  fMax: 2400,
  prominence: 2.5,
  neighbourhood: 6,
  floor: 3e-4,
};

/** Growable peak list shared by the whole-spectrogram and the streaming paths. */
class PeakCollector {
  freq: Float32Array;
  mag: Float32Array;
  n = 0;
  constructor(cap: number) {
    this.freq = new Float32Array(cap);
    this.mag = new Float32Array(cap);
  }
  push(f: number, m: number): void {
    if (this.n >= this.freq.length) {
      const f2 = new Float32Array(this.freq.length * 2);
      f2.set(this.freq);
      this.freq = f2;
      const m2 = new Float32Array(this.mag.length * 2);
      m2.set(this.mag);
      this.mag = m2;
    }
    this.freq[this.n] = f;
    this.mag[this.n] = m;
    this.n++;
  }
}

/**
 * Peaks of one magnitude frame `mag[base .. base + nBins)` between bins kLo..kHi, louder than
 * `abs` and `prominence` × the mean of their ±`nb` bins. `prefix` is scratch of length nBins + 1.
 * The options come as numbers, not as the caller's options object: that object (often a spread)
 * can have a new hidden class on every call, and this function's optimised code would be dropped
 * each time.
 */
function framePeaks(
  mag: ArrayLike<number>,
  base: number,
  nBins: number,
  kLo: number,
  kHi: number,
  abs: number,
  binHz: number,
  nb: number,
  prominence: number,
  prefix: Float64Array,
  out: PeakCollector,
): void {
  const pLo = Math.max(0, kLo - nb);
  const pHi = Math.min(nBins - 1, kHi + nb);
  // prefix sums make each candidate's neighbourhood mean O(1); only local maxima need it
  let acc = 0;
  for (let k = pLo; k <= pHi; k++) {
    acc += mag[base + k];
    prefix[k + 1] = acc;
  }
  for (let k = kLo; k <= kHi; k++) {
    const b = mag[base + k];
    if (b <= abs) continue;
    const a = mag[base + k - 1];
    const c = mag[base + k + 1];
    if (!(b > a && b >= c)) continue;
    const lo = Math.max(pLo, k - nb);
    const hi = Math.min(pHi, k + nb);
    const mean = (prefix[hi + 1] - (lo > pLo ? prefix[lo] : 0)) / (hi - lo + 1);
    if (b < prominence * mean) continue;
    // parabolic interpolation on log magnitude (close to exact for a Hann main lobe)
    const la = Math.log(a + 1e-12);
    const lb = Math.log(b);
    const lc = Math.log(c + 1e-12);
    const den = la - 2 * lb + lc;
    const d = den < 0 ? (0.5 * (la - lc)) / den : 0;
    out.push((k + d) * binHz, Math.exp(lb - 0.25 * (la - lc) * d));
  }
}

function binRange(opts: PeakOptions, sr: number, nFft: number, nBins: number): [number, number] {
  return [
    Math.max(2, Math.floor((opts.fMin * nFft) / sr)),
    Math.min(nBins - 3, Math.ceil((opts.fMax * nFft) / sr)),
  ];
}

/** Peaks of a stored magnitude spectrogram. */
export function spectralPeaks(spec: Spectrogram, opts: PeakOptions = DEFAULT_PEAKS): SpectralPeaks {
  const { nFrames, nBins, mag, sr, nFft } = spec;
  let globalMax = 0;
  for (let i = 0; i < mag.length; i++) if (mag[i] > globalMax) globalMax = mag[i];
  const [kLo, kHi] = binRange(opts, sr, nFft, nBins);
  const offsets = new Uint32Array(nFrames + 1);
  const out = new PeakCollector(Math.max(1024, nFrames * 32));
  const prefix = new Float64Array(nBins + 1);
  for (let t = 0; t < nFrames; t++) {
    if ((t & 255) === 0) throwIfAborted(opts.signal);
    offsets[t] = out.n;
    if (globalMax === 0) continue;
    const abs = globalMax * opts.floor;
    framePeaks(
      mag,
      t * nBins,
      nBins,
      kLo,
      kHi,
      abs,
      sr / nFft,
      opts.neighbourhood,
      opts.prominence,
      prefix,
      out,
    );
  }
  offsets[nFrames] = out.n;
  return {
    nFrames,
    hopSec: spec.hop / sr,
    offsets,
    freq: out.freq.subarray(0, out.n),
    mag: out.mag.subarray(0, out.n),
    globalMax,
  };
}

/**
 * STFT (Hann, centred frames like spectrum.ts) and peak picking in one pass, keeping only peaks.
 * The song-level floor needs the loudest bin of the whole song, so peaks are collected against a
 * per-frame floor first and the song floor is applied at the end.
 */
export function streamPeaks(
  input: Float32Array,
  inputSr: number,
  nFft: number,
  hop: number,
  opts: PeakOptions = DEFAULT_PEAKS,
  /** decimate the input by this factor on the fly (a ring of nFft samples, no decimated copy) */
  factor = 1,
): SpectralPeaks {
  return new PeakStream(inputSr, nFft, hop, opts, factor).finish(input);
}

/**
 * streamPeaks over a signal that is still arriving (the decoder's): `advance` with each longer prefix
 * runs every frame whose decimated window it already holds in full, `finish` the rest once the length
 * is known. A decimated sample is computed only once its whole kernel has arrived and a frame only
 * once its whole window has, so every value is the one the single pass over the whole signal gives
 * (harmony-peaks.test.ts).
 */
export class PeakStream {
  private readonly sr: number;
  private readonly kernel: Float32Array | null;
  /** decimated samples a prefix of n input samples determines: o·factor + half + 1 ≤ n */
  private readonly reach: number;
  private readonly ring: Float32Array | null;
  private readonly ringMask: number;
  private readonly plan: RealFftPlan;
  private readonly mag: Float32Array;
  private readonly win: Float32Array;
  private readonly kLo: number;
  private readonly kHi: number;
  private readonly prefix: Float64Array;
  private readonly out: PeakCollector;
  private offsets: Uint32Array;
  private produced = 0;
  private globalMax = 0;
  /** the next frame */
  private t = 0;
  constructor(
    inputSr: number,
    private readonly nFft: number,
    private readonly hop: number,
    private readonly opts: PeakOptions = DEFAULT_PEAKS,
    private readonly factor = 1,
    /** frames expected (the offsets grow past it) */
    expectedFrames = 1024,
  ) {
    this.sr = inputSr / factor;
    this.kernel = factor > 1 ? decimationKernel(factor) : null;
    this.reach = this.kernel ? (this.kernel.length - 1) / 2 + 1 : 0;
    this.ring = this.kernel ? new Float32Array(nFft) : null;
    this.ringMask = this.kernel ? nFft - 1 : -1;
    const nBins = nFft / 2 + 1;
    this.plan = realFftPlan(nFft);
    this.mag = new Float32Array(nBins);
    this.win = hann(nFft);
    [this.kLo, this.kHi] = binRange(opts, this.sr, nFft, nBins);
    this.prefix = new Float64Array(nBins + 1);
    this.offsets = new Uint32Array(expectedFrames + 1);
    this.out = new PeakCollector(Math.max(1024, expectedFrames * 32));
  }

  /** Frames whose decimated window lies within this prefix of the final input. */
  advance(input: Float32Array): void {
    const ready = this.kernel
      ? Math.max(0, Math.floor((input.length - this.reach) / this.factor) + 1)
      : input.length;
    const half = this.nFft / 2;
    while (this.t * this.hop - half + this.nFft <= ready) this.frame(input, ready);
  }

  finish(input: Float32Array): SpectralPeaks {
    const nSamples = Math.floor(input.length / this.factor);
    const nFrames = nSamples === 0 ? 0 : 1 + Math.floor(nSamples / this.hop);
    while (this.t < nFrames) this.frame(input, nSamples);
    const { out, offsets } = this;
    offsets[nFrames] = out.n;
    const kept = dropQuietPeaks(out, offsets, nFrames, this.globalMax * this.opts.floor);
    return {
      nFrames,
      hopSec: this.hop / this.sr,
      offsets: offsets.subarray(0, nFrames + 1),
      freq: out.freq.subarray(0, kept),
      mag: out.mag.subarray(0, kept),
      globalMax: this.globalMax,
    };
  }

  /**
   * Frame t: decimates what its window needs, windows, transforms, picks peaks. `nSamples` bounds the
   * decimated samples: the whole signal's count at the end, the determined ones before.
   */
  private frame(input: Float32Array, nSamples: number): void {
    const { nFft, kernel, mag, opts } = this;
    const t = this.t;
    if ((t & 255) === 0) throwIfAborted(opts.signal);
    const start = t * this.hop - nFft / 2;
    const ring = this.ring ?? input;
    if (kernel) {
      const need = Math.min(nSamples, start + nFft);
      if (need > this.produced) {
        decimateRange(input, this.factor, kernel, this.produced, need, ring, this.ringMask);
        this.produced = need;
      }
    }
    // without decimation the "ring" is the input itself and the mask (−1) keeps every index
    // the frame buffer is asked for each time: a stream outlives a moment, and a WASM heap that
    // grew would have left an earlier view behind
    windowRing(ring, this.ringMask, start, nSamples, this.win, this.plan.input());
    this.plan.magnitude(mag, 0);
    const frameMax = maxOf(mag);
    if (frameMax > this.globalMax) this.globalMax = frameMax;
    if (t + 1 >= this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[t] = this.out.n;
    if (frameMax > 0)
      framePeaks(
        mag,
        0,
        mag.length,
        this.kLo,
        this.kHi,
        frameMax * opts.floor,
        this.sr / nFft,
        opts.neighbourhood,
        opts.prominence,
        this.prefix,
        this.out,
      );
    this.t = t + 1;
  }
}

function windowRing(
  ring: Float32Array,
  ringMask: number,
  start: number,
  nSamples: number,
  win: Float32Array,
  frame: FrameBuffer,
): void {
  const len = frame.length;
  if (start >= 0 && start + len <= nSamples) {
    // interior frame: eight samples per step (len is a power of two ≥ 32), the same products
    for (let i = 0; i < len; i += 8) {
      const j = start + i;
      frame[i] = ring[j & ringMask] * win[i];
      frame[i + 1] = ring[(j + 1) & ringMask] * win[i + 1];
      frame[i + 2] = ring[(j + 2) & ringMask] * win[i + 2];
      frame[i + 3] = ring[(j + 3) & ringMask] * win[i + 3];
      frame[i + 4] = ring[(j + 4) & ringMask] * win[i + 4];
      frame[i + 5] = ring[(j + 5) & ringMask] * win[i + 5];
      frame[i + 6] = ring[(j + 6) & ringMask] * win[i + 6];
      frame[i + 7] = ring[(j + 7) & ringMask] * win[i + 7];
    }
    return;
  }
  for (let i = 0; i < len; i++) {
    const j = start + i;
    frame[i] = j >= 0 && j < nSamples ? ring[j & ringMask] * win[i] : 0;
  }
}

function maxOf(x: Float32Array): number {
  let m = 0;
  for (let k = 0; k < x.length; k++) if (x[k] > m) m = x[k];
  return m;
}

/**
 * Song-level floor: drops peaks quieter than `abs`, compacting the collector in place and
 * rewriting the frame offsets; returns how many peaks are kept.
 */
function dropQuietPeaks(out: PeakCollector, offsets: Uint32Array, nFrames: number, abs: number): number {
  let w = 0;
  for (let t = 0; t < nFrames; t++) {
    const a = offsets[t];
    const b = offsets[t + 1];
    offsets[t] = w;
    for (let i = a; i < b; i++) {
      if (out.mag[i] <= abs) continue;
      out.freq[w] = out.freq[i];
      out.mag[w] = out.mag[i];
      w++;
    }
  }
  offsets[nFrames] = w;
  return w;
}
