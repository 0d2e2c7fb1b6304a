/**
 * Real-input FFT for the STFTs (shared spectrum, harmony peaks). The FFT was the largest single
 * cost of the engine (≈ 10 000 2048-point transforms per 3-minute song); PFFFT compiled to WASM
 * with SIMD (@echogarden/pffft-wasm, BSD-3-Clause, shipped in the package: no network) measured
 * ≈ 2× faster than fft.js's radix-4 realTransform, copies in and out included.
 *
 * The WASM module loads asynchronously: `loadFastFft()` is awaited once by the pipeline before the
 * spectrum stage. Until it has loaded (or if WebAssembly is unavailable) every plan uses fft.js, so a
 * synchronous caller always gets a correct transform. PFFFT works in float32: magnitudes differ from
 * fft.js's float64 by ≈ 1e-7 relative, far below anything the stages resolve.
 */
import FFT from 'fft.js';

interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, kind: number): number;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, dir: number): void;
}

const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;

let pffft: PffftModule | null = null;
let loading: Promise<boolean> | null = null;

/** Loads the WASM FFT (SIMD build, else the plain one); resolves false when neither can run. */
export function loadFastFft(): Promise<boolean> {
  loading ??= (async () => {
    // literal specifiers, so bundlers see (and keep external) both builds
    const builds: (() => Promise<{ default: () => Promise<PffftModule> }>)[] = [
      () => import('@echogarden/pffft-wasm/simd'),
      () => import('@echogarden/pffft-wasm'),
    ];
    for (const load of builds) {
      try {
        pffft = await (await load()).default();
        return true;
      } catch {
        // no SIMD in this runtime (or no WebAssembly at all): try the next build, then fft.js
      }
    }
    return false;
  })();
  return loading;
}

/** Which implementation new plans use (for provenance and the speed bench). */
export const fftBackend = (): 'pffft-wasm' | 'fft.js' => (pffft ? 'pffft-wasm' : 'fft.js');

/**
 * One transform size. `input()` is the frame buffer to fill (nFft samples, already windowed); then
 * `power(out, offset)` or `magnitude(out, offset)` writes bins 0..nFft/2 to out[offset …].
 */
export interface RealFftPlan {
  readonly size: number;
  input(): FrameBuffer;
  power(out: Float32Array, offset: number): void;
  magnitude(out: Float32Array, offset: number): void;
}

/** Writable frame: a view of the WASM heap, or fft.js's plain array (fft.js is slowest on typed arrays). */
export interface FrameBuffer {
  [index: number]: number;
  readonly length: number;
}

/** Plans are cached per size: the WASM heap holds one setup and three buffers per size, for good. */
const plans = new Map<number, RealFftPlan>();

export function realFftPlan(size: number): RealFftPlan {
  if (!Number.isInteger(Math.log2(size)) || size < 32)
    throw new Error(`FFT size must be a power of two >= 32, got ${size}`);
  if (!pffft) return new FftJsPlan(size); // not cached: a later call may get the fast one
  let plan = plans.get(size);
  if (!plan) {
    plan = new PffftPlan(pffft, size);
    plans.set(size, plan);
  }
  return plan;
}

class PffftPlan implements RealFftPlan {
  private readonly setup: number;
  private readonly inPtr: number;
  private readonly outPtr: number;
  private readonly workPtr: number;
  constructor(
    private readonly m: PffftModule,
    readonly size: number,
  ) {
    this.setup = m._pffft_new_setup(size, PFFFT_REAL);
    if (!this.setup) throw new Error(`PFFFT cannot plan size ${size}`);
    this.inPtr = m._pffft_aligned_malloc(size * 4);
    this.outPtr = m._pffft_aligned_malloc(size * 4);
    this.workPtr = m._pffft_aligned_malloc(size * 4);
  }
  input(): Float32Array {
    // a fresh view each call: the heap's buffer changes if the WASM memory ever grows
    return this.m.HEAPF32.subarray(this.inPtr >> 2, (this.inPtr >> 2) + this.size);
  }
  private run(): Float32Array {
    this.m._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, PFFFT_FORWARD);
    return this.m.HEAPF32;
  }
  power(out: Float32Array, offset: number): void {
    const h = this.run();
    const o = this.outPtr >> 2;
    const half = this.size >> 1;
    // ordered real output: [X0.re, X(n/2).re, X1.re, X1.im, …]
    out[offset] = h[o] * h[o];
    out[offset + half] = h[o + 1] * h[o + 1];
    for (let k = 1, j = o + 2; k < half; k++, j += 2) {
      const re = h[j];
      const im = h[j + 1];
      out[offset + k] = re * re + im * im;
    }
  }
  magnitude(out: Float32Array, offset: number): void {
    const h = this.run();
    const o = this.outPtr >> 2;
    const half = this.size >> 1;
    out[offset] = Math.abs(h[o]);
    out[offset + half] = Math.abs(h[o + 1]);
    for (let k = 1, j = o + 2; k < half; k++, j += 2) {
      const re = h[j];
      const im = h[j + 1];
      out[offset + k] = Math.sqrt(re * re + im * im);
    }
  }
}

class FftJsPlan implements RealFftPlan {
  private readonly fft: FFT;
  private readonly frame: number[];
  private readonly spec: number[];
  constructor(readonly size: number) {
    this.fft = new FFT(size);
    this.frame = new Array<number>(size).fill(0);
    this.spec = this.fft.createComplexArray() as number[];
  }
  input(): number[] {
    return this.frame;
  }
  power(out: Float32Array, offset: number): void {
    this.fft.realTransform(this.spec, this.frame);
    const s = this.spec;
    for (let k = 0, k2 = 0; k <= this.size >> 1; k++, k2 += 2)
      out[offset + k] = s[k2] * s[k2] + s[k2 + 1] * s[k2 + 1];
  }
  magnitude(out: Float32Array, offset: number): void {
    this.fft.realTransform(this.spec, this.frame);
    const s = this.spec;
    for (let k = 0, k2 = 0; k <= this.size >> 1; k++, k2 += 2)
      out[offset + k] = Math.sqrt(s[k2] * s[k2] + s[k2 + 1] * s[k2 + 1]);
  }
}
