import { describe, expect, it } from 'vitest';
import { decimate, harmonySpectrum } from './harmony-spectrum';
import { DEFAULT_PEAKS, spectralPeaks, streamPeaks } from './harmony-peaks';
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

  it('keeps nothing for digital silence', () => {
    const p = streamPeaks(new Float32Array(SR), SR / 4, 2048, 512);
    expect(p.freq.length).toBe(0);
    expect(p.globalMax).toBe(0);
  });
});
