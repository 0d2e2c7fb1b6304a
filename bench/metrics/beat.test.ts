import { describe, expect, it } from 'vitest';
import { beatFMeasure, continuity, referenceVariations } from './beat';

const grid = (from: number, n: number, step: number): number[] => Array.from({ length: n }, (_, i) => from + i * step);

describe('beatFMeasure (±70 ms)', () => {
  it('counts hits inside the window only', () => {
    // ref 6,7,8,9; est 6.05 (hit), 7.1 (0.1 off: miss), 8, 9 (hits), 10 (extra)
    // P = 3/5, R = 3/4, F = 2*0.6*0.75/(0.6+0.75) = 0.9/1.35 = 2/3
    expect(beatFMeasure([6, 7, 8, 9], [6.05, 7.1, 8, 9, 10])).toBeCloseTo(2 / 3, 12);
  });
});

describe('referenceVariations', () => {
  it('builds off-beat, double and the two half-tempo sequences', () => {
    const v = referenceVariations([0, 1, 2, 3]);
    expect(v[0]).toEqual([0, 1, 2, 3]);
    expect(v[1]).toEqual([0.5, 1.5, 2.5]);
    expect(v[2]).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(v[3]).toEqual([0, 2]);
    expect(v[4]).toEqual([1, 3]);
  });
});

describe('continuity (CMLc, CMLt, AMLc, AMLt)', () => {
  const ref = grid(10, 10, 1); // 10, 11, … 19

  it('is perfect for identical beats', () => {
    expect(continuity(ref, ref)).toEqual({ cmlc: 1, cmlt: 1, amlc: 1, amlt: 1 });
  });

  it('gives only AML credit to off-beat tapping', () => {
    // est 10.5 … 18.5: nearest ref is 0.5 beat away (phase 0.5 >= 0.175) → CMLt 0.
    // Against the off-beat variation (10.5 … 18.5, 9 beats) all 9 match → AMLt 9/9.
    const c = continuity(ref, grid(10.5, 9, 1));
    expect(c.cmlt).toBe(0);
    expect(c.amlt).toBe(1);
  });

  it('gives only AML credit to half tempo', () => {
    // est 10, 12, … 18: period 2 vs 1 → |1 - 2/1| = 1 → every beat fails at the correct level;
    // against the half-tempo (odd) variation 10, 12, … 18 all 5 of 5 match.
    const c = continuity(ref, grid(10, 5, 2));
    expect(c.cmlt).toBe(0);
    expect(c.amlt).toBe(1);
  });

  it('breaks continuity around a displaced beat', () => {
    // est[5] moved to 15.3: phase 0.3 fails; est[6] = 16 then has interval 0.7 → period 0.3 fails.
    // Successes: beats 0-4 and 7-9 → CMLt = 8/10, longest run 5 → CMLc = 5/10. The other
    // metrical levels do worse, so AMLt = 0.8 and AMLc = 0.5.
    const est = [...ref];
    est[5] = 15.3;
    const c = continuity(ref, est);
    expect(c.cmlt).toBeCloseTo(0.8, 12);
    expect(c.cmlc).toBeCloseTo(0.5, 12);
    expect(c.amlt).toBeCloseTo(0.8, 12);
    expect(c.amlc).toBeCloseTo(0.5, 12);
  });

  it('is 0 with one beat or fewer', () => {
    expect(continuity(ref, [10])).toEqual({ cmlc: 0, cmlt: 0, amlc: 0, amlt: 0 });
  });

  it('divides by the longer sequence (extra estimates cost accuracy)', () => {
    // est = ref plus 10 more beats 20 … 29 (20 beats): the 10 reference beats match, 20-29 have
    // no unused nearest annotation → CMLt = 10 / max(10, 20) = 0.5
    const c = continuity(ref, grid(10, 20, 1));
    expect(c.cmlt).toBeCloseTo(0.5, 12);
  });
});
