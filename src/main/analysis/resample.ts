/**
 * Streaming polyphase windowed-sinc resampler (Kaiser window) for one channel.
 * The output is aligned with the input (sample 0 maps to time 0: no group delay), which keeps beat
 * times exact. Rates are reduced to L/M; up to MAX_PHASES phases are tabulated exactly, beyond that
 * the phase is quantised to MAX_PHASES steps (timing error < 1/MAX_PHASES of an input sample).
 */

const MAX_PHASES = 2048;

export interface ResamplerOptions {
  /** zero crossings of the sinc on each side, at the lower of the two rates (quality vs speed) */
  zeroCrossings?: number;
  /** passband edge as a fraction of the lower Nyquist frequency */
  rolloff?: number;
  kaiserBeta?: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  private readonly L: number;
  private readonly M: number;
  private readonly phases: number;
  private readonly taps: number;
  /** phases × taps, tap j of phase p weighs input sample floor(pos) - half + 1 + j */
  private readonly table: Float32Array;
  /** for a single-phase table with zero taps: the non-zero taps only (offset, weight) */
  private readonly sparseIdx: Int32Array | null = null;
  private readonly sparseW: Float32Array | null = null;
  private readonly half: number;
  /** pending input, starting at absolute input index `bufStart` */
  private buf: Float32Array;
  private bufLen = 0;
  private bufStart: number;
  /** next output index */
  private k = 0;
  private inCount = 0;
  private flushed = false;

  constructor(inRate: number, outRate: number, opts: ResamplerOptions = {}) {
    if (!(inRate > 0 && outRate > 0) || !Number.isInteger(inRate) || !Number.isInteger(outRate)) {
      throw new RangeError(`invalid rates ${inRate} → ${outRate}`);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    const g = gcd(inRate, outRate);
    this.L = outRate / g;
    this.M = inRate / g;
    const zc = opts.zeroCrossings ?? 12;
    // exact 2:1 (44.1 → 22.05 kHz, the common case): a half-band filter, whose every other tap is
    // zero, halves the work; its transition band is centred on the new Nyquist frequency
    const halfBand = this.L === 1 && this.M === 2 && opts.rolloff === undefined;
    const rolloff = opts.rolloff ?? (halfBand ? 1 : 0.92);
    const beta = opts.kaiserBeta ?? 8.6;
    // cutoff in cycles per input sample × 2
    const bw = Math.min(1, outRate / inRate) * rolloff;
    const halfWidth = zc / bw; // in input samples
    this.half = Math.ceil(halfWidth);
    this.taps = 2 * this.half;
    this.phases = Math.min(this.L, MAX_PHASES);
    this.table = new Float32Array(this.phases * this.taps);
    const i0b = besselI0(beta);
    for (let p = 0; p < this.phases; p++) {
      const frac = p / this.phases;
      let sum = 0;
      for (let j = 0; j < this.taps; j++) {
        // distance from the output position to input sample (floor(pos) - half + 1 + j)
        const x = j - this.half + 1 - frac;
        const r = x / halfWidth;
        let w = 0;
        if (Math.abs(r) < 1) {
          const s = x === 0 ? 1 : Math.sin(Math.PI * bw * x) / (Math.PI * bw * x);
          w = bw * s * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);
        }
        this.table[p * this.taps + j] = w;
        sum += w;
      }
      // unity DC gain in every phase so a constant stays constant
      if (sum !== 0) for (let j = 0; j < this.taps; j++) this.table[p * this.taps + j] /= sum;
    }
    if (this.phases === 1) {
      const nz: number[] = [];
      for (let j = 0; j < this.taps; j++) if (Math.abs(this.table[j]) > 1e-9) nz.push(j);
      if (nz.length < this.taps * 0.75) {
        this.sparseIdx = Int32Array.from(nz);
        this.sparseW = Float32Array.from(nz, (j) => this.table[j]);
      }
    }
    // the history starts with `half` zeros before sample 0
    this.buf = new Float32Array(Math.max(4096, this.taps * 4));
    this.bufStart = -this.half;
    this.bufLen = this.half;
  }

  /** Number of output samples for `n` input samples. */
  outputLength(n: number): number {
    return Math.ceil((n * this.L) / this.M);
  }

  push(input: Float32Array): Float32Array {
    if (this.flushed) throw new Error('resampler already flushed');
    this.append(input);
    this.inCount += input.length;
    return this.produce(false);
  }

  /** Pads the end with zeros and returns the remaining output. */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.append(new Float32Array(this.half + 1));
    const out = this.produce(true);
    this.flushed = true;
    return out;
  }

  private append(input: Float32Array): void {
    if (this.bufLen + input.length > this.buf.length) {
      const next = new Float32Array(Math.max(this.buf.length * 2, this.bufLen + input.length));
      next.set(this.buf.subarray(0, this.bufLen));
      this.buf = next;
    }
    this.buf.set(input, this.bufLen);
    this.bufLen += input.length;
  }

  private produce(final: boolean): Float32Array {
    const { L, M, taps, half, table, phases } = this;
    const limit = final ? this.outputLength(this.inCount) : Infinity;
    const bufEnd = this.bufStart + this.bufLen; // absolute index one past the last buffered sample
    // output k needs input samples up to floor(k*M/L) + half
    let kEnd = Math.max(0, Math.ceil(((bufEnd - half) * L) / M));
    while (kEnd > 0 && Math.floor(((kEnd - 1) * M) / L) + half >= bufEnd) kEnd--;
    kEnd = Math.min(kEnd, limit);
    const n = Math.max(0, kEnd - this.k);
    const out = new Float32Array(n);
    const buf = this.buf;
    const exact = L <= MAX_PHASES;
    const sIdx = this.sparseIdx;
    const sW = this.sparseW;
    if (sIdx && sW) {
      const nz = sIdx.length;
      for (let i = 0; i < n; i++) {
        const base = Math.floor(((this.k + i) * M) / L);
        const start = base - half + 1 - this.bufStart;
        let acc = 0;
        for (let j = 0; j < nz; j++) acc += buf[start + sIdx[j]] * sW[j];
        out[i] = acc;
      }
    } else
      for (let i = 0; i < n; i++) {
        const k = this.k + i;
        const num = k * M;
        const base = Math.floor(num / L);
        const rem = num - base * L;
        const p = exact ? rem : Math.floor((rem * phases) / L);
        const start = base - half + 1 - this.bufStart;
        const t0 = p * taps;
        let acc = 0;
        for (let j = 0; j < taps; j++) acc += buf[start + j] * table[t0 + j];
        out[i] = acc;
      }
    this.k += n;
    // drop input no longer needed by the next output
    const nextBase = Math.floor((this.k * M) / L) - half + 1;
    const drop = Math.max(0, Math.min(this.bufLen, nextBase - this.bufStart));
    if (drop > 0) {
      buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      this.bufStart += drop;
    }
    return out;
  }
}

/** One-shot helper. */
export function resample(
  input: Float32Array,
  inRate: number,
  outRate: number,
  opts?: ResamplerOptions,
): Float32Array {
  if (inRate === outRate) return input.slice();
  const r = new Resampler(inRate, outRate, opts);
  const a = r.push(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
