import { describe, expect, it } from 'vitest';
import { chordClasses, chordLabel, chordTemplates, decodeChords, keySpeller, QUALITIES } from './chords';
import { keyScale } from './key';

const speller = (tonic: string, mode: 'major' | 'minor') => {
  const s = keyScale(tonic, mode);
  return keySpeller(s.notes, s.preferFlats);
};
const ALL = chordClasses();
const cls = (root: number, harte: string) => ALL.find((c) => c.root === root && c.quality.harte === harte)!;

describe('chord labels', () => {
  it('uses conventional symbols for the whole vocabulary', () => {
    const c = speller('C', 'major');
    const labels = QUALITIES.map((q) =>
      chordLabel(cls(q.harte === 'hdim7' || q.harte === 'dim' ? 11 : 0, q.harte), c),
    );
    // the last class is a lone note: not a chord
    expect(labels).toEqual(['C', 'Cm', 'C7', 'Cmaj7', 'Cm7', 'Bdim', 'Bm7b5', 'Csus4', 'N']);
  });

  it('spells roots in the key context', () => {
    expect(chordLabel(cls(10, 'maj'), speller('F', 'major'))).toBe('Bb');
    expect(chordLabel(cls(10, 'dim'), speller('B', 'major'))).toBe('A#dim');
    expect(chordLabel(cls(6, 'min'), speller('D', 'major'))).toBe('F#m');
    expect(chordLabel(cls(8, 'maj'), speller('C', 'minor'))).toBe('Ab');
    expect(chordLabel(cls(7, '7'), speller('C', 'minor'))).toBe('G7');
    // outside the scale: the key's accidental direction
    expect(chordLabel(cls(1, 'maj'), speller('F', 'major'))).toBe('Db');
    expect(chordLabel(cls(1, 'maj'), speller('E', 'major'))).toBe('C#');
  });
});

describe('decodeChords', () => {
  const classes = ALL;
  const tpl = chordTemplates(classes, 0.8, 6);
  function input(seq: number[], bassRoots: number[]) {
    const nSeg = seq.length;
    const treble = new Float32Array(nSeg * 12);
    const bass = new Float32Array(nSeg * 12);
    seq.forEach((c, s) => {
      if (c >= 0) treble.set(tpl.subarray(c * 12, c * 12 + 12), s * 12);
      if (bassRoots[s] >= 0) bass[s * 12 + bassRoots[s]] = 1;
    });
    const silent = Uint8Array.from(seq.map((c) => (c < 0 ? 1 : 0)));
    return { nSeg, treble, bass, silent, keyMask: new Uint16Array(nSeg) };
  }

  it('smooths a one-beat blip away but keeps a held change', () => {
    const C = classes.indexOf(cls(0, 'maj'));
    const G = classes.indexOf(cls(7, 'maj'));
    const seq = [C, C, C, C, G, C, C, C, G, G, G, G];
    const bassRoots = seq.map((c) => classes[c].root);
    // the blip at beat 4 has a weak treble only: scale it down
    const inp = input(seq, bassRoots);
    for (let k = 0; k < 12; k++)
      inp.treble[4 * 12 + k] = 0.5 * inp.treble[4 * 12 + k] + 0.5 * inp.treble[3 * 12 + k];
    inp.bass.fill(0, 4 * 12, 5 * 12);
    inp.bass[4 * 12] = 1;
    const out = decodeChords(inp);
    expect(Array.from(out.path)).toEqual([C, C, C, C, C, C, C, C, G, G, G, G]);
  });

  it('moves an ambiguous change to where changing is cheap (a downbeat)', () => {
    const C = classes.indexOf(cls(0, 'maj'));
    const G = classes.indexOf(cls(7, 'maj'));
    const seq = [C, C, C, C, G, G, G, G];
    const inp = input(
      seq,
      seq.map((c) => classes[c].root),
    );
    // beat 3 is half C, half G: evidence alone cannot place the change
    for (let k = 0; k < 12; k++)
      inp.treble[3 * 12 + k] = 0.5 * (inp.treble[2 * 12 + k] + inp.treble[4 * 12 + k]);
    inp.bass.fill(0, 3 * 12, 4 * 12);
    const early = new Float32Array(8).fill(3);
    early[3] = 1; // a downbeat at beat 3: changing there is cheap
    const late = new Float32Array(8).fill(3);
    late[4] = 1;
    expect(Array.from(decodeChords({ ...inp, changeScale: early }).path)).toEqual([C, C, C, G, G, G, G, G]);
    expect(Array.from(decodeChords({ ...inp, changeScale: late }).path)).toEqual([C, C, C, C, G, G, G, G]);
  });

  it('labels silent segments N', () => {
    const Am = classes.indexOf(cls(9, 'min'));
    const out = decodeChords(input([-1, -1, Am, Am, Am, -1], [-1, -1, 9, 9, 9, -1]));
    const N = classes.length;
    expect(Array.from(out.path)).toEqual([N, N, Am, Am, Am, N]);
    for (const c of out.conf) expect(c).toBeGreaterThan(0);
  });
});
