import { describe, expect, it } from 'vitest';
import { ALL_KEYS, compatibleKeys, fromCamelot, keyFilter, spellings, toCamelot } from './keys';

describe('Camelot wheel', () => {
  it('maps keys to their Camelot codes, both enharmonic spellings alike', () => {
    expect(toCamelot('C')).toBe('8B');
    expect(toCamelot('Am')).toBe('8A');
    expect(toCamelot('F#')).toBe('2B');
    expect(toCamelot('Gb')).toBe('2B');
    expect(toCamelot('Ebm')).toBe('2A');
    expect(toCamelot('D#m')).toBe('2A');
    expect(toCamelot('H')).toBeNull();
    expect(fromCamelot('12a')).toBe('C#m');
    expect(fromCamelot('13A')).toBeNull();
  });

  it('compatible keys are the key, its relative and the two wheel neighbours, wrapping 12↔1', () => {
    expect(compatibleKeys('Am')).toEqual(['Am', 'C', 'Dm', 'Em']);
    expect(compatibleKeys('E')).toEqual(['E', 'C#m', 'A', 'B']); // 12B → 12A, 11B, 1B
    expect(compatibleKeys('nope')).toEqual([]);
  });

  it('the list filter carries every spelling so the store matches however it names the key', () => {
    expect(spellings('C#m')).toEqual(['C#m', 'Dbm']);
    expect(keyFilter('F#', false).sort()).toEqual(['F#', 'Gb']);
    expect(keyFilter('Am', true)).toEqual(['Am', 'C', 'Dm', 'Em']);
  });

  it('offers all 24 keys once', () => {
    expect(new Set(ALL_KEYS).size).toBe(24);
    expect(ALL_KEYS.every((k) => toCamelot(k))).toBe(true);
  });
});
