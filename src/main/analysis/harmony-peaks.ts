/**
 * Spectral peaks of the harmony spectrum, with parabolic interpolation of frequency and magnitude.
 * Both tuning and chroma work on peaks rather than raw bins: a peak's interpolated frequency is far
 * more precise than its bin (tuning needs a few cents), and broadband energy (drums, noise) that
 * does not form a clear peak above its neighbourhood never reaches the chroma.
 */
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

export function spectralPeaks(spec: Spectrogram, opts: PeakOptions = DEFAULT_PEAKS): SpectralPeaks {
  const { nFrames, nBins, mag, sr, nFft } = spec;
  let globalMax = 0;
  for (let i = 0; i < mag.length; i++) if (mag[i] > globalMax) globalMax = mag[i];
  const kLo = Math.max(2, Math.floor((opts.fMin * nFft) / sr));
  const kHi = Math.min(nBins - 3, Math.ceil((opts.fMax * nFft) / sr));
  const abs = globalMax * opts.floor;
  const offsets = new Uint32Array(nFrames + 1);
  // grown on demand: a typical frame has 10–60 peaks
  let cap = Math.max(1024, nFrames * 32);
  let freq = new Float32Array(cap);
  let pmag = new Float32Array(cap);
  let n = 0;
  const nb = opts.neighbourhood;
  const binHz = sr / nFft;
  // per-frame prefix sums make each candidate's neighbourhood mean O(1); only local maxima need it
  const prefix = new Float64Array(nBins + 1);
  for (let t = 0; t < nFrames; t++) {
    if ((t & 255) === 0) throwIfAborted(opts.signal);
    offsets[t] = n;
    if (globalMax === 0) continue;
    const base = t * nBins;
    const pLo = Math.max(0, kLo - nb);
    const pHi = Math.min(nBins - 1, kHi + nb);
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
      if (b < opts.prominence * mean) continue;
      // parabolic interpolation on log magnitude (close to exact for a Hann main lobe)
      const la = Math.log(a + 1e-12);
      const lb = Math.log(b);
      const lc = Math.log(c + 1e-12);
      const den = la - 2 * lb + lc;
      const d = den < 0 ? (0.5 * (la - lc)) / den : 0;
      if (n >= cap) {
        cap *= 2;
        const f2 = new Float32Array(cap);
        f2.set(freq);
        freq = f2;
        const m2 = new Float32Array(cap);
        m2.set(pmag);
        pmag = m2;
      }
      freq[n] = (k + d) * binHz;
      pmag[n] = Math.exp(lb - 0.25 * (la - lc) * d);
      n++;
    }
  }
  offsets[nFrames] = n;
  return {
    nFrames,
    hopSec: spec.hop / sr,
    offsets,
    freq: freq.subarray(0, n),
    mag: pmag.subarray(0, n),
    globalMax,
  };
}
