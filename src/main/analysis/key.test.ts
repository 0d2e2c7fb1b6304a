import { describe, expect, it } from 'vitest';
import {
  chordKeyEvidence,
  estimateKeyRegions,
  keyRelation,
  keyScale,
  keyTonicName,
  relatedKeys,
} from './key';

describe('key names', () => {
  it('names tonics by the key signature with fewer accidentals', () => {
    expect(keyTonicName(10, 'major')).toBe('Bb');
    expect(keyTonicName(8, 'major')).toBe('Ab');
    expect(keyTonicName(1, 'major')).toBe('Db');
    expect(keyTonicName(6, 'major')).toBe('F#');
    expect(keyTonicName(1, 'minor')).toBe('C#');
    expect(keyTonicName(6, 'minor')).toBe('F#');
    expect(keyTonicName(8, 'minor')).toBe('G#');
    expect(keyTonicName(10, 'minor')).toBe('Bb');
    expect(keyTonicName(3, 'minor')).toBe('Eb');
  });

  it('builds scales for spelling and the diatonic mask (minor includes the leading tone)', () => {
    const f = keyScale('F', 'major');
    expect(f.notes).toContain('Bb');
    expect(f.preferFlats).toBe(true);
    const am = keyScale('A', 'minor');
    expect(am.notes).toEqual(expect.arrayContaining(['G', 'G#']));
    expect(am.mask).toBe([9, 11, 0, 2, 4, 5, 7, 8].reduce((m, pc) => m | (1 << pc), 0));
  });

  it('lists relative, parallel, dominant and subdominant keys', () => {
    // C major = 0, A minor = 12 + 9
    expect(relatedKeys(0).map((k) => keyRelation(0, k))).toEqual([
      'relative',
      'parallel',
      'dominant',
      'subdominant',
    ]);
    expect(relatedKeys(21)).toEqual([0, 9, 12 + 4, 12 + 2]);
  });
});

describe('estimateKeyRegions', () => {
  const major = [1, 0, 0.6, 0, 0.8, 0.7, 0, 0.9, 0, 0.6, 0, 0.4];
  const rot = (v: number[], n: number) => v.map((_, i) => v[(i - n + 12) % 12]);
  function build(parts: { pcs: number[]; beats: number }[]) {
    const rows: number[] = [];
    for (const p of parts) for (let b = 0; b < p.beats; b++) rows.push(...p.pcs);
    const times = Array.from({ length: rows.length / 12 + 1 }, (_, i) => i * 0.5);
    return { chroma: Float32Array.from(rows), times };
  }

  it('returns one region for a song in one key', () => {
    const { chroma, times } = build([{ pcs: rot(major, 7), beats: 200 }]);
    const r = estimateKeyRegions(chroma, times);
    expect(r.map((x) => x.key)).toEqual([7]);
    expect(r[0].start).toBe(0);
    expect(r[0].end).toBe(100);
  });

  it('splits at a modulation that lasts, ignores a brief one', () => {
    const { chroma, times } = build([
      { pcs: rot(major, 8), beats: 120 },
      { pcs: rot(major, 3), beats: 10 }, // 5 s excursion: too short to be a region
      { pcs: rot(major, 8), beats: 20 },
      { pcs: rot(major, 10), beats: 150 },
    ]);
    const r = estimateKeyRegions(chroma, times);
    expect(r.map((x) => x.key)).toEqual([8, 10]);
    expect(Math.abs(r[1].start - 75)).toBeLessThan(6);
  });

  it('reports no key for flat or empty chroma', () => {
    const { chroma, times } = build([{ pcs: new Array(12).fill(1), beats: 50 }]);
    expect(estimateKeyRegions(chroma, times)).toEqual([]);
    expect(estimateKeyRegions(new Float32Array(0), [0])).toEqual([]);
  });
});

describe('chordKeyEvidence', () => {
  const mask = (pcs: number[]) => pcs.reduce((m, p) => m | (1 << p), 0);
  it('scores diatonic chords and the tonic chord', () => {
    // Bbmaj7, F7, Cm7: all diatonic to Bb major; F7 (with Eb) and Cm7 are not in F major
    const masks = Uint16Array.from([mask([10, 2, 5, 9]), mask([5, 9, 0, 3]), mask([0, 3, 7, 10])]);
    const ev = chordKeyEvidence(masks, Int8Array.from([10, 5, 0]), Uint8Array.from([0, 0, 1]), 0.5);
    const sum = (k: number) => ev[k] + ev[24 + k] + ev[48 + k];
    expect(sum(10)).toBe(3.5); // Bb major: three diatonic chords + its tonic chord
    expect(sum(5)).toBe(1.5); // F major: only Bbmaj7 fits, plus F7 as a major-quality chord on its tonic
    expect(sum(12 + 7)).toBeLessThan(sum(10)); // G minor (relative) lacks the tonic bonus
  });

  it('gives N segments no evidence', () => {
    const ev = chordKeyEvidence(Uint16Array.from([0]), Int8Array.from([-1]), Uint8Array.from([0]), 0.5);
    expect(Array.from(ev).every((v) => v === 0)).toBe(true);
  });
});
