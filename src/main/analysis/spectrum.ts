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

/** Number of centred frames of a signal of `n` samples. */
export const frameCount = (n: number, hop: number): number => (n === 0 ? 0 : 1 + Math.floor(n / hop));

/** Windowed frame t of `samples` into `frame` (zero padding at both ends, as librosa center=True). */
function fillFrame(
  samples: Float32Array,
  t: number,
  hop: number,
  win: Float32Array,
  frame: { [i: number]: number },
): void {
  const nFft = win.length;
  const n = samples.length;
  const start = t * hop - nFft / 2;
  if (start >= 0 && start + nFft <= n) {
    // interior frame (all but the first and last few): no bounds checks, eight samples per step
    // (nFft is a power of two ≥ 32), which halves the loop's cost; each product is the same
    for (let i = 0; i < nFft; i += 8) {
      const j = start + i;
      frame[i] = samples[j] * win[i];
      frame[i + 1] = samples[j + 1] * win[i + 1];
      frame[i + 2] = samples[j + 2] * win[i + 2];
      frame[i + 3] = samples[j + 3] * win[i + 3];
      frame[i + 4] = samples[j + 4] * win[i + 4];
      frame[i + 5] = samples[j + 5] * win[i + 5];
      frame[i + 6] = samples[j + 6] * win[i + 6];
      frame[i + 7] = samples[j + 7] * win[i + 7];
    }
  } else {
    for (let i = 0; i < nFft; i++) {
      const j = start + i;
      frame[i] = j >= 0 && j < n ? samples[j] * win[i] : 0;
    }
  }
}

export function stft(samples: Float32Array, opts: StftOptions): Spectrogram {
  const { sr, nFft, hop } = opts;
  if (!Number.isInteger(Math.log2(nFft))) throw new Error(`nFft must be a power of two, got ${nFft}`);
  const nBins = nFft / 2 + 1;
  const nFrames = frameCount(samples.length, hop);
  const mag = new Float32Array(nFrames * nBins);
  const plan = realFftPlan(nFft);
  const frame = plan.input();
  const win = hann(nFft);
  const power = opts.power === true;
  for (let t = 0; t < nFrames; t++) {
    if ((t & 1023) === 0) throwIfAborted(opts.signal);
    fillFrame(samples, t, hop, win, frame);
    if (power) plan.power(mag, t * nBins);
    else plan.magnitude(mag, t * nBins);
  }
  return { sr, nFft, hop, nFrames, nBins, mag };
}

/**
 * What a stage reads of a magnitude spectrogram, one frame at a time: `mag[offset … offset + nBins)`
 * is frame t. Fed by `stftFrames` (the pipeline: no spectrogram is ever held) or `feedFrames` (a
 * stored one, as the stage functions and tests use).
 */
export interface FrameConsumer {
  frame(mag: Float32Array, offset: number, t: number): void;
}

/**
 * The magnitude STFT of `samples`, exactly as `stft` computes it, handed to each consumer frame by
 * frame and never stored: a 3-minute song's spectrogram is 32 MB, the largest allocation of an
 * analysis. Returns the frame count.
 */
export function stftFrames(samples: Float32Array, opts: StftOptions, consumers: FrameConsumer[]): number {
  const nFrames = frameCount(samples.length, opts.hop);
  new StftStepper(opts, consumers).run(samples, nFrames);
  return nFrames;
}

/**
 * stftFrames in steps, for samples that are still arriving (the decoder's): `run(samples, end)` hands
 * frames [next, end) to the consumers. A frame reads only its own window, so a frame whose window lies
 * within the samples so far is the same frame as over the whole signal; `readyFrames` says how many
 * those are, and the last, zero-padded frames wait for the end (`frameCount` of the final length).
 */
export class StftStepper {
  /** the next frame to compute */
  next = 0;
  private readonly row: Float32Array;
  private readonly win: Float32Array;
  constructor(
    private readonly opts: StftOptions,
    private readonly consumers: FrameConsumer[],
  ) {
    const { nFft } = opts;
    if (!Number.isInteger(Math.log2(nFft))) throw new Error(`nFft must be a power of two, got ${nFft}`);
    this.row = new Float32Array(nFft / 2 + 1);
    this.win = hann(nFft);
  }

  /** Frames whose whole window lies within the first `available` samples. */
  readyFrames(available: number): number {
    const { nFft, hop } = this.opts;
    return available < nFft / 2 ? 0 : Math.floor((available - nFft / 2) / hop) + 1;
  }

  run(samples: Float32Array, end: number): void {
    const { hop, signal, power } = this.opts;
    const { row, win, consumers } = this;
    const plan = realFftPlan(this.opts.nFft);
    const frame = plan.input();
    for (let t = this.next; t < end; t++) {
      if ((t & 1023) === 0) throwIfAborted(signal);
      fillFrame(samples, t, hop, win, frame);
      if (power === true) plan.power(row, 0);
      else plan.magnitude(row, 0);
      for (const c of consumers) c.frame(row, 0, t);
      this.next = t + 1;
    }
  }
}

/** Every frame of a stored spectrogram to one consumer. */
export function feedFrames(spec: Spectrogram, consumer: FrameConsumer, signal?: AbortSignal): void {
  for (let t = 0; t < spec.nFrames; t++) {
    if ((t & 511) === 0) throwIfAborted(signal);
    consumer.frame(spec.mag, t * spec.nBins, t);
  }
}

/** Centre frequency in Hz of FFT bin k. */
export const binFrequency = (k: number, sr: number, nFft: number): number => (k * sr) / nFft;

/** Time in seconds of frame t (centred frames). */
export const frameTime = (t: number, sr: number, hop: number): number => (t * hop) / sr;
