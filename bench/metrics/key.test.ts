import { describe, expect, it } from 'vitest';
import { keyOverTime, keyWeightedScore, tonicToPc } from './key';

describe('tonicToPc', () => {
  it('reads sharps and flats, and rejects non-names', () => {
    expect(tonicToPc('C')).toBe(0);
    expect(tonicToPc('F#')).toBe(6);
    expect(tonicToPc('Gb')).toBe(6);
    expect(tonicToPc('Cb')).toBe(11);
    expect(tonicToPc('H')).toBeNull();
  });
});

describe('keyWeightedScore (MIREX, mir_eval.key)', () => {
  it('scores the MIREX relations', () => {
    expect(keyWeightedScore(0, 'major', 0, 'major')).toBe(1);
    // estimate a fifth above the reference (C → G): 0.5; a fifth below (C → F): 0
    expect(keyWeightedScore(0, 'major', 7, 'major')).toBe(0.5);
    expect(keyWeightedScore(0, 'major', 5, 'major')).toBe(0);
    // relative: C major ↔ A minor, both directions
    expect(keyWeightedScore(0, 'major', 9, 'minor')).toBe(0.3);
    expect(keyWeightedScore(9, 'minor', 0, 'major')).toBe(0.3);
    // parallel: C major ↔ C minor
    expect(keyWeightedScore(0, 'major', 0, 'minor')).toBe(0.2);
    // unrelated (C major vs E minor)
    expect(keyWeightedScore(0, 'major', 4, 'minor')).toBe(0);
  });
});

describe('keyOverTime', () => {
  const ref = [
    { start: 0, end: 10, tonic: 'C', mode: 'major' },
    { start: 10, end: 20, tonic: 'D', mode: 'major' },
  ];
  it('weights a key change by time', () => {
    // est C major throughout: first half 1, second half C vs D (2 semitones) 0 → 0.5
    const a = keyOverTime(ref, [{ start: 0, end: 20, tonic: 'C', mode: 'major' }], 0, 20);
    expect(a.weighted).toBeCloseTo(0.5, 12);
    expect(a.exact).toBeCloseTo(0.5, 12);
    // est G major throughout: C→G fifth 0.5 for half, D→G (a fourth) 0 → 0.25; exact 0
    const b = keyOverTime(ref, [{ start: 0, end: 20, tonic: 'G', mode: 'major' }], 0, 20);
    expect(b.weighted).toBeCloseTo(0.25, 12);
    expect(b.exact).toBe(0);
  });
  it('scores only the music region, and time without an estimate as 0', () => {
    // region 2..20 (18 s); est C major on 0..10 covers 8 s of it correctly → 8/18
    const c = keyOverTime(ref, [{ start: 0, end: 10, tonic: 'C', mode: 'major' }], 2, 20);
    expect(c.weighted).toBeCloseTo(8 / 18, 12);
  });
});
