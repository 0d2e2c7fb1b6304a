/**
 * The harmony stage's own spectrum. The shared STFT (2048 points at 22050 Hz, 10.8 Hz bins) cannot
 * tell bass notes apart (a semitone at 82 Hz is 4.9 Hz), so harmony decimates the audio by 4
 * (to 5512.5 Hz: everything up to ~2.4 kHz, where chord tones and their low partials live) and runs
 * a 2048-point STFT on that: 2.7 Hz bins (0.37 s window, 93 ms hop) for the same FFT cost per
 * frame. The stage streams it straight into peak picking (harmony-peaks.ts) and reuses the peaks for
 * tuning, chroma, key and chords; `harmonySpectrum` keeps the whole spectrogram (tests, inspection).
 */
import { stft } from './spectrum';
import type { MonoAudio, Spectrogram } from './types';
import { throwIfAborted } from './types';

export interface HarmonySpectrumOptions {
  /** integer decimation factor applied before the STFT */
  decimation: number;
  nFft: number;
  /** hop in decimated samples */
  hop: number;
  signal?: AbortSignal;
}

// hop 768 measured 25 ms faster per 3-minute song at −0.01 sevenths; 512 keeps 3+ frames per beat at 180 BPM
export const DEFAULT_HARMONY_SPECTRUM: HarmonySpectrumOptions = { decimation: 4, nFft: 2048, hop: 512 };

const lowpassCache = new Map<string, Float32Array>();

/** Hamming-windowed sinc low-pass, cutoff as a fraction of the input Nyquist. */
export function lowpassKernel(taps: number, cutoff: number): Float32Array {
  const key = `${taps}:${cutoff}`;
  const cached = lowpassCache.get(key);
  if (cached) return cached;
  const h = new Float32Array(taps);
  const m = (taps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - m;
    const sinc = x === 0 ? cutoff : Math.sin(Math.PI * cutoff * x) / (Math.PI * x);
    const w = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1));
    h[i] = sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < taps; i++) h[i] /= sum; // unity gain at DC
  lowpassCache.set(key, h);
  return h;
}

/** The anti-alias kernel used for decimation by `factor`. */
export function decimationKernel(factor: number): Float32Array {
  // cutoff a little under the new Nyquist so the transition band does not alias into chord range;
  // 8 taps per factor: the transition band folds only into the top of the treble band (> 1.9 kHz),
  // which chroma weights down anyway
  return lowpassKernel(8 * factor + 1, 0.9 / factor);
}

/**
 * Decimated samples [from, to) of `samples` (low-pass, then every `factor`-th sample) written to
 * out[outOff …]; with `ringMask` the writes wrap (out is a power-of-two ring). Only the kept outputs
 * are computed: taps / factor multiply-adds per input sample.
 */
export function decimateRange(
  samples: Float32Array,
  factor: number,
  h: Float32Array,
  from: number,
  to: number,
  out: Float32Array,
  ringMask = -1,
): void {
  const taps = h.length;
  const half = (taps - 1) / 2;
  if (taps === 33) {
    decimateRange33(samples, factor, h, from, to, out, ringMask);
    return;
  }
  for (let o = from; o < to; o++) {
    const lo = o * factor - half;
    let acc = 0;
    if (lo >= 0 && lo + taps <= samples.length) {
      // symmetric kernel: fold the two halves, one multiply per pair
      const last = lo + taps - 1;
      for (let i = 0; i < half; i++) acc += h[i] * (samples[lo + i] + samples[last - i]);
      acc += h[half] * samples[lo + half];
    } else {
      for (let i = 0; i < taps; i++) {
        const j = lo + i;
        if (j >= 0 && j < samples.length) acc += h[i] * samples[j];
      }
    }
    out[ringMask >= 0 ? o & ringMask : o] = acc;
  }
}

/**
 * decimateRange for the 33-tap kernel of factor 4 (the harmony default), taps in locals: the generic
 * loop reloaded the kernel for every output and was the hottest loop of the harmony stage. Same
 * summation order as the generic loop, so the same result to the last bit.
 */
function decimateRange33(
  samples: Float32Array,
  factor: number,
  h: Float32Array,
  from: number,
  to: number,
  out: Float32Array,
  ringMask: number,
): void {
  const h0 = h[0],
    h1 = h[1],
    h2 = h[2],
    h3 = h[3],
    h4 = h[4],
    h5 = h[5],
    h6 = h[6],
    h7 = h[7];
  const h8 = h[8],
    h9 = h[9],
    h10 = h[10],
    h11 = h[11],
    h12 = h[12],
    h13 = h[13],
    h14 = h[14];
  const h15 = h[15],
    h16 = h[16];
  const n = samples.length;
  const x = samples;
  for (let o = from; o < to; o++) {
    const lo = o * factor - 16;
    const b = lo + factor;
    if (o + 1 < to && lo >= 0 && b + 33 <= n) {
      // two outputs per step: each sum is a chain of dependent adds, two chains run side by side
      // (from 0, as below: 0 + −0 is +0)
      let acc = 0;
      let acd = 0;
      acc += h0 * (x[lo] + x[lo + 32]);
      acd += h0 * (x[b] + x[b + 32]);
      acc += h1 * (x[lo + 1] + x[lo + 31]);
      acd += h1 * (x[b + 1] + x[b + 31]);
      acc += h2 * (x[lo + 2] + x[lo + 30]);
      acd += h2 * (x[b + 2] + x[b + 30]);
      acc += h3 * (x[lo + 3] + x[lo + 29]);
      acd += h3 * (x[b + 3] + x[b + 29]);
      acc += h4 * (x[lo + 4] + x[lo + 28]);
      acd += h4 * (x[b + 4] + x[b + 28]);
      acc += h5 * (x[lo + 5] + x[lo + 27]);
      acd += h5 * (x[b + 5] + x[b + 27]);
      acc += h6 * (x[lo + 6] + x[lo + 26]);
      acd += h6 * (x[b + 6] + x[b + 26]);
      acc += h7 * (x[lo + 7] + x[lo + 25]);
      acd += h7 * (x[b + 7] + x[b + 25]);
      acc += h8 * (x[lo + 8] + x[lo + 24]);
      acd += h8 * (x[b + 8] + x[b + 24]);
      acc += h9 * (x[lo + 9] + x[lo + 23]);
      acd += h9 * (x[b + 9] + x[b + 23]);
      acc += h10 * (x[lo + 10] + x[lo + 22]);
      acd += h10 * (x[b + 10] + x[b + 22]);
      acc += h11 * (x[lo + 11] + x[lo + 21]);
      acd += h11 * (x[b + 11] + x[b + 21]);
      acc += h12 * (x[lo + 12] + x[lo + 20]);
      acd += h12 * (x[b + 12] + x[b + 20]);
      acc += h13 * (x[lo + 13] + x[lo + 19]);
      acd += h13 * (x[b + 13] + x[b + 19]);
      acc += h14 * (x[lo + 14] + x[lo + 18]);
      acd += h14 * (x[b + 14] + x[b + 18]);
      acc += h15 * (x[lo + 15] + x[lo + 17]);
      acd += h15 * (x[b + 15] + x[b + 17]);
      acc += h16 * x[lo + 16];
      acd += h16 * x[b + 16];
      out[ringMask >= 0 ? o & ringMask : o] = acc;
      out[ringMask >= 0 ? (o + 1) & ringMask : o + 1] = acd;
      o++;
      continue;
    }
    // a single output (the range's last, or near the signal's ends): the same sum, looped
    let acc = 0;
    if (lo >= 0 && lo + 33 <= n) {
      for (let i = 0; i < 16; i++) acc += h[i] * (x[lo + i] + x[lo + 32 - i]);
      acc += h16 * x[lo + 16];
    } else {
      for (let i = 0; i < 33; i++) {
        const j = lo + i;
        if (j >= 0 && j < n) acc += h[i] * x[j];
      }
    }
    out[ringMask >= 0 ? o & ringMask : o] = acc;
  }
}

/** Low-pass then keep every `factor`-th sample. */
export function decimate(samples: Float32Array, factor: number, signal?: AbortSignal): Float32Array {
  if (!Number.isInteger(factor) || factor < 1)
    throw new Error(`decimation factor must be a positive integer, got ${factor}`);
  if (factor === 1) return samples;
  const h = decimationKernel(factor);
  const n = Math.floor(samples.length / factor);
  const out = new Float32Array(n);
  for (let o = 0; o < n; o += 0x10000) {
    throwIfAborted(signal);
    decimateRange(samples, factor, h, o, Math.min(n, o + 0x10000), out);
  }
  return out;
}

export function harmonySpectrum(
  audio: MonoAudio,
  opts: HarmonySpectrumOptions = DEFAULT_HARMONY_SPECTRUM,
): Spectrogram {
  const low = decimate(audio.samples, opts.decimation, opts.signal);
  return stft(low, { sr: audio.sr / opts.decimation, nFft: opts.nFft, hop: opts.hop, signal: opts.signal });
}
