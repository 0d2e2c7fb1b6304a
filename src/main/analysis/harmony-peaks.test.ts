import { describe, expect, it } from 'vitest';
import { decimate, decimateRange, decimationKernel, harmonySpectrum } from './harmony-spectrum';
import { DEFAULT_PEAKS, PeakStream, spectralPeaks, streamPeaks } from './harmony-peaks';
import { addNote, SR } from './harmony-testsignal';

describe('harmony peaks', () => {
  const buf = new Float32Array(SR * 3);
  addNote(buf, SR, 45, 0.2, 2.5, 0.3); // A2 = 110 Hz with partials
  addNote(buf, SR, 64, 1.0, 1.5, 0.1); // E4 ≈ 329.6 Hz

  it('finds partials with sub-bin frequency precision', () => {
    const p = streamPeaks(decimate(buf, 4), SR / 4, 2048, 512);
    const t = Math.round(1.5 / p.hopSec);
    const freqs = Array.from(p.freq.subarray(p.offsets[t], p.offsets[t + 1]));
    for (const f of [110, 220, 329.63, 330]) {
      const near = freqs.reduce((b, x) => (Math.abs(x - f) < Math.abs(b - f) ? x : b), Infinity);
      expect(Math.abs(near - f)).toBeLessThan(0.3); // bins are 2.7 Hz wide
    }
  });

  it('streams the same peaks as picking them from a stored spectrogram', () => {
    const a = spectralPeaks(harmonySpectrum({ samples: buf, sr: SR }));
    const b = streamPeaks(decimate(buf, 4), SR / 4, 2048, 512);
    expect(b.nFrames).toBe(a.nFrames);
    expect(b.globalMax).toBeCloseTo(a.globalMax, 3);
    expect(Math.abs(b.freq.length - a.freq.length)).toBeLessThanOrEqual(2);
  });

  it('decimates on the fly exactly like decimating first', () => {
    const a = streamPeaks(decimate(buf, 4), SR / 4, 2048, 512);
    const b = streamPeaks(buf, SR, 2048, 512, DEFAULT_PEAKS, 4);
    expect(b.nFrames).toBe(a.nFrames);
    expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
    expect(Array.from(b.freq)).toEqual(Array.from(a.freq));
    expect(Array.from(b.mag)).toEqual(Array.from(a.mag));
  });

  it('decimates by 4 (the unrolled 33-tap path) exactly as the plain folded sum, ring or not', () => {
    const h = decimationKernel(4);
    expect(h.length).toBe(33);
    // a sounding stretch, of odd length: the last outputs reach past the end
    const x = buf.subarray(SR, SR + 4001);
    expect(x.some((v) => Math.abs(v) > 0.01)).toBe(true);
    const want = new Float32Array(1000);
    for (let o = 0; o < 1000; o++) {
      const lo = o * 4 - 16;
      let acc = 0;
      if (lo >= 0 && lo + 33 <= x.length) {
        for (let i = 0; i < 16; i++) acc += h[i] * (x[lo + i] + x[lo + 32 - i]);
        acc += h[16] * x[lo + 16];
      } else {
        for (let i = 0; i < 33; i++) if (lo + i >= 0 && lo + i < x.length) acc += h[i] * x[lo + i];
      }
      want[o] = acc;
    }
    // ranges of odd and even lengths and starts, as the streaming reader asks for them
    const got = new Float32Array(1000);
    for (const [a, b] of [
      [0, 3],
      [3, 510],
      [510, 511],
      [511, 998],
      [998, 1000],
    ])
      decimateRange(x, 4, h, a, b, got);
    expect(got).toStrictEqual(want);
    const ring = new Float32Array(256);
    decimateRange(x, 4, h, 700, 957, ring, 255);
    for (let o = 701; o < 957; o++) expect(ring[o & 255]).toBe(want[o]);
  });

  it('gives the same peaks fed as a growing prefix (PeakStream) as in one pass, decimating or not', () => {
    for (const [x, sr, factor] of [
      [buf, SR, 4],
      [decimate(buf, 4), SR / 4, 1],
    ] as const) {
      const want = streamPeaks(x, sr, 2048, 512, DEFAULT_PEAKS, factor);
      expect(want.freq.length).toBeGreaterThan(100);
      for (const chunk of [1000, 4097, 30000]) {
        // a small guess of the frame count: the offsets must grow past it
        const s = new PeakStream(sr, 2048, 512, DEFAULT_PEAKS, factor, 3);
        for (let at = 0; at < x.length;) {
          at = Math.min(x.length, at + chunk);
          s.advance(x.subarray(0, at));
        }
        expect(s.finish(x)).toStrictEqual(want);
      }
    }
  });

  it('keeps nothing for digital silence', () => {
    const p = streamPeaks(new Float32Array(SR), SR / 4, 2048, 512);
    expect(p.freq.length).toBe(0);
    expect(p.globalMax).toBe(0);
  });
});
