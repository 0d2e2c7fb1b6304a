import { describe, expect, it } from 'vitest';
import {
  chordClasses,
  chordLabel,
  chordTemplates,
  decodeChords,
  DEFAULT_CHORD_PARAMS,
  keySpeller,
  QUALITIES,
} from './chords';
import { keyScale } from './key';

const speller = (tonic: string, mode: 'major' | 'minor') => {
  const s = keyScale(tonic, mode);
  return keySpeller(s.notes, keyScale(tonic, mode === 'major' ? 'minor' : 'major').notes);
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

  // [root pitch class, quality, key tonic, key mode, label]
  const spell = (cases: [number, string, string, 'major' | 'minor', string][]) =>
    expect(cases.map(([r, q, t, m]) => chordLabel(cls(r, q), speller(t, m)))).toEqual(cases.map((c) => c[4]));

  it('spells roots in the key context', () => {
    spell([
      [10, 'maj', 'F', 'major', 'Bb'],
      [10, 'dim', 'B', 'major', 'A#dim'],
      [6, 'min', 'D', 'major', 'F#m'],
      [8, 'maj', 'C', 'minor', 'Ab'],
      [7, '7', 'C', 'minor', 'G7'],
      [1, 'maj', 'E', 'major', 'C#'],
    ]);
  });

  it('spells a chromatic root from the parallel key, else as its chord functions', () => {
    spell([
      // borrowed from C minor; G major's bVI and bIII from G minor
      [10, 'maj', 'C', 'major', 'Bb'],
      [8, 'maj', 'C', 'major', 'Ab'],
      [3, 'maj', 'C', 'major', 'Eb'],
      [10, '7', 'C', 'major', 'Bb7'],
      [8, 'maj7', 'C', 'major', 'Abmaj7'],
      [3, 'maj', 'G', 'major', 'Eb'],
      [10, 'maj', 'G', 'major', 'Bb'],
      // minor keys borrow from the parallel major: E minor's G#m, A minor's C#m and F#m
      [8, 'min', 'E', 'minor', 'G#m'],
      [1, 'min', 'A', 'minor', 'C#m'],
      [6, 'min', 'A', 'minor', 'F#m'],
      // in neither key: a Neapolitan is flat, a leading-tone chord raised
      [1, 'maj', 'C', 'major', 'Db'],
      [1, 'maj', 'F', 'major', 'Db'],
      [10, 'maj', 'A', 'minor', 'Bb'],
      [1, 'dim', 'C', 'major', 'C#dim'],
      [6, 'dim', 'C', 'major', 'F#dim'],
      [6, 'hdim7', 'C', 'major', 'F#m7b5'],
      [3, 'dim', 'A', 'minor', 'D#dim'],
      // a parallel key that is only theoretical lends no odd names: C in G# minor, not B# (G# major)
      [0, 'maj', 'G#', 'minor', 'C'],
      [4, 'maj', 'Db', 'major', 'E'],
    ]);
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

  describe('a third the audio barely tells is taken from the key', () => {
    const D7 = classes.indexOf(cls(2, '7'));
    const Dm7 = classes.indexOf(cls(2, 'min7'));
    const E7 = classes.indexOf(cls(4, '7'));
    const Em7 = classes.indexOf(cls(4, 'min7'));
    const aMinor = keyScale('A', 'minor').mask;
    const noRule = { ...DEFAULT_CHORD_PARAMS, thirdKeyBonus: 0 };
    /**
     * Four beats whose treble chroma lies between two classes' templates (share = the first's), bass
     * on the root, and overtone-free thirds: the first class's third at `own`, the other's at `other`.
     */
    function blend(a: number, b: number, share: number, mask: number, own: number, other: number) {
      const nSeg = 4;
      const treble = new Float32Array(nSeg * 12);
      const bass = new Float32Array(nSeg * 12);
      const thirds = new Float32Array(nSeg * 12);
      const third = (c: number) =>
        (classes[c].root + (classes[c].quality.intervals.includes(3) ? 3 : 4)) % 12;
      for (let s = 0; s < nSeg; s++) {
        let ss = 0;
        for (let k = 0; k < 12; k++) ss += (share * tpl[a * 12 + k] + (1 - share) * tpl[b * 12 + k]) ** 2;
        for (let k = 0; k < 12; k++)
          treble[s * 12 + k] = (share * tpl[a * 12 + k] + (1 - share) * tpl[b * 12 + k]) / Math.sqrt(ss);
        bass[s * 12 + classes[a].root] = 1;
        thirds[s * 12 + classes[a].root] = 0.5;
        thirds[s * 12 + third(a)] = own;
        thirds[s * 12 + third(b)] = other;
      }
      const keyMask = new Uint16Array(nSeg).fill(mask);
      return { nSeg, treble, bass, silent: new Uint8Array(nSeg), keyMask, thirds };
    }

    it('reads an ambiguous D(m)7 in A minor as Dm7; as D7 without a key or without the rule', () => {
      // the templates lean to D7 (60 %), and without the overtones F# (0.15) is hardly above F (0.12)
      const inKey = blend(D7, Dm7, 0.6, aMinor, 0.15, 0.12);
      expect(Array.from(decodeChords(inKey).path)).toEqual([Dm7, Dm7, Dm7, Dm7]);
      expect(Array.from(decodeChords(inKey, noRule).path)).toEqual([D7, D7, D7, D7]);
      expect(Array.from(decodeChords({ ...inKey, keyMask: new Uint16Array(4) }).path)).toEqual([
        D7,
        D7,
        D7,
        D7,
      ]);
    });

    it('keeps an out-of-key third the audio does tell: a soft D7 as a secondary dominant in A minor', () => {
      // the same leaning templates, but F# stands clear of F once the overtones are gone
      expect(Array.from(decodeChords(blend(D7, Dm7, 0.6, aMinor, 0.15, 0.05)).path)).toEqual([
        D7,
        D7,
        D7,
        D7,
      ]);
      // and a plain D7 (all of the template) is far more than the key's weight
      expect(Array.from(decodeChords(blend(D7, Dm7, 1, aMinor, 0.15, 0.12)).path)).toEqual([D7, D7, D7, D7]);
    });

    it('leaves the third to the audio when both are in the key (E7 and Em7 in A minor)', () => {
      expect(Array.from(decodeChords(blend(E7, Em7, 0.6, aMinor, 0.15, 0.12)).path)).toEqual([
        E7,
        E7,
        E7,
        E7,
      ]);
      expect(Array.from(decodeChords(blend(Em7, E7, 0.6, aMinor, 0.15, 0.12)).path)).toEqual([
        Em7,
        Em7,
        Em7,
        Em7,
      ]);
    });
  });
});
