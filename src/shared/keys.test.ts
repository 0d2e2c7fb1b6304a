import { describe, expect, it } from 'vitest';
import { camelot, camelotOfName, keyName, mainKey, openKey, parseKeyName, pitchClass } from './keys';

describe('key naming', () => {
  it('maps pitch names to pitch classes, with double accidentals and enharmonics', () => {
    expect([pitchClass('C'), pitchClass('F#'), pitchClass('Gb'), pitchClass('Cb'), pitchClass('B#')]).toEqual([0, 6, 6, 11, 0]);
    expect([pitchClass('E#'), pitchClass('Bbb'), pitchClass('H'), pitchClass('c')]).toEqual([5, 9, null, null]);
  });
  it('names Camelot and Open Key positions (one step per fifth, relatives share a number)', () => {
    expect([camelot(0, 'major'), openKey(0, 'major')]).toEqual(['8B', '1d']);
    expect([camelot(9, 'minor'), openKey(9, 'minor')]).toEqual(['8A', '1m']);
    expect([camelot(7, 'major'), openKey(7, 'major')]).toEqual(['9B', '2d']);
    expect([camelot(8, 'major'), openKey(8, 'major')]).toEqual(['4B', '9d']);
    expect([camelot(2, 'minor'), openKey(2, 'minor')]).toEqual(['7A', '12m']);
    expect([camelot(6, 'minor'), openKey(6, 'minor')]).toEqual(['11A', '4m']);
    expect([camelot(5, 'major'), openKey(5, 'major')]).toEqual(['7B', '12d']);
    const majors = ['B', 'F#', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E'];
    majors.forEach((t, i) => expect(camelotOfName(t)).toBe(`${i + 1}B`));
    const minors = ['G#', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#'];
    minors.forEach((t, i) => expect(camelotOfName(`${t}m`)).toBe(`${i + 1}A`));
    expect(camelotOfName('Gb')).toBe('2B');
    expect(camelotOfName('G#m')).toBe('1A');
    expect(camelotOfName('Abm')).toBe('1A');
    expect(camelotOfName('Hm')).toBeNull();
  });
  it('writes and reads conventional key names', () => {
    expect(keyName({ tonic: 'A', mode: 'minor' })).toBe('Am');
    expect(keyName({ tonic: 'Eb', mode: 'major' })).toBe('Eb');
    expect(parseKeyName('F#m')).toEqual({ tonic: 'F#', mode: 'minor' });
    expect(parseKeyName('Bb')).toEqual({ tonic: 'Bb', mode: 'major' });
    expect(parseKeyName('X')).toBeNull();
  });
  it('finds the key held longest, adding up its regions', () => {
    const r = (start: number, end: number, tonic: string) => ({ start, end, tonic, mode: 'major' as const });
    expect(mainKey([r(0, 10, 'C'), r(10, 25, 'G'), r(25, 40, 'C')])!.tonic).toBe('C');
    expect(mainKey([r(0, 72.5, 'Ab'), r(72.5, 147.5, 'Bb')])!.tonic).toBe('Bb');
    expect(mainKey([])).toBeNull();
  });
});
