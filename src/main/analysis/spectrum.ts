/**
 * Short-time Fourier transform (magnitude), Hann window, frames centred like librosa (center=True,
 * zero padding): frame t covers samples [t*hop - nFft/2, t*hop + nFft/2).
 */
import { realFftPlan } from './fft';
import type { Spectrogram } from './types';
import { throwIfAborted } from './types';

const windows = new Map<number, Float32Array>();

export function hann(n: number): Float32Array {
  let w = windows.get(n);
  if (!w) {
    w = new Float32Array(n);
    // periodic Hann (as scipy.signal.get_window('hann', n, fftbins=True))
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    windows.set(n, w);
  }
  return w;
}

export interface StftOptions {
  sr: number;
  nFft: number;
  hop: number;
  signal?: AbortSignal;
  /** apply power (|X|^2) instead of magnitude */
  power?: boolean;
}

export function stft(samples: Float32Array, opts: StftOptions): Spectrogram {
  const { sr, nFft, hop } = opts;
  if (!Number.isInteger(Math.log2(nFft))) throw new Error(`nFft must be a power of two, got ${nFft}`);
  const nBins = nFft / 2 + 1;
  const nFrames = samples.length === 0 ? 0 : 1 + Math.floor(samples.length / hop);
  const mag = new Float32Array(nFrames * nBins);
  const plan = realFftPlan(nFft);
  const frame = plan.input();
  const win = hann(nFft);
  const half = nFft / 2;
  const n = samples.length;
  const power = opts.power === true;
  for (let t = 0; t < nFrames; t++) {
    if ((t & 1023) === 0) throwIfAborted(opts.signal);
    const start = t * hop - half;
    if (start >= 0 && start + nFft <= n) {
      // interior frame (all but the first and last few): no bounds checks
      for (let i = 0; i < nFft; i++) frame[i] = samples[start + i] * win[i];
    } else {
      for (let i = 0; i < nFft; i++) {
        const j = start + i;
        frame[i] = j >= 0 && j < n ? samples[j] * win[i] : 0;
      }
    }
    if (power) plan.power(mag, t * nBins);
    else plan.magnitude(mag, t * nBins);
  }
  return { sr, nFft, hop, nFrames, nBins, mag };
}

/** Centre frequency in Hz of FFT bin k. */
export const binFrequency = (k: number, sr: number, nFft: number): number => (k * sr) / nFft;

/** Time in seconds of frame t (centred frames). */
export const frameTime = (t: number, sr: number, hop: number): number => (t * hop) / sr;
