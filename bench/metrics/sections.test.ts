import { describe, expect, it } from 'vitest';
import { boundaryDetection, evaluateSections, intervalsToBoundaries, pairwiseF } from './sections';

// ref A 0-10, B 10-20, A 20-30, B 30-40; est X 0-11, Y 11-22, X 22-40
const ref = [
  { start: 0, end: 10, label: 'A' },
  { start: 10, end: 20, label: 'B' },
  { start: 20, end: 30, label: 'A' },
  { start: 30, end: 40, label: 'B' },
];
const est = [
  { start: 0, end: 11, label: 'X' },
  { start: 11, end: 22, label: 'Y' },
  { start: 22, end: 40, label: 'X' },
];

describe('boundaryDetection', () => {
  it('rounds and de-duplicates interval edges', () => {
    expect(
      intervalsToBoundaries([
        [0, 1.000001],
        [1.000001, 2],
      ]),
    ).toEqual([0, 1, 2]);
  });
  it('counts inner boundaries within the window (trimmed ends)', () => {
    const r = ref.map((s) => [s.start, s.end] as [number, number]);
    const e = est.map((s) => [s.start, s.end] as [number, number]);
    // inner ref {10, 20, 30}, est {11, 22}: at 0.5 s nothing hits → 0
    expect(boundaryDetection(r, e, 0.5, true)).toBe(0);
    // at 3 s 11→10 and 22→20: P = 2/2, R = 2/3 → F = 2*(2/3)/(5/3) = 0.8
    expect(boundaryDetection(r, e, 3, true)).toBeCloseTo(0.8, 12);
  });
});

describe('pairwiseF', () => {
  it('counts agreeing frame pairs', () => {
    // 0.1 s frames 0..399. ref A = frames 0-99, 200-299 (200), B = 100-199, 300-399 (200)
    // est X = 0-109, 220-399 (290), Y = 110-219 (110)
    // agree_ref = 2*C(200,2) = 39800; agree_est = C(290,2) + C(110,2) = 41905 + 5995 = 47900
    // joint: AX 180, AY 20, BX 110, BY 90 → C(180,2)+C(20,2)+C(110,2)+C(90,2) = 16110+190+5995+4005 = 26300
    // F = 2m / (agree_est + agree_ref) = 52600 / 87700
    const lab = (xs: typeof ref) => ({
      intervals: xs.map((s) => [s.start, s.end] as [number, number]),
      labels: xs.map((s) => s.label),
    });
    expect(pairwiseF(lab(ref), lab(est))).toBeCloseTo(52600 / 87700, 12);
    expect(pairwiseF(lab(ref), lab(ref))).toBe(1);
  });
  it('ignores letter case (mir_eval index_labels)', () => {
    const a = { intervals: [[0, 1], [1, 2]] as Array<[number, number]>, labels: ['A', 'B'] };
    const b = { intervals: [[0, 1], [1, 2]] as Array<[number, number]>, labels: ['a', 'b'] };
    expect(pairwiseF(a, b)).toBe(1);
  });
});

describe('evaluateSections (music region)', () => {
  it('clips predictions to the region and does not count its edges', () => {
    // the same case shifted by 2 s, with the estimate running outside the region 2..42
    const shift = (xs: typeof ref) => xs.map((s) => ({ ...s, start: s.start + 2, end: s.end + 2 }));
    const wide = [
      { start: 0, end: 13, label: 'X' },
      { start: 13, end: 24, label: 'Y' },
      { start: 24, end: 50, label: 'X' },
    ];
    const s = evaluateSections(shift(ref), wide, { start: 2, end: 42 });
    expect(s.f05).toBe(0);
    expect(s.f3).toBeCloseTo(0.8, 12);
    expect(s.pairwise).toBeCloseTo(52600 / 87700, 12);
  });
  it('a single predicted section has no inner boundary → boundary F 0', () => {
    const s = evaluateSections(ref, [{ start: 0, end: 40, label: 'A' }], { start: 0, end: 40 });
    expect(s.f3).toBe(0);
    // pairwise: every pair agrees in est (C(400,2) = 79800) → P = 39800/79800, R = 1
    expect(s.pairwise).toBeCloseTo((2 * 39800) / (79800 + 39800), 12);
  });
});
