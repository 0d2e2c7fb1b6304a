import { describe, expect, it } from 'vitest';
import { tempoAcc1, tempoAcc2, tempoAt, tempoCurve4 } from './tempo';

describe('tempo Acc1 / Acc2', () => {
  it('Acc1 accepts ±4 % inclusive', () => {
    expect(tempoAcc1(104, 100)).toBe(1); // |4| <= 0.04 * 100
    expect(tempoAcc1(96, 100)).toBe(1);
    expect(tempoAcc1(104.5, 100)).toBe(0);
  });
  it('Acc2 accepts ×2, ×3, ½, ⅓ but not 3/2', () => {
    expect(tempoAcc1(200, 100)).toBe(0);
    expect(tempoAcc2(200, 100)).toBe(1);
    expect(tempoAcc2(303, 100)).toBe(1); // 3 % off 300
    expect(tempoAcc2(51, 100)).toBe(1); // 2 % off 50
    expect(tempoAcc2(33.4, 100)).toBe(1); // 0.2 % off 33.33
    expect(tempoAcc2(150, 100)).toBe(0);
    expect(tempoAcc2(70, 100)).toBe(0);
  });
});

describe('tempo curve4', () => {
  const ref: Array<[number, number]> = [
    [0, 100],
    [10, 120],
  ];
  it('holds each point until the next, and the first one before it', () => {
    expect(tempoAt(ref, -1)).toBe(100);
    expect(tempoAt(ref, 9.99)).toBe(100);
    expect(tempoAt(ref, 10)).toBe(120);
  });
  it('a constant estimate matches only the part of a jump it agrees with', () => {
    // samples t = 0, 0.1, … 19.9 (200); 100 of them (t < 10) have truth 100 → 100/200
    expect(tempoCurve4(ref, [], 100, 0, 20)).toBeCloseTo(0.5, 12);
  });
  it('a curve that follows the jump scores 1; the curve wins over bpm_global', () => {
    expect(tempoCurve4(ref, ref, 60, 0, 20)).toBe(1);
  });
  it('a late jump loses the samples between the two jumps', () => {
    // estimate jumps at 15 instead of 10: samples 10.0 … 14.9 (50 of 200) are wrong → 150/200
    expect(
      tempoCurve4(
        ref,
        [
          [0, 100],
          [15, 120],
        ],
        100,
        0,
        20,
      ),
    ).toBeCloseTo(0.75, 12);
  });
});
