import { describe, expect, it } from 'vitest';
import { calibrate, fitIsotonic, interpolate, reliability, reportRawConfidence } from './calibration';

describe('calibration maps', () => {
  it('interpolates between knots and holds flat beyond the ends', () => {
    const m = [
      [0.2, 0.3],
      [0.6, 0.9],
    ] as const;
    expect(interpolate(m, 0)).toBe(0.3);
    expect(interpolate(m, 0.4)).toBeCloseTo(0.6, 12);
    expect(interpolate(m, 1)).toBe(0.9);
    expect(interpolate(m, NaN)).toBe(0);
  });

  it('calibrate() is monotone in the raw score for every field and stays in 0..1', () => {
    for (const f of ['tempo', 'beats', 'key', 'chord', 'none'] as const) {
      let prev = -1;
      for (let x = 0; x <= 1.0001; x += 0.01) {
        const p = calibrate(f, x);
        expect(p).toBeGreaterThanOrEqual(prev);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        prev = p;
      }
    }
  });

  it('raw mode passes scores through (for fitting)', () => {
    reportRawConfidence(true);
    expect(calibrate('tempo', 0.1234)).toBe(0.123);
    reportRawConfidence(false);
    expect(calibrate('tempo', 0.1234)).not.toBe(0.123);
  });
});

describe('fitIsotonic', () => {
  it('recovers a step: scores below 0.5 wrong, above right', () => {
    const pts = Array.from({ length: 100 }, (_, i) => ({ score: i / 100, right: i >= 50 ? 1 : 0 }));
    const k = fitIsotonic(pts, 8);
    expect(interpolate(k, 0.1)).toBeLessThan(0.05);
    expect(interpolate(k, 0.9)).toBeGreaterThan(0.95);
    for (let i = 1; i < k.length; i++) expect(k[i][1]).toBeGreaterThanOrEqual(k[i - 1][1]);
  });

  it('pools a decreasing pair and never says certainty from a few songs', () => {
    const k = fitIsotonic(
      [
        { score: 0.1, right: 1 },
        { score: 0.2, right: 0 },
        { score: 0.3, right: 1 },
      ],
      1,
    );
    for (const [, p] of k) expect(p).toBeLessThan(1);
    expect(
      fitIsotonic(
        Array.from({ length: 10 }, () => ({ score: 0.9, right: 1 })),
        8,
      )[0][1],
    ).toBeCloseTo(11 / 12, 3);
  });
});

describe('reliability', () => {
  it('is 0 for a perfectly calibrated set and the gap otherwise', () => {
    const good = [...Array(10)].map((_, i) => ({ p: 0.75, right: i < 7.5 ? 1 : 0 }));
    // 8 of 10 right at a stated 0.75: |0.8 - 0.75|
    expect(reliability(good).ece).toBeCloseTo(0.05, 12);
    const over = [...Array(10)].map(() => ({ p: 0.95, right: 0 }));
    expect(reliability(over).ece).toBeCloseTo(0.95, 12);
    expect(reliability(over).bins[9]).toMatchObject({ n: 10, observed: 0 });
  });
});
