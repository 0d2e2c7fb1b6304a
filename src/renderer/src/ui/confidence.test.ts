import { describe, expect, it } from 'vitest';
import {
  confidenceLevel,
  confidencePercent,
  explainConfidence,
  formatConfidence,
  isDoubtful,
} from './confidence';

describe('confidence words', () => {
  it('names the three bands with the percentage', () => {
    expect(formatConfidence(0.86)).toBe('likely right · 86 %');
    expect(formatConfidence(0.8)).toBe('likely right · 80 %');
    expect(formatConfidence(0.48)).toBe('doubtful · 48 %');
    expect(formatConfidence(0.5)).toBe('unsure · 50 %');
    expect(formatConfidence(0.22)).toBe('doubtful · 22 %');
    expect(formatConfidence(1)).toBe('likely right · 100 %');
    expect(formatConfidence(0)).toBe('doubtful · 0 %');
  });

  it('never shows a number that contradicts the words (rounds down)', () => {
    expect(formatConfidence(0.799)).toBe('unsure · 79 %');
    expect(formatConfidence(0.4999)).toBe('doubtful · 49 %');
    expect(confidencePercent(0.29)).toBe(29);
    expect(confidenceLevel(0.57)).toBe('unsure');
  });

  it('a missing confidence has no words and is not doubtful', () => {
    for (const c of [undefined, null, Number.NaN]) {
      expect(formatConfidence(c)).toBeNull();
      expect(explainConfidence(c, 'the tempo')).toBeNull();
      expect(confidenceLevel(c)).toBeNull();
      expect(isDoubtful(c)).toBe(false);
    }
    expect(isDoubtful(0.49)).toBe(true);
    expect(isDoubtful(0.5)).toBe(false);
  });

  it('explains the number as the estimated chance the value is right', () => {
    expect(explainConfidence(0.86, 'the tempo')).toBe(
      'likely right · 86 %: an estimated 86 % chance that the tempo is right',
    );
  });
});
