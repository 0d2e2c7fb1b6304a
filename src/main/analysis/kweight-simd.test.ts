import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoudnessMeter } from './loudness';
import { stereoSimdKernel } from './kweight-simd';
import { MODULES, assemble, render } from '../../../scripts/build-wasm.mjs';

/** A stereo song-like signal: chords, a decaying kick every 0.5 s, noise, a quiet middle, a loud end. */
function song(sr: number, seconds: number): Float32Array {
  const n = Math.round(sr * seconds);
  const x = new Float32Array(2 * n);
  let seed = 7;
  const noise = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const level = t < seconds / 3 ? 0.3 : t < (2 * seconds) / 3 ? 0.02 : 0.9;
    const kick = Math.exp(-(t % 0.5) * 30) * Math.sin(2 * Math.PI * 55 * t);
    const tone = Math.sin(2 * Math.PI * 220 * t) + 0.5 * Math.sin(2 * Math.PI * 277.2 * t);
    x[2 * i] = level * (0.4 * tone + 0.5 * kick + 0.1 * noise());
    x[2 * i + 1] = level * (0.3 * tone + 0.6 * kick + 0.1 * noise());
  }
  return x;
}

function measure(sr: number, x: Float32Array, chunk: number, simd: boolean) {
  const m = new LoudnessMeter(sr, 2, { simd });
  for (let o = 0; o < x.length; o += 2 * chunk) m.push(x.subarray(o, Math.min(x.length, o + 2 * chunk)));
  return m.result();
}

describe('K-weighting in WebAssembly SIMD', () => {
  it('kweight-wasm.ts is what kweight.wat assembles to', async () => {
    const [m] = MODULES;
    const expected = render(m, await assemble(m.wat));
    expect(readFileSync(join(import.meta.dirname, '../../..', m.ts), 'utf8')).toBe(expected);
  });

  it('runs here (Node has WebAssembly SIMD), so the comparisons below are not vacuous', () => {
    expect(stereoSimdKernel()).not.toBeNull();
  });

  // 192 kHz: a 100 ms step (19,200 frames) is longer than one call into the module (8,192). The
  // energy sums depend on where the pushes split a step (each call adds its own sum), so each chunking
  // is compared with the JavaScript loop fed the same way.
  for (const sr of [44100, 48000, 192000]) {
    it(`gives the JavaScript loop's results to the bit at ${sr} Hz, however the stream is chunked`, () => {
      const x = song(sr, sr === 192000 ? 6 : 12);
      for (const chunk of [1, 31, 4099, 20000, x.length / 2]) {
        if (chunk === 1 && sr !== 44100) continue; // one frame per push is slow; once is enough
        const part = chunk === 1 ? x.subarray(0, 2 * 2 * sr) : x;
        const want = measure(sr, part, chunk, false);
        expect(want.integratedLufs).not.toBeNull();
        expect(measure(sr, part, chunk, true)).toStrictEqual(want);
      }
    });
  }

  it('a NaN sample leaves the block maxima alone, as in the JavaScript loop', () => {
    const sr = 44100;
    const x = song(sr, 3);
    // the NaN goes just before the loudest sample, in the same channel and 32-frame block
    let peak = 0;
    for (let i = 0; i < x.length; i += 2) if (Math.abs(x[i]) > Math.abs(x[peak])) peak = i;
    expect(peak % 64).toBeGreaterThan(0);
    x[peak - 2] = NaN;
    const simd = measure(sr, x, 4096, true);
    const js = measure(sr, x, 4096, false);
    expect(simd.samplePeak).toBe(js.samplePeak);
    expect(simd.samplePeak).toBe(Math.abs(x[peak]));
  });
});

describe('without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the meter falls back to the JavaScript loop and measures the same', async () => {
    const sr = 44100;
    const x = song(sr, 4);
    const want = measure(sr, x, 4096, true);
    expect(want.lra).not.toBeNull();
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('./kweight-simd');
    expect(fresh.stereoSimdKernel()).toBeNull();
    const { LoudnessMeter: Meter } = await import('./loudness');
    const m = new Meter(sr, 2);
    for (let o = 0; o < x.length; o += 8192) m.push(x.subarray(o, Math.min(x.length, o + 8192)));
    expect(m.result()).toStrictEqual(want);
  });
});
