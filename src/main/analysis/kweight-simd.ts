/**
 * The stereo K-weighting loop in WebAssembly SIMD (kweight.wat): both channels' recursions advance in
 * the two lanes of one f64x2, with the 32-frame block maxima taken in the same pass. Same arithmetic in
 * the same order as `filterEnergyStereo` (loudness.ts), which stays as the fallback and the reference:
 * the results are equal to the bit.
 *
 * One instance per thread, made on first use and kept: its memory is fixed (never grown, so no
 * JavaScript view of it is ever detached, see kweight.wat) and is only touched inside `run`.
 */
import type { StereoKernel } from './loudness';
import { KWEIGHT_WASM } from './kweight-wasm';

/** kweight.wat's layout */
const HEADER_F64 = 0;
const STATE_F64 = 20;
const ENERGY_F64 = 28;
const BM_F32 = 256 / 4;
const IN_F32 = 4352 / 4;
/** frames per call (a multiple of the 32-frame block) */
const MAX_FRAMES = 8192;
const BLOCK = 32;

interface Instance {
  stereo(n: number, phase: number): void;
  f32: Float32Array;
  f64: Float64Array;
}

/** The part of the WebAssembly JavaScript API used here (the main process's lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let instance: Instance | null | undefined;

function instantiate(): Instance | null {
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) return null;
    // 0.5 kB, compiled synchronously; a runtime without SIMD rejects the module here
    const inst = new wasm.Instance(new wasm.Module(Buffer.from(KWEIGHT_WASM, 'base64')), {});
    const { memory, stereo } = inst.exports as {
      memory: { buffer: ArrayBuffer };
      stereo: Instance['stereo'];
    };
    return { stereo, f32: new Float32Array(memory.buffer), f64: new Float64Array(memory.buffer) };
  } catch {
    return null;
  }
}

/** The SIMD kernel, or null when this runtime has no WebAssembly SIMD. */
export function stereoSimdKernel(): StereoKernel | null {
  if (instance === undefined) instance = instantiate();
  return instance ? runStereo : null;
}

/** loudness.ts's filterEnergyStereo contract: frames [from, from + len) of interleaved stereo x. */
const runStereo: StereoKernel = (x, from, len, bm, nBlocks, shelf, hp, state, energy) => {
  const { stereo, f32, f64 } = instance as Instance;
  const both = (k: number, v: number): void => {
    f64[HEADER_F64 + 2 * k] = v;
    f64[HEADER_F64 + 2 * k + 1] = v;
  };
  both(0, shelf.b0);
  both(1, shelf.b1);
  both(2, shelf.b2);
  both(3, shelf.a1);
  both(4, shelf.a2);
  both(5, hp.b0);
  both(6, hp.b1);
  both(7, hp.b2);
  both(8, hp.a1);
  both(9, hp.a2);
  // state: [s1 s2 t1 t2] per channel here, one (left, right) pair per variable there
  for (let k = 0; k < 4; k++) {
    f64[STATE_F64 + 2 * k] = state[k];
    f64[STATE_F64 + 2 * k + 1] = state[4 + k];
  }
  f64[ENERGY_F64] = 0;
  f64[ENERGY_F64 + 1] = 0;
  const end = from + len;
  for (let f = from; f < end;) {
    const n = Math.min(end - f, MAX_FRAMES - (f % BLOCK));
    const b0 = (f / BLOCK) | 0;
    const nb = (((f + n - 1) / BLOCK) | 0) - b0 + 1;
    for (let k = 0; k < nb; k++) {
      f32[BM_F32 + 2 * k] = bm[b0 + k];
      f32[BM_F32 + 2 * k + 1] = bm[nBlocks + b0 + k];
    }
    f32.set(x.subarray(2 * f, 2 * (f + n)), IN_F32);
    stereo(n, f % BLOCK);
    for (let k = 0; k < nb; k++) {
      bm[b0 + k] = f32[BM_F32 + 2 * k];
      bm[nBlocks + b0 + k] = f32[BM_F32 + 2 * k + 1];
    }
    f += n;
  }
  for (let k = 0; k < 4; k++) {
    state[k] = f64[STATE_F64 + 2 * k];
    state[4 + k] = f64[STATE_F64 + 2 * k + 1];
  }
  energy[0] += f64[ENERGY_F64];
  energy[1] += f64[ENERGY_F64 + 1];
};
