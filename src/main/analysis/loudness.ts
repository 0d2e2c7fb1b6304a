/**
 * EBU R128 / ITU-R BS.1770-4 loudness, measured streaming at the file's native rate and channel count:
 * integrated loudness (400 ms blocks, 75 % overlap, −70 LUFS absolute and −10 LU relative gates),
 * loudness range (EBU Tech 3342: 3 s short-term windows every 100 ms, −20 LU relative gate,
 * 10th–95th percentile), true peak (BS.1770-4 Annex 2 4× polyphase FIR), sample peak and
 * ReplayGain 2.0 track gain (−18 LUFS reference).
 */
import type { z } from 'zod';
import type { LoudnessSchema, StageStatus } from '../../shared/songmap';
import { stereoSimdKernel } from './kweight-simd';

export type Loudness = z.output<typeof LoudnessSchema>;

/**
 * The stereo K-weighting loop: frames [from, from + len) of interleaved stereo x through the shelf
 * and high-pass (state: [s1 s2 t1 t2] of the left channel, then of the right), each channel's Σ z²
 * added to energy[0] / energy[1], each 32-frame block's |x| maxima merged into bm[b] / bm[nBlocks + b].
 */
export type StereoKernel = (
  x: Float32Array,
  from: number,
  len: number,
  bm: Float32Array,
  nBlocks: number,
  shelf: Biquad,
  hp: Biquad,
  state: Float64Array,
  energy: Float64Array,
) => void;

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * K-weighting for any sample rate: the pre-filter (high shelf) and RLB high-pass of BS.1770, derived
 * from their analog prototypes (the constants libebur128 uses), so 44.1 kHz is as exact as 48 kHz.
 */
export function kWeighting(sr: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sr);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sr);
  a0 = 1 + K / Q + K * K;
  const highpass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
  return [shelf, highpass];
}

/** BS.1770 channel weights for the usual layouts (L R C LFE Ls Rs): LFE excluded, surrounds +1.5 dB. */
export function channelWeights(channels: number): Float64Array {
  const w = new Float64Array(channels).fill(1);
  if (channels === 6 || channels === 8) {
    w[3] = 0;
    for (let c = 4; c < channels; c++) w[c] = 1.41;
  } else if (channels === 5) {
    w[3] = 1.41;
    w[4] = 1.41;
  }
  return w;
}

/** ITU-R BS.1770-4 Annex 2: 48-tap interpolation filter as 4 phases of 12 taps. */
const TP_PHASES: readonly (readonly number[])[] = [
  [
    0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875, 0.1373291015625,
    0.97216796875, -0.102294921875, 0.047607421875, -0.026611328125, 0.014892578125, -0.00830078125,
  ],
  [
    -0.0291748046875, 0.029296875, -0.0517578125, 0.089111328125, -0.16650390625, 0.465087890625,
    0.77978515625, -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375,
  ],
  [
    -0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625, -0.2003173828125, 0.77978515625,
    0.465087890625, -0.16650390625, 0.089111328125, -0.0517578125, 0.029296875, -0.0291748046875,
  ],
  [
    -0.00830078125, 0.014892578125, -0.026611328125, 0.047607421875, -0.102294921875, 0.97216796875,
    0.1373291015625, -0.0594482421875, 0.033203125, -0.0196533203125, 0.010986328125, 0.001708984375,
  ],
];
const TP_TAPS = 12;
/** max over phases of Σ|h|: an interpolated value never exceeds this × the largest |x| in its window */
const TP_GAIN_BOUND = Math.max(...TP_PHASES.map((p) => p.reduce((s, v) => s + Math.abs(v), 0)));
const TP_BLOCK = 32;
/** candidate pool cap in samples (8 MB): beyond it pending blocks are filtered early */
const TP_POOL_MAX = 1 << 21;

const ABS_GATE = -70;
const LUFS_OFFSET = -0.691;

const lufs = (meanSquare: number): number => LUFS_OFFSET + 10 * Math.log10(meanSquare);

export interface LoudnessMeasurement {
  /** null when every block is below the −70 LUFS absolute gate (silence) */
  integratedLufs: number | null;
  /** null when fewer than two short-term windows survive the gates */
  lra: number | null;
  truePeak: number;
  samplePeak: number;
  /** number of 400 ms blocks that passed both gates */
  gatedBlocks: number;
  durationSec: number;
}

/**
 * Largest |4×-oversampled value| over outputs j in [from, to) of `buf` (output j filters buf[j-11..j]),
 * or `tp` if none is larger. ITU-R BS.1770-4 Annex 2 coefficients, unrolled.
 */
function firPeak(buf: Float32Array, from: number, to: number, tp: number): number {
  const ext = buf;
  const end = to;
  let j = from;
  // the 12-sample window lives in locals and slides by one sample per step (v0 = newest)
  let v1 = ext[j - 1],
    v2 = ext[j - 2],
    v3 = ext[j - 3],
    v4 = ext[j - 4],
    v5 = ext[j - 5],
    v6 = ext[j - 6],
    v7 = ext[j - 7],
    v8 = ext[j - 8],
    v9 = ext[j - 9],
    v10 = ext[j - 10],
    v11 = ext[j - 11];
  for (; j < end; j++) {
    const v0 = ext[j];
    const y0 =
      0.001708984375 * v0 +
      0.010986328125 * v1 +
      -0.0196533203125 * v2 +
      0.033203125 * v3 +
      -0.0594482421875 * v4 +
      0.1373291015625 * v5 +
      0.97216796875 * v6 +
      -0.102294921875 * v7 +
      0.047607421875 * v8 +
      -0.026611328125 * v9 +
      0.014892578125 * v10 +
      -0.00830078125 * v11;
    const y1 =
      -0.0291748046875 * v0 +
      0.029296875 * v1 +
      -0.0517578125 * v2 +
      0.089111328125 * v3 +
      -0.16650390625 * v4 +
      0.465087890625 * v5 +
      0.77978515625 * v6 +
      -0.2003173828125 * v7 +
      0.1015625 * v8 +
      -0.0582275390625 * v9 +
      0.0330810546875 * v10 +
      -0.0189208984375 * v11;
    const y2 =
      -0.0189208984375 * v0 +
      0.0330810546875 * v1 +
      -0.0582275390625 * v2 +
      0.1015625 * v3 +
      -0.2003173828125 * v4 +
      0.77978515625 * v5 +
      0.465087890625 * v6 +
      -0.16650390625 * v7 +
      0.089111328125 * v8 +
      -0.0517578125 * v9 +
      0.029296875 * v10 +
      -0.0291748046875 * v11;
    const y3 =
      -0.00830078125 * v0 +
      0.014892578125 * v1 +
      -0.026611328125 * v2 +
      0.047607421875 * v3 +
      -0.102294921875 * v4 +
      0.97216796875 * v5 +
      0.1373291015625 * v6 +
      -0.0594482421875 * v7 +
      0.033203125 * v8 +
      -0.0196533203125 * v9 +
      0.010986328125 * v10 +
      0.001708984375 * v11;
    const m = Math.max(y0 < 0 ? -y0 : y0, y1 < 0 ? -y1 : y1, y2 < 0 ? -y2 : y2, y3 < 0 ? -y3 : y3);
    if (m > tp) tp = m;
    v11 = v10;
    v10 = v9;
    v9 = v8;
    v8 = v7;
    v7 = v6;
    v6 = v5;
    v5 = v4;
    v4 = v3;
    v3 = v2;
    v2 = v1;
    v1 = v0;
  }
  return tp;
}

/** Largest |x| of each 32-frame block of channel c (stride C) into out[off …]. */
function blockMaxChannel(
  x: Float32Array,
  n: number,
  c: number,
  C: number,
  out: Float32Array,
  off: number,
): void {
  const nBlocks = Math.ceil(n / TP_BLOCK);
  for (let b = 0; b < nBlocks; b++) {
    const end = Math.min(n, (b + 1) * TP_BLOCK) * C + c;
    let m = 0;
    for (let j = b * TP_BLOCK * C + c; j < end; j += C) {
      const v = x[j];
      const a = v < 0 ? -v : v;
      if (a > m) m = a;
    }
    out[off + b] = m;
  }
}

/** blockMaxChannel for both channels of a stereo chunk in one pass: left to out[0 …], right to out[nBlocks …]. */
function blockMaxStereo(x: Float32Array, n: number, out: Float32Array, nBlocks: number): void {
  for (let b = 0; b < nBlocks; b++) {
    const end = Math.min(n, (b + 1) * TP_BLOCK) * 2;
    let ml = 0;
    let mr = 0;
    for (let j = b * TP_BLOCK * 2; j < end; j += 2) {
      const l = x[j];
      const r = x[j + 1];
      const al = l < 0 ? -l : l;
      const ar = r < 0 ? -r : r;
      if (al > ml) ml = al;
      if (ar > mr) mr = ar;
    }
    out[b] = ml;
    out[nBlocks + b] = mr;
  }
}

/*
 * The K-weighting filter loops are module-level functions over typed arrays, not methods of the
 * meter: a new meter is made per file, its hidden class need not be the previous meter's, and a
 * method's optimised code, which checks it, was dropped file after file (the loop then running in
 * the interpreter, where every intermediate number is a heap allocation). These keep theirs.
 */

/**
 * K-weighted energy of channel c (of C) over frames [from, from + len), read in place; `state` holds
 * each channel's biquad state [s1, s2] of the shelf then the high-pass (transposed direct form II).
 */
function filterEnergy(
  x: Float32Array,
  from: number,
  len: number,
  c: number,
  C: number,
  shelf: Biquad,
  hp: Biquad,
  state: Float64Array,
): number {
  const s = state;
  const o = c * 4;
  const { b0, b1, b2, a1, a2 } = shelf;
  const hb0 = hp.b0;
  const hb1 = hp.b1;
  const hb2 = hp.b2;
  const ha1 = hp.a1;
  const ha2 = hp.a2;
  let s1 = s[o];
  let s2 = s[o + 1];
  let t1 = s[o + 2];
  let t2 = s[o + 3];
  let e = 0;
  const end = (from + len) * C + c;
  for (let i = from * C + c; i < end; i += C) {
    const v = x[i];
    const y = b0 * v + s1;
    s1 = b1 * v - a1 * y + s2;
    s2 = b2 * v - a2 * y;
    const z = hb0 * y + t1;
    t1 = hb1 * y - ha1 * z + t2;
    t2 = hb2 * y - ha2 * z;
    e += z * z;
  }
  s[o] = s1;
  s[o + 1] = s2;
  s[o + 2] = t1;
  s[o + 3] = t2;
  return e;
}

/**
 * filterEnergy for both channels of a stereo chunk in one loop, the energies added to
 * energy[0] and energy[1]. Each channel's recursion is latency-bound; running the two independent
 * recursions side by side lets the CPU overlap them (≈ 2× throughput). Per channel the arithmetic
 * and its order are those of filterEnergy.
 */
const filterEnergyStereo: StereoKernel = (x, from, len, bm, nBlocks, shelf, hp, state, energy) => {
  const s = state;
  const { b0, b1, b2, a1, a2 } = shelf;
  const hb0 = hp.b0;
  const hb1 = hp.b1;
  const hb2 = hp.b2;
  const ha1 = hp.a1;
  const ha2 = hp.a2;
  let ls1 = s[0];
  let ls2 = s[1];
  let lt1 = s[2];
  let lt2 = s[3];
  let rs1 = s[4];
  let rs2 = s[5];
  let rt1 = s[6];
  let rt2 = s[7];
  let el = 0;
  let er = 0;
  // runs that end on 32-frame block boundaries: each block's maxima (|x|, per channel) merge into
  // bm (a block can straddle two calls, at a 100 ms step boundary)
  const endF = from + len;
  let f = from;
  while (f < endF) {
    const b = (f / TP_BLOCK) | 0;
    const runEnd = Math.min(endF, (b + 1) * TP_BLOCK);
    let ml = bm[b];
    let mr = bm[nBlocks + b];
    for (let i = 2 * f, e = 2 * runEnd; i < e; i += 2) {
      const vl = x[i];
      const vr = x[i + 1];
      const al = vl < 0 ? -vl : vl;
      const ar = vr < 0 ? -vr : vr;
      if (al > ml) ml = al;
      if (ar > mr) mr = ar;
      const yl = b0 * vl + ls1;
      const yr = b0 * vr + rs1;
      ls1 = b1 * vl - a1 * yl + ls2;
      rs1 = b1 * vr - a1 * yr + rs2;
      ls2 = b2 * vl - a2 * yl;
      rs2 = b2 * vr - a2 * yr;
      const zl = hb0 * yl + lt1;
      const zr = hb0 * yr + rt1;
      lt1 = hb1 * yl - ha1 * zl + lt2;
      rt1 = hb1 * yr - ha1 * zr + rt2;
      lt2 = hb2 * yl - ha2 * zl;
      rt2 = hb2 * yr - ha2 * zr;
      el += zl * zl;
      er += zr * zr;
    }
    bm[b] = ml;
    bm[nBlocks + b] = mr;
    f = runEnd;
  }
  s[0] = ls1;
  s[1] = ls2;
  s[2] = lt1;
  s[3] = lt2;
  s[4] = rs1;
  s[5] = rs2;
  s[6] = rt1;
  s[7] = rt2;
  energy[0] += el;
  energy[1] += er;
};

export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly weights: Float64Array;
  private readonly shelf: Biquad;
  private readonly hp: Biquad;
  /** the stereo loop: WebAssembly SIMD where the runtime has it, else filterEnergyStereo (equal bits) */
  private readonly stereoKernel: StereoKernel;
  /** biquad state per channel: [s1, s2] of shelf then high-pass (transposed direct form II) */
  private readonly state: Float64Array;
  private readonly step: number;
  private stepFill = 0;
  private readonly stepEnergy: Float64Array;
  /** per-100 ms weighted energy sums (Σ_c G_c Σ y²), grown as needed */
  private steps = new Float64Array(1024);
  private nSteps = 0;
  private samplePeak = 0;
  private truePeak = 0;
  /** last TP_TAPS - 1 samples per channel, to continue the interpolator across chunks */
  private readonly tpHistory: Float32Array[];
  private frames = 0;
  /** reused scratch: block maxima */
  private blockMax = new Float32Array(0);
  /** candidate blocks for the true-peak FIR: samples (with 11 of history each), offsets, outputs, bounds */
  private cand = new Float32Array(1 << 16);
  private candLen = 0;
  private candOff: number[] = [];
  private candCount: number[] = [];
  private candBound: number[] = [];

  /** `simd: false` runs the JavaScript loop (the reference, for tests and the bench) */
  constructor(sampleRate: number, channels: number, opts: { simd?: boolean } = {}) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.weights = channelWeights(channels);
    [this.shelf, this.hp] = kWeighting(sampleRate);
    this.stereoKernel = (opts.simd !== false && stereoSimdKernel()) || filterEnergyStereo;
    this.state = new Float64Array(channels * 4);
    this.step = Math.round(sampleRate / 10);
    this.stepEnergy = new Float64Array(channels);
    this.tpHistory = Array.from({ length: channels }, () => new Float32Array(TP_TAPS - 1));
  }

  /** Feeds interleaved samples (length a multiple of `channels`). */
  push(interleaved: Float32Array): void {
    const C = this.channels;
    const n = Math.floor(interleaved.length / C);
    if (n === 0) return;
    const nBlocks = Math.ceil(n / TP_BLOCK);
    if (this.blockMax.length < C * nBlocks) this.blockMax = new Float32Array(C * nBlocks);
    // stereo: the filter loop also takes the 32-frame block maxima (one pass over the chunk)
    if (C === 2) this.blockMax.fill(0, 0, 2 * nBlocks);
    let done = 0;
    while (done < n) {
      const len = Math.min(n - done, this.step - this.stepFill);
      if (C === 2) {
        const { blockMax, shelf, hp, state, stepEnergy } = this;
        this.stereoKernel(interleaved, done, len, blockMax, nBlocks, shelf, hp, state, stepEnergy);
      } else {
        for (let c = 0; c < C; c++)
          this.stepEnergy[c] += filterEnergy(interleaved, done, len, c, C, this.shelf, this.hp, this.state);
      }
      done += len;
      this.stepFill += len;
      if (this.stepFill === this.step) this.closeStep();
    }
    this.peaksAll(interleaved, n, C === 2);
    this.frames += n;
  }

  private closeStep(): void {
    let sum = 0;
    for (let c = 0; c < this.channels; c++) {
      sum += this.weights[c] * this.stepEnergy[c];
      this.stepEnergy[c] = 0;
    }
    if (this.nSteps === this.steps.length) {
      const next = new Float64Array(this.steps.length * 2);
      next.set(this.steps);
      this.steps = next;
    }
    this.steps[this.nSteps++] = sum;
    this.stepFill = 0;
  }

  /** Sample peak and candidate blocks of every channel of an interleaved chunk of n frames. */
  private peaksAll(x: Float32Array, n: number, maximaReady = false): void {
    const C = this.channels;
    const nBlocks = Math.ceil(n / TP_BLOCK);
    if (this.blockMax.length < C * nBlocks) this.blockMax = new Float32Array(C * nBlocks);
    const bm = this.blockMax;
    // each 32-sample block's own max, read in place from the interleaved chunk (no channel copy:
    // only the few candidate blocks are ever copied out); stereo in one pass
    if (maximaReady) {
      // already taken by filterEnergyStereo
    } else if (C === 2) blockMaxStereo(x, n, bm, nBlocks);
    else for (let c = 0; c < C; c++) blockMaxChannel(x, n, c, C, bm, c * nBlocks);
    let sp = this.samplePeak;
    for (let i = 0; i < C * nBlocks; i++) if (bm[i] > sp) sp = bm[i];
    this.samplePeak = sp;
    for (let c = 0; c < C; c++) this.peaks(x, n, c, bm.subarray(c * nBlocks, (c + 1) * nBlocks));
  }

  /**
   * True-peak candidates of one channel's chunk. The 4× interpolation is the costly part, so a
   * block is skipped when the bound Σ|h| × (largest |x| its filter windows can see) cannot beat the
   * true peak found so far; blocks are visited loudest first so the bound bites early. The result is
   * exactly that of filtering every sample.
   */
  private peaks(x: Float32Array, n: number, c: number, own: Float32Array): void {
    const stride = this.channels;
    const hist = this.tpHistory[c];
    const H = TP_TAPS - 1;
    const nBlocks = own.length;
    const sp = this.samplePeak;
    let histMax = 0;
    for (let i = 0; i < H; i++) histMax = Math.max(histMax, Math.abs(hist[i]));
    // Candidates: blocks whose bound beats what is known so far (the true peak is never below the sample
    // peak). They are kept and filtered at the end, loudest first, once the song's peak is known, which
    // skips ~97 % of the FIR work on music; the pool is bounded, so a long file flushes it early.
    const floor = Math.max(this.truePeak, sp);
    let prev = histMax;
    for (let b = 0; b < nBlocks; b++) {
      // a block's outputs see its own samples and the 11 before them, all inside the previous block
      // (11 < 32) or the history: the larger of the two maxima bounds the window
      const cur = own[b];
      const bound = (cur > prev ? cur : prev) * TP_GAIN_BOUND;
      prev = cur;
      if (bound <= floor) continue;
      const from = b * TP_BLOCK;
      this.addCandidate(x, c, stride, hist, from - H, Math.min(n, from + TP_BLOCK), bound);
    }
    // the history is the last H samples of (history + chunk)
    if (n >= H) {
      for (let i = 0; i < H; i++) hist[i] = x[(n - H + i) * stride + c];
    } else {
      hist.copyWithin(0, n);
      for (let i = 0; i < n; i++) hist[H - n + i] = x[i * stride + c];
    }
  }

  /**
   * Queues channel c's samples [from, to) of the chunk (negative indices come from the history) for the
   * FIR; the first TP_TAPS − 1 of them only prime the filter.
   */
  private addCandidate(
    x: Float32Array,
    c: number,
    stride: number,
    hist: Float32Array,
    from: number,
    to: number,
    bound: number,
  ): void {
    const len = to - from;
    if (this.candLen + len > this.cand.length) {
      if (this.candLen + len > TP_POOL_MAX) this.flushCandidates();
      if (this.candLen + len > this.cand.length) {
        const next = new Float32Array(
          Math.min(TP_POOL_MAX, Math.max(this.cand.length * 2, this.candLen + len)),
        );
        next.set(this.cand.subarray(0, this.candLen));
        this.cand = next;
      }
    }
    const H = TP_TAPS - 1;
    const cand = this.cand;
    let w = this.candLen;
    for (let i = from; i < to; i++) cand[w++] = i < 0 ? hist[H + i] : x[i * stride + c];
    this.candOff.push(this.candLen);
    this.candCount.push(len - H);
    this.candBound.push(bound);
    this.candLen += len;
  }

  /** Runs the FIR on pending candidate blocks, highest bound first, until no bound can beat the peak. */
  private flushCandidates(): void {
    const bound = this.candBound;
    // the comparator returns a sign, not the difference: a fractional result is boxed into a new heap
    // number on every comparison
    const idx = bound
      .map((_, i) => i)
      .sort((a, b) => (bound[b] > bound[a] ? 1 : bound[b] < bound[a] ? -1 : 0));
    let tp = Math.max(this.truePeak, this.samplePeak);
    for (const i of idx) {
      if (this.candBound[i] <= tp) break;
      const from = this.candOff[i] + TP_TAPS - 1;
      tp = firPeak(this.cand, from, from + this.candCount[i], tp);
    }
    this.truePeak = Math.max(this.truePeak, tp);
    this.candLen = 0;
    this.candOff = [];
    this.candCount = [];
    this.candBound = [];
  }

  /** Completes the measurement; partial trailing blocks are not counted (as in BS.1770). */
  result(): LoudnessMeasurement {
    const steps = this.steps.subarray(0, this.nSteps);
    const norm400 = 4 * this.step;
    const blocks: number[] = [];
    for (let j = 0; j + 4 <= steps.length; j++) {
      blocks.push((steps[j] + steps[j + 1] + steps[j + 2] + steps[j + 3]) / norm400);
    }
    const integrated = gatedLoudness(blocks, 10);
    const norm3s = 30 * this.step;
    const st: number[] = [];
    let acc = 0;
    for (let j = 0; j < steps.length; j++) {
      acc += steps[j];
      if (j >= 30) acc -= steps[j - 30];
      if (j >= 29) st.push(Math.max(0, acc) / norm3s);
    }
    // the truePeak FIR still holds the last samples; flush it with zeros
    if (this.frames > 0) {
      const zeros = new Float32Array((TP_TAPS - 1) * this.channels);
      this.peaksAll(zeros, TP_TAPS - 1);
      this.flushCandidates();
    }
    return {
      integratedLufs: integrated.lufs,
      gatedBlocks: integrated.count,
      lra: loudnessRange(st),
      truePeak: Math.max(this.truePeak, this.samplePeak),
      samplePeak: this.samplePeak,
      durationSec: this.frames / this.sampleRate,
    };
  }
}

/** BS.1770 two-stage gating over mean-square blocks; relGate in LU below the absolute-gated mean. */
function gatedLoudness(blocks: number[], relGate: number): { lufs: number | null; count: number } {
  const absMin = 10 ** ((ABS_GATE - LUFS_OFFSET) / 10);
  let sum = 0;
  let n = 0;
  for (const z of blocks) {
    if (z > absMin) {
      sum += z;
      n++;
    }
  }
  if (n === 0) return { lufs: null, count: 0 };
  const rel = lufs(sum / n) - relGate;
  const relMin = 10 ** ((rel - LUFS_OFFSET) / 10);
  let sum2 = 0;
  let n2 = 0;
  for (const z of blocks) {
    if (z > absMin && z > relMin) {
      sum2 += z;
      n2++;
    }
  }
  return n2 === 0 ? { lufs: null, count: 0 } : { lufs: lufs(sum2 / n2), count: n2 };
}

/** EBU Tech 3342 loudness range from short-term mean squares. */
function loudnessRange(shortTerm: number[]): number | null {
  const absMin = 10 ** ((ABS_GATE - LUFS_OFFSET) / 10);
  const passed = shortTerm.filter((z) => z > absMin);
  if (passed.length < 2) return null;
  const mean = passed.reduce((s, z) => s + z, 0) / passed.length;
  const relMin = mean * 10 ** (-20 / 10);
  const l = passed
    .filter((z) => z > relMin)
    .map(lufs)
    .sort((a, b) => a - b);
  if (l.length < 2) return null;
  const pick = (q: number): number => l[Math.round((l.length - 1) * q)];
  return pick(0.95) - pick(0.1);
}

const dB = (lin: number): number => 20 * Math.log10(lin);
const round = (v: number, decimals: number): number => Number(v.toFixed(decimals));

/**
 * The song-map loudness block and its stage status. Silence (nothing above the absolute gate) has no
 * defined integrated loudness: the stage fails instead of reporting −∞ or an invented number.
 */
export function loudnessResult(m: LoudnessMeasurement): { loudness: Loudness | null; stage: StageStatus } {
  if (m.integratedLufs === null) {
    return {
      loudness: null,
      stage: { status: 'failed', reason: 'no audio above the −70 LUFS absolute gate (silence or too short)' },
    };
  }
  const degraded = m.lra === null || m.samplePeak === 0;
  return {
    loudness: {
      integrated_lufs: round(m.integratedLufs, 2),
      lra: round(m.lra ?? 0, 2),
      true_peak_dbtp: round(dB(m.truePeak), 2),
      sample_peak_dbfs: round(dB(m.samplePeak), 2),
      replaygain_track_gain_db: round(-18 - m.integratedLufs, 2),
      replaygain_track_peak: round(m.samplePeak, 6),
    },
    stage: degraded
      ? {
          status: 'degraded',
          reason: 'loudness range needs at least 3 s of audio above the gates; reported as 0',
        }
      : { status: 'ok' },
  };
}
