import { describe, expect, it } from 'vitest';
import { directionalHamming, encodeChord, evaluateChords, InvalidChordError, toHarte } from './chord';

describe('toHarte', () => {
  it('converts conventional symbols', () => {
    const cases: Array<[string, string]> = [
      ['C', 'C:maj'],
      ['Am', 'A:min'],
      ['G7', 'G:7'],
      ['Fmaj7', 'F:maj7'],
      ['Em7', 'E:min7'],
      ['Bm7b5', 'B:hdim7'],
      ['Bdim', 'B:dim'],
      ['Csus4', 'C:sus4'],
      ['C/E', 'C:maj/3'],
      ['Am/C', 'A:min/b3'],
      ['F#m', 'F#:min'],
      ['Bb7', 'Bb:7'],
      ['N', 'N'],
    ];
    for (const [conv, harte] of cases) expect(toHarte(conv), conv).toBe(harte);
  });
  it('passes Harte labels through and rejects unreadable ones', () => {
    expect(toHarte('Eb:maj7')).toBe('Eb:maj7');
    expect(() => toHarte('Hm')).toThrow(InvalidChordError);
    expect(() => toHarte('Cwhatever')).toThrow(InvalidChordError);
  });
});

describe('encodeChord', () => {
  it('encodes root, relative bitmap and bass', () => {
    expect(encodeChord('N')).toEqual({ root: -1, bitmap: Array(12).fill(0), bass: -1 });
    expect(encodeChord('G:7')).toEqual({ root: 7, bitmap: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0], bass: 0 });
    // C:maj/3: bass is the third (4 semitones), already in the triad
    expect(encodeChord('C:maj/3').bass).toBe(4);
    // a bass outside the chord is added to the bitmap (C:maj/b7 → C E G Bb)
    expect(encodeChord('C:maj/b7').bitmap).toEqual([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
    // bare root = major; interval list without quality = only those intervals (+ root)
    expect(encodeChord('D').bitmap).toEqual(encodeChord('D:maj').bitmap);
    expect(encodeChord('D:(1,5)').bitmap).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // an omission removes a degree
    expect(encodeChord('C:min7(*5)').bitmap).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(() => encodeChord('C:foo')).toThrow(InvalidChordError);
  });
});

describe('evaluateChords (WCSR root / majmin / sevenths, seg)', () => {
  // ref: N 0-1, C:maj 1-3, A:min7 3-5, G:7 5-7, B:dim 7-8
  const ref = {
    intervals: [
      [0, 1],
      [1, 3],
      [3, 5],
      [5, 7],
      [7, 8],
    ] as Array<[number, number]>,
    labels: ['N', 'C:maj', 'A:min7', 'G:7', 'B:dim'],
  };
  // est (conventional → Harte): C 0.5-3, Am 3-5, G7 5-8; mir_eval pads 0-0.5 with N
  const est = {
    intervals: [
      [0.5, 3],
      [3, 5],
      [5, 8],
    ] as Array<[number, number]>,
    labels: ['C', 'Am', 'G7'].map(toHarte),
  };
  const s = evaluateChords(ref, est);

  it('root: pieces 0-0.5 N/N, 0.5-1 N/C ✗, 1-3 ✓, 3-5 A/A ✓, 5-7 ✓, 7-8 B/G ✗ → 6.5/8', () => {
    expect(s.root).toBeCloseTo(6.5 / 8, 12);
  });
  it('majmin: B:dim is out of vocabulary (dropped); A:min7 reduces to min ✓ → 6.5/7', () => {
    expect(s.majmin).toBeCloseTo(6.5 / 7, 12);
  });
  it('sevenths: B:dim dropped; A:min7 vs A:min ✗ → (0.5 + 2 + 2)/7', () => {
    expect(s.sevenths).toBeCloseTo(4.5 / 7, 12);
  });
  it('seg: min(over 1 - 0.5/8, under 1 - 1.5/8) = 0.8125', () => {
    // over: ref 0-1 is cut by est boundary 0.5 → 1 - 0.5 = 0.5 lost; others uncut → 0.5/8
    // under: est 0.5-3 cut at 1 → 2.5 - 2 = 0.5; est 5-8 cut at 7 → 3 - 2 = 1 → 1.5/8
    expect(s.seg).toBeCloseTo(0.8125, 12);
    expect(directionalHamming([[0, 1]], [[0, 1]])).toBe(0);
  });
  it('a perfect estimate scores 1 everywhere', () => {
    expect(evaluateChords(ref, ref)).toEqual({ root: 1, majmin: 1, sevenths: 1, seg: 1 });
  });
});
