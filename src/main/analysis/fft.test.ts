import { describe, expect, it } from 'vitest';
import { fftBackend, loadFastFft, realFftPlan, type RealFftPlan } from './fft';

/** Direct O(N²) DFT power: the definition both backends must reproduce. */
function dftPower(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

function noise(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = Math.fround(s / 1073741824 - 1);
  }
  return x;
}

function check(plan: RealFftPlan, n: number): void {
  const x = noise(n, n + 1);
  const frame = plan.input();
  for (let i = 0; i < n; i++) frame[i] = x[i];
  const pow = new Float32Array(n / 2 + 3);
  plan.power(pow, 2);
  const want = dftPower(x);
  for (let k = 0; k <= n / 2; k++) expect(Math.abs(pow[k + 2] - want[k])).toBeLessThan(1e-4 * (1 + want[k]));
  const mag = new Float32Array(n / 2 + 1);
  plan.magnitude(mag, 0);
  for (let k = 0; k <= n / 2; k++) expect(mag[k]).toBeCloseTo(Math.sqrt(want[k]), 3);
}

describe('real FFT plans', () => {
  it.each([32, 64, 256, 2048])('fft.js fallback matches the direct DFT for size %i', (n) => {
    // before loadFastFft() resolves, plans are fft.js
    if (fftBackend() === 'fft.js') check(realFftPlan(n), n);
  });

  it.each([32, 64, 256, 2048])('the WASM FFT matches the direct DFT for size %i', async (n) => {
    expect(await loadFastFft()).toBe(true);
    expect(fftBackend()).toBe('pffft-wasm');
    check(realFftPlan(n), n);
  });

  it('puts a sine in its bin with magnitude A·N/2', async () => {
    await loadFastFft();
    const n = 2048;
    const plan = realFftPlan(n);
    const frame = plan.input();
    for (let i = 0; i < n; i++) frame[i] = 0.5 * Math.cos((2 * Math.PI * 100 * i) / n);
    const mag = new Float32Array(n / 2 + 1);
    plan.magnitude(mag, 0);
    expect(mag[100]).toBeCloseTo(0.5 * (n / 2), 2);
    expect(mag[99]).toBeLessThan(1e-3);
  });

  it('rejects sizes the transforms cannot plan', () => {
    expect(() => realFftPlan(1000)).toThrow(/power of two/);
    expect(() => realFftPlan(16)).toThrow(/power of two/);
  });
});
