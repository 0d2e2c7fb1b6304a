import { describe, expect, it } from 'vitest';
import { barFeatures, frameFeatures, melFilterbank, N_MFCC } from './segment-features';
import { stft } from './spectrum';

const SR = 22050;

describe('melFilterbank', () => {
  it('builds triangles that peak at 1 and stay within the band', () => {
    const fb = melFilterbank(SR, 2048, 40, 40, 8000);
    expect(fb).toHaveLength(40);
    for (const f of fb) {
      expect(Math.max(...f)).toBeGreaterThan(0.5);
      expect(Math.max(...f)).toBeLessThanOrEqual(1);
      // nothing above 8 kHz (bin 743)
      expect(f.slice(744).every((x) => x === 0)).toBe(true);
    }
  });
});

describe('frameFeatures / barFeatures', () => {
  it('folds an A4 tone into pitch class A and gives louder bars more energy', () => {
    const x = new Float32Array(4 * SR);
    for (let i = 0; i < x.length; i++)
      x[i] = (i < 2 * SR ? 0.05 : 0.5) * Math.sin((2 * Math.PI * 440 * i) / SR);
    const spec = stft(x, { sr: SR, nFft: 2048, hop: 512 });
    const ff = frameFeatures(spec, true);
    expect(ff.mfcc.length).toBe(ff.nFrames * N_MFCC);
    const bf = barFeatures([0, 2, 4], 2, ff, null);
    expect(bf.n).toBe(2);
    // chroma slot vectors are unit length with their maximum at A (index 9)
    for (let s = 0; s < 4; s++) {
      const v = Array.from(bf.chroma.slice(s * 12, s * 12 + 12));
      expect(v.indexOf(Math.max(...v))).toBe(9);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    // 10× the amplitude is +20 dB
    expect(bf.energyDb[1] - bf.energyDb[0]).toBeGreaterThan(18);
    expect(bf.energyDb[1] - bf.energyDb[0]).toBeLessThan(22);
  });
  it('uses the beat chroma when it is given', () => {
    const spec = stft(new Float32Array(2 * SR).fill(0.01), { sr: SR, nFft: 2048, hop: 512 });
    const ff = frameFeatures(spec, false);
    const chroma = new Float32Array(24);
    chroma[4] = 1; // segment 0: E
    chroma[12 + 7] = 1; // segment 1: G
    const bf = barFeatures([0, 2], 2, ff, { times: [0, 1, 2], chroma });
    expect(bf.chroma[4]).toBeCloseTo(1, 6);
    expect(bf.chroma[12 + 7]).toBeCloseTo(1, 6);
  });
});
