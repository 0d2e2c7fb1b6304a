import { describe, expect, it } from 'vitest';
import { Resampler, resample } from './resample';

const sine = (n: number, sr: number, f: number, amp = 0.5): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / sr));

function rmsAmp(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from)) * Math.SQRT2;
}

describe('Resampler', () => {
  for (const sr of [44100, 48000, 96000, 8000, 32000]) {
    it(`${sr} → 22050: length ceil(n·L/M), a 1 kHz sine keeps amplitude and phase`, () => {
      const n = sr; // 1 s
      const y = resample(sine(n, sr, 1000), sr, 22050);
      expect(y.length).toBe(Math.ceil((n * 22050) / sr));
      // compare with the ideal sine away from the edges
      let maxErr = 0;
      for (let i = 2000; i < y.length - 2000; i++)
        maxErr = Math.max(maxErr, Math.abs(y[i] - 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 22050)));
      expect(maxErr).toBeLessThan(2e-3);
    });
  }

  it('removes content above the new Nyquist (15 kHz at 44.1 kHz is attenuated > 60 dB)', () => {
    const y = resample(sine(44100, 44100, 15000), 44100, 22050);
    expect(rmsAmp(y, 2000, y.length - 2000)).toBeLessThan(0.5e-3);
  });

  it('has no group delay: an impulse at input sample 4410 peaks at output sample 2205', () => {
    const x = new Float32Array(8820);
    x[4410] = 1;
    const y = resample(x, 44100, 22050);
    let arg = 0;
    for (let i = 0; i < y.length; i++) if (y[i] > y[arg]) arg = i;
    expect(arg).toBe(2205);
  });

  it('gives the same output whether fed at once or in odd-sized chunks', () => {
    const x = sine(20000, 48000, 440);
    const whole = resample(x, 48000, 22050);
    const r = new Resampler(48000, 22050);
    const parts: Float32Array[] = [];
    for (let o = 0; o < x.length; o += 997) parts.push(r.push(x.subarray(o, Math.min(x.length, o + 997))));
    parts.push(r.flush());
    const joined = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) joined.set(p, (o += p.length) - p.length);
    expect(joined.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(joined[i]).toBeCloseTo(whole[i], 6);
  });

  it('keeps a constant constant (unity DC gain in every phase)', () => {
    const y = resample(new Float32Array(4800).fill(0.25), 48000, 22050);
    for (let i = 100; i < y.length - 100; i++) expect(y[i]).toBeCloseTo(0.25, 5);
  });

  it('rejects invalid rates', () => {
    expect(() => new Resampler(0, 22050)).toThrow(RangeError);
    expect(() => new Resampler(44100.5, 22050)).toThrow(RangeError);
  });
});
