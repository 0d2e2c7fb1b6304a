import { describe, expect, it } from 'vitest';
import { eventFMeasure, fMeasure, matchEvents, trimBeats } from './events';

describe('fMeasure', () => {
  it('is the harmonic mean and 0 when nothing matches', () => {
    // 2 * 0.5 * 1 / (0.5 + 1) = 2/3
    expect(fMeasure(0.5, 1)).toBeCloseTo(2 / 3, 12);
    expect(fMeasure(0, 0)).toBe(0);
  });
});

describe('matchEvents', () => {
  it('finds the maximum matching where nearest-first greedy would not', () => {
    // est 1.06 is nearest to ref 1.10 (0.04) but may also take ref 1.00 (0.06); est 1.12 can only
    // take ref 1.10 (0.02). Greedy nearest gives 1 pair; the maximum is 2: (1.00,1.06), (1.10,1.12).
    const pairs = matchEvents([1.0, 1.1], [1.06, 1.12], 0.07);
    expect(pairs).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });
  it('treats the window as inclusive (mir_eval: |ref - est| <= window)', () => {
    // binary-exact numbers: 1.0625 - 1.0 = 0.0625 exactly
    expect(matchEvents([1.0], [1.0625], 0.0625)).toHaveLength(1);
    expect(matchEvents([1.0], [1.0625], 0.0624)).toHaveLength(0);
  });
  it('matches each event at most once', () => {
    // two estimates within the window of one reference: one pair only
    expect(matchEvents([2.0], [1.98, 2.01], 0.07)).toHaveLength(1);
  });
});

describe('eventFMeasure / trimBeats', () => {
  it('scores 0 for an empty side', () => {
    expect(eventFMeasure([], [1], 0.07)).toBe(0);
    expect(eventFMeasure([1], [], 0.07)).toBe(0);
  });
  it('trims events before 5 s, keeping 5 s itself', () => {
    expect(trimBeats([4.99, 5, 5.5])).toEqual([5, 5.5]);
  });
});
