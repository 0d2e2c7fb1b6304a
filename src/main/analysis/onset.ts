/**
 * Onset strength from the shared magnitude STFT: log-mel spectral flux (as librosa's
 * onset_strength), plus a low-frequency flux (kick / bass) and a coarse log-mel matrix kept for
 * the beat-synchronous features of the meter stage.
 */
import { feedFrames, type FrameConsumer } from './spectrum';
import type { Spectrogram } from './types';

export interface OnsetFeatures {
  /** frames per second of every envelope (sr / hop) */
  fps: number;
  nFrames: number;
  /** broadband onset strength, one value per STFT frame, >= 0 */
  env: Float32Array;
  /** onset strength of the bands below LOW_HZ only (kick drum, bass attacks) */
  low: Float32Array;
  /** onset strength of the bands above HIGH_HZ only (snare crack, claps, hi-hats; little of pitched notes) */
  high: Float32Array;
  /** coarse log-mel spectrum, frame-major nFrames * nBands, for timbre / harmony change */
  bands: Float32Array;
  nBands: number;
}

export interface OnsetOptions {
  nMels?: number;
  /** bands merged per coarse band in `bands` */
  coarse?: number;
  signal?: AbortSignal;
}

const LOW_HZ = 180;
/** above the fundamentals and strong partials of pitched instruments: snare crack, claps, hats */
const HIGH_HZ = 3000;
const TOP_DB = 80;
const DB_PER_LN = 10 / Math.LN10;

const hzToMel = (f: number): number => {
  // Slaney's mel scale (librosa htk=False): linear below 1 kHz, logarithmic above
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logstep = Math.log(6.4) / 27;
  return f < minLogHz ? f / fSp : minLogMel + Math.log(f / minLogHz) / logstep;
};
const melToHz = (m: number): number => {
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logstep = Math.log(6.4) / 27;
  return m < minLogMel ? m * fSp : minLogHz * Math.exp(logstep * (m - minLogMel));
};

interface SparseFilter {
  lo: number;
  weights: Float32Array;
  centreHz: number;
}

const filterCache = new Map<string, SparseFilter[]>();

/** Triangular Slaney-normalised mel filters, stored sparsely (first bin + weights). */
export function melFilters(sr: number, nFft: number, nMels: number): SparseFilter[] {
  const key = `${sr}/${nFft}/${nMels}`;
  const cached = filterCache.get(key);
  if (cached) return cached;
  const nBins = nFft / 2 + 1;
  const mMax = hzToMel(sr / 2);
  const edges = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i++) edges[i] = melToHz((mMax * i) / (nMels + 1));
  const filters: SparseFilter[] = [];
  for (let m = 0; m < nMels; m++) {
    const [f0, f1, f2] = [edges[m], edges[m + 1], edges[m + 2]];
    const enorm = 2 / (f2 - f0);
    const w: number[] = [];
    let lo = -1;
    for (let k = 0; k < nBins; k++) {
      const f = (k * sr) / nFft;
      const v = Math.max(0, Math.min((f - f0) / (f1 - f0), (f2 - f) / (f2 - f1)));
      if (v > 0) {
        if (lo < 0) lo = k;
        w[k - lo] = v * enorm;
      } else if (lo >= 0) break;
    }
    filters.push({ lo: Math.max(lo, 0), weights: Float32Array.from(w, (x) => x ?? 0), centreHz: f1 });
  }
  filterCache.set(key, filters);
  return filters;
}

/**
 * The onset features, built frame by frame (a `FrameConsumer`: the pipeline feeds it while the STFT
 * runs, so no spectrogram is held). `finish()` returns what `onsetFeatures` returns.
 */
export class OnsetBuilder implements FrameConsumer {
  private readonly nMels: number;
  private readonly coarse: number;
  private readonly nBins: number;
  private readonly nLow: number;
  private readonly highLo: number;
  private readonly nHigh: number;
  // the filterbank as pairs of neighbouring bands (m = 2p, 2p + 1) over the union of their bins,
  // each band's weights zero outside its own: one pass over those bins feeds two independent sums
  // (the adds of one sum wait on each other; two chains keep the CPU busy), and each sum adds its
  // band's products in the same order as alone (a leading 0·x leaves 0, a trailing one leaves s)
  private readonly pLo: Int32Array;
  private readonly pOff: Int32Array;
  private readonly pEven: Float32Array;
  private readonly pOdd: Float32Array;
  private readonly db: Float32Array;
  private readonly pow: Float32Array;
  private peak = -Infinity;
  constructor(
    private readonly sr: number,
    nFft: number,
    private readonly hop: number,
    private nFrames: number,
    opts: OnsetOptions = {},
  ) {
    const nMels = (this.nMels = opts.nMels ?? 128);
    this.coarse = opts.coarse ?? 4;
    this.nBins = nFft / 2 + 1;
    const filters = melFilters(sr, nFft, nMels);
    this.nLow = filters.filter((f) => f.centreHz < LOW_HZ).length;
    this.highLo = filters.findIndex((f) => f.centreHz >= HIGH_HZ);
    this.nHigh = this.highLo < 0 ? 0 : nMels - this.highLo;
    const nPairs = Math.ceil(nMels / 2);
    this.pLo = new Int32Array(nPairs);
    this.pOff = new Int32Array(nPairs + 1);
    // an odd band count leaves the last band alone: its partner has no weights
    const band = (m: number): { lo: number; weights: Float32Array } => filters[m] ?? filters[m - 1];
    for (let p = 0; p < nPairs; p++) {
      const [a, b] = [band(2 * p), band(2 * p + 1)];
      this.pLo[p] = Math.min(a.lo, b.lo);
      const hi = Math.max(a.lo + a.weights.length, b.lo + b.weights.length);
      this.pOff[p + 1] = this.pOff[p] + hi - this.pLo[p];
    }
    this.pEven = new Float32Array(this.pOff[nPairs]);
    this.pOdd = new Float32Array(this.pOff[nPairs]);
    for (let m = 0; m < nMels; m++) {
      const p = m >> 1;
      const f = filters[m];
      (m & 1 ? this.pOdd : this.pEven).set(f.weights, this.pOff[p] + f.lo - this.pLo[p]);
    }
    this.db = new Float32Array(nFrames * nMels);
    this.pow = new Float32Array(this.nBins);
  }
  frame(mag: Float32Array, base: number, t: number): void {
    const { nMels, nBins, pow, pLo, pOff, pEven, pOdd, db } = this;
    // four bins per step (the same squares): this loop runs for every bin of every frame
    let k = 0;
    for (; k + 4 <= nBins; k += 4) {
      const a0 = mag[base + k];
      const a1 = mag[base + k + 1];
      const a2 = mag[base + k + 2];
      const a3 = mag[base + k + 3];
      pow[k] = a0 * a0;
      pow[k + 1] = a1 * a1;
      pow[k + 2] = a2 * a2;
      pow[k + 3] = a3 * a3;
    }
    for (; k < nBins; k++) {
      const a = mag[base + k];
      pow[k] = a * a;
    }
    let peak = this.peak;
    const row = t * nMels;
    for (let p = 0, m = 0; m < nMels; p++, m += 2) {
      let even = 0;
      let odd = 0;
      const end = pOff[p + 1];
      for (let j = pOff[p], k = pLo[p]; j < end; j++, k++) {
        const x = pow[k];
        even += pEven[j] * x;
        odd += pOdd[j] * x;
      }
      const v = DB_PER_LN * Math.log(even > 1e-10 ? even : 1e-10);
      db[row + m] = v;
      if (v > peak) peak = v;
      if (m + 1 < nMels) {
        const w = DB_PER_LN * Math.log(odd > 1e-10 ? odd : 1e-10);
        db[row + m + 1] = w;
        if (w > peak) peak = w;
      }
    }
    this.peak = peak;
  }
  /**
   * Fewer frames came than the builder was made for (a stream sized from the container's declared
   * length): finish() reads only the first n.
   */
  setFrames(n: number): void {
    if (n > this.nFrames) throw new Error(`${n} frames do not fit a builder made for ${this.nFrames}`);
    this.nFrames = n;
  }
  finish(): OnsetFeatures {
    const { nMels, nFrames, nLow, highLo, nHigh, db, coarse } = this;
    // clip the dynamic range like power_to_db(top_db=80): silence must not create flux from noise
    const floor = this.peak - TOP_DB;
    for (let i = 0, n = nFrames * nMels; i < n; i++) if (db[i] < floor) db[i] = floor;

    const env = new Float32Array(nFrames);
    const low = new Float32Array(nFrames);
    const high = new Float32Array(nFrames);
    for (let t = 1; t < nFrames; t++) {
      const cur = t * nMels;
      const prev = cur - nMels;
      let s = 0;
      let sl = 0;
      let sh = 0;
      // the low bands first (they feed both sums), then the rest: same summation order as one loop
      for (let m = 0; m < nLow; m++) {
        const d = db[cur + m] - db[prev + m];
        if (d > 0) {
          s += d;
          sl += d;
        }
      }
      for (let m = nLow; m < nMels; m++) {
        const d = db[cur + m] - db[prev + m];
        if (d > 0) {
          s += d;
          if (m >= highLo) sh += d;
        }
      }
      env[t] = s / nMels;
      low[t] = nLow > 0 ? sl / nLow : 0;
      high[t] = nHigh > 0 ? sh / nHigh : 0;
    }

    const nBands = Math.ceil(nMels / coarse);
    const bands = new Float32Array(nFrames * nBands);
    for (let t = 0; t < nFrames; t++) {
      const row = t * nMels;
      for (let b = 0; b < nBands; b++) {
        let s = 0;
        const lo = b * coarse;
        const hi = Math.min(nMels, lo + coarse);
        for (let m = lo; m < hi; m++) s += db[row + m];
        bands[t * nBands + b] = s / (hi - lo) - floor;
      }
    }
    return { fps: this.sr / this.hop, nFrames, env, low, high, bands, nBands };
  }
}

export function onsetFeatures(spec: Spectrogram, opts: OnsetOptions = {}): OnsetFeatures {
  const b = new OnsetBuilder(spec.sr, spec.nFft, spec.hop, spec.nFrames, opts);
  feedFrames(spec, b, opts.signal);
  return b.finish();
}

/** Semitone bands of the pitched onset envelope: G2 (98 Hz) … B7 (3951 Hz). */
const PITCH_LO_MIDI = 43;
const PITCH_HI_MIDI = 107;
/** SuperFlux (Böck & Widmer 2013): frames between the compared spectra, and the frequency max filter (bands). */
const SUPERFLUX_LAG = 2;
const SUPERFLUX_MAXF = 1;

export interface PitchedFluxOptions {
  signal?: AbortSignal;
}

/**
 * Onset strength of pitched notes: SuperFlux over a semitone-band log spectrum. A soft-attack note
 * (strings, choir, harp, organ) changes the energy of its own semitone bands even when the
 * broadband level stays flat, and the comparison with the maximum of the neighbouring bands
 * `SUPERFLUX_LAG` frames back ignores vibrato and slow glides. One value per STFT frame, >= 0.
 */
export class PitchedFluxBuilder implements FrameConsumer {
  private readonly nBands = PITCH_HI_MIDI - PITCH_LO_MIDI + 1;
  private readonly nBins: number;
  private readonly band: Int16Array;
  private readonly db: Float32Array;
  private readonly acc: Float64Array;
  private peak = -Infinity;
  constructor(
    sr: number,
    nFft: number,
    private readonly nFrames: number,
  ) {
    const nBins = (this.nBins = nFft / 2 + 1);
    // each bin to its nearest semitone band (bins below the lowest band's resolution are skipped)
    this.band = new Int16Array(nBins).fill(-1);
    for (let k = 1; k < nBins; k++) {
      const m = Math.round(69 + 12 * Math.log2((k * sr) / nFft / 440));
      if (m >= PITCH_LO_MIDI && m <= PITCH_HI_MIDI) this.band[k] = m - PITCH_LO_MIDI;
    }
    this.db = new Float32Array(nFrames * this.nBands);
    this.acc = new Float64Array(this.nBands);
  }
  frame(mag: Float32Array, base: number, t: number): void {
    const { acc, band, nBins, nBands, db } = this;
    acc.fill(0);
    for (let k = 1; k < nBins; k++) {
      const b = band[k];
      if (b >= 0) {
        const a = mag[base + k];
        acc[b] += a * a;
      }
    }
    for (let b = 0; b < nBands; b++) {
      const v = DB_PER_LN * Math.log(acc[b] > 1e-10 ? acc[b] : 1e-10);
      db[t * nBands + b] = v;
      if (v > this.peak) this.peak = v;
    }
  }
  finish(): Float32Array {
    const { db, nBands, nFrames } = this;
    const floor = this.peak - TOP_DB;
    for (let i = 0; i < db.length; i++) if (db[i] < floor) db[i] = floor;
    const out = new Float32Array(nFrames);
    for (let t = SUPERFLUX_LAG; t < nFrames; t++) {
      const cur = t * nBands;
      const prev = (t - SUPERFLUX_LAG) * nBands;
      let s = 0;
      for (let b = 0; b < nBands; b++) {
        let ref = db[prev + b];
        for (let j = 1; j <= SUPERFLUX_MAXF; j++) {
          if (b - j >= 0 && db[prev + b - j] > ref) ref = db[prev + b - j];
          if (b + j < nBands && db[prev + b + j] > ref) ref = db[prev + b + j];
        }
        const d = db[cur + b] - ref;
        if (d > 0) s += d;
      }
      out[t] = s / nBands;
    }
    return out;
  }
}

export function pitchedFlux(spec: Spectrogram, opts: PitchedFluxOptions = {}): Float32Array {
  const b = new PitchedFluxBuilder(spec.sr, spec.nFft, spec.nFrames);
  feedFrames(spec, b, opts.signal);
  return b.finish();
}
