import { describe, expect, it } from 'vitest';
import type { BarFeatures } from './segment-features';
import {
  DEFAULT_PARAMS,
  barNovelty,
  chromaSimilarity,
  continuity,
  groupSegments,
  lagSimilarity,
  offDiagonalQuantile,
  phrasePhase,
  refineCuts,
  segmentBars,
  segmentOnPhrases,
  segmentSimilarity,
  standardise,
  type Matrix,
} from './segment-structure';

/** similarity 1 between bars of the same block label, -1 otherwise */
function blockMatrix(labels: string): Matrix {
  const n = labels.length;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v[i * n + j] = labels[i] === labels[j] ? 1 : -1;
  return { n, v };
}

describe('segmentBars', () => {
  it('cuts where the block structure changes', () => {
    // AAAA BBBB AAAA CC: blocks of mutually similar bars
    const s = blockMatrix('AAAABBBBAAAACC');
    expect(segmentBars(s, 0, DEFAULT_PARAMS)).toEqual([0, 4, 8, 12, 14]);
  });
  it('keeps a uniform song in one piece when the penalty outweighs nothing gained', () => {
    const s = blockMatrix('AAAAAAAA');
    expect(segmentBars(s, 0, DEFAULT_PARAMS)).toEqual([0, 8]);
  });
  it('prefers sections of whole 4-bar phrases where the bars leave it open', () => {
    // a 4-bar verse, then a chorus whose first bar still sounds half like the verse
    const labels = 'AAAA' + 'B'.repeat(12);
    const s = blockMatrix(labels);
    // bar 4 is like every verse bar and like only the chorus's second half
    for (let j = 0; j < 16; j++) {
      const v = j < 4 || j >= 11 ? 1 : -1;
      if (j !== 4) s.v[4 * 16 + j] = s.v[j * 16 + 4] = v;
    }
    expect(segmentBars(s, 0, { ...DEFAULT_PARAMS, phrasePenalty: 0 })).toEqual([0, 5, 16]);
    expect(segmentBars(s, 0, DEFAULT_PARAMS)).toEqual([0, 4, 16]);
  });
  it('does not force the phrase grid over clear evidence', () => {
    // a 3-bar intro that is plainly different from everything after it
    expect(segmentBars(blockMatrix('CCC' + 'A'.repeat(8) + 'B'.repeat(8)), 0, DEFAULT_PARAMS)).toEqual([
      0, 3, 11, 19,
    ]);
  });
  it('respects the minimum segment length', () => {
    // a single odd bar cannot stand alone with minBars 2
    const cuts = segmentBars(blockMatrix('AAAABAAAA'), 0, DEFAULT_PARAMS);
    for (let k = 1; k < cuts.length; k++) expect(cuts[k] - cuts[k - 1]).toBeGreaterThanOrEqual(2);
  });
});

/** `w` of the block matrix plus `1 - w` of it averaged along the diagonal over ±2 bars (as the lag features blur it) */
function blurredBlocks(labels: string, w: number): Matrix {
  const m = blockMatrix(labels);
  const { n } = m;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let cnt = 0;
      for (let d = -2; d <= 2; d++)
        if (i + d >= 0 && j + d >= 0 && i + d < n && j + d < n) {
          sum += m.v[(i + d) * n + j + d];
          cnt++;
        }
      v[i * n + j] = w * m.v[i * n + j] + (1 - w) * (sum / cnt);
    }
  return { n, v };
}

describe('phrase phase', () => {
  const introSong = 'CC' + 'AAAABBBB'.repeat(3); // a 2-bar intro, then 4-bar sections: lines at 2, 6, 10 …

  it('novelty peaks at the section lines', () => {
    const nov = barNovelty(blockMatrix(introSong), 2);
    const lines = [2, 6, 10, 14, 18, 22];
    for (let b = 1; b < introSong.length; b++)
      if (!lines.includes(b)) for (const l of lines) expect(nov[l]).toBeGreaterThan(nov[b]);
  });

  it('is 2 after a 2-bar intro, 0 when sections start at bar 0, 0 when switched off or too short', () => {
    expect(phrasePhase(barNovelty(blurredBlocks(introSong, 0.3), 2), introSong.length, 0.5)).toBe(2);
    const plain = 'AAAABBBB'.repeat(3) + 'CCCC';
    expect(phrasePhase(barNovelty(blurredBlocks(plain, 0.3), 2), plain.length, 0.5)).toBe(0);
    expect(phrasePhase(barNovelty(blurredBlocks(introSong, 0.3), 2), introSong.length, Infinity)).toBe(0);
    expect(phrasePhase(barNovelty(blockMatrix('CCAAAABBBB'), 2), 10, 0.5)).toBe(0);
  });

  it('anchors the phrase prior: with blurred evidence the cuts follow the grid it is given', () => {
    const s = blurredBlocks(introSong, 0.1);
    // anchored at bar 0, every cut lands two bars off, all the same way (the failure this fixes)
    expect(segmentBars(s, 0, DEFAULT_PARAMS, 0)).toEqual([0, 4, 8, 12, 16, 20, 24, 26]);
    // anchored two bars in, the 2-bar intro is free and the sections line up
    expect(segmentBars(s, 0, DEFAULT_PARAMS, 2)).toEqual([0, 2, 6, 10, 14, 18, 22, 26]);
  });
});

describe('6-bar phrases', () => {
  // a 2-bar intro, then 6-bar sections: lines at 2, 8, 14, 20, 26, 32
  const sixSong = 'CC' + 'AAAAAABBBBBB'.repeat(2) + 'DDDDDD' + 'BBBBBB';

  it('reads a song of 6-bar sections on a 6-bar grid, and cuts it where its sections start', () => {
    const s = blurredBlocks(sixSong, 0.1);
    const r = segmentOnPhrases(s, 0, DEFAULT_PARAMS, 0);
    expect(r.grid).toEqual({ period: 6, phase: 2 });
    expect(r.cuts).toEqual([0, 2, 8, 14, 20, 26, 32, 38]);
    // on the 4-bar grid alone the same evidence is cut elsewhere (what this fixes)
    const four = segmentOnPhrases(s, 0, { ...DEFAULT_PARAMS, periodMargin: Infinity }, 0);
    expect(four.grid).toEqual({ period: 4, phase: 0 });
    expect(four.cuts).not.toEqual(r.cuts);
  });

  it('keeps 4-bar phrases for songs of 4- and 8-bar sections, and for songs too short to tell', () => {
    for (const song of ['AAAABBBB'.repeat(3) + 'CCCC', 'AAAAAAAABBBBBBBB'.repeat(2) + 'CCCCCCCC']) {
      const r = segmentOnPhrases(blurredBlocks(song, 0.1), 0, DEFAULT_PARAMS, 0);
      expect(r.grid.period).toBe(4);
      expect(r.cuts).toEqual(segmentBars(blurredBlocks(song, 0.1), 0, DEFAULT_PARAMS, 0));
    }
    expect(segmentOnPhrases(blurredBlocks('AAAAAABBBBBB', 0.1), 0, DEFAULT_PARAMS, 0).grid.period).toBe(4);
  });
});

describe('segmentSimilarity / groupSegments', () => {
  it('aligns a short segment inside a longer one along the diagonal', () => {
    // bars 0-3 = x y z w; bars 4-5 = z w: the best alignment (offset 2) matches exactly
    const s = blockMatrix('xyzwzw');
    expect(segmentSimilarity(s, 4, 6, 0, 4)).toBe(1);
    expect(segmentSimilarity(s, 0, 2, 4, 6)).toBe(-1);
  });
  it('gives repeated material one letter, in order of first appearance', () => {
    const s = blockMatrix('AAAABBBBAAAACC');
    const { groups } = groupSegments(s, [0, 4, 8, 12, 14], 0.25);
    expect(groups).toEqual([0, 1, 0, 2]);
  });
  it('offDiagonalQuantile reads the upper triangle', () => {
    // AAB: pairs (0,1)=1, (0,2)=-1, (1,2)=-1 → sorted [-1,-1,1]; q 0.7 → index 2 → 1
    expect(offDiagonalQuantile(blockMatrix('AAB'), 0.7)).toBe(1);
    expect(offDiagonalQuantile(blockMatrix('AAB'), 0.5)).toBe(-1);
  });
});

describe('chromaSimilarity / refineCuts', () => {
  /** one bar per chord symbol; a chord is a one-hot pitch class in every beat slot */
  function chordBars(seq: string): BarFeatures {
    const n = seq.length;
    const slots = 2;
    const chroma = new Float32Array(n * slots * 12);
    for (let i = 0; i < n; i++)
      for (let s = 0; s < slots; s++) chroma[(i * slots + s) * 12 + (seq.charCodeAt(i) % 12)] = 1;
    return { n, slots, chroma, timbre: new Float32Array(n * 12), energyDb: new Float32Array(n) };
  }

  it('compares bars by their centred per-slot chroma', () => {
    const c = chromaSimilarity(chordBars('abab'));
    expect(c.v[0 * 4 + 2]).toBeCloseTo(1, 6);
    expect(c.v[0 * 4 + 1]).toBeLessThan(0);
    expect(c.v[1 * 4 + 1]).toBe(1);
  });

  it('moves a cut to the bar where the repeated chord sequence starts', () => {
    // intro "wxyz", verse "abcd", chorus "efgh" ×2, verse, chorus: the intro's last two bars were
    // cut into the verse (cut at 2, not 4); the verse's repeat at 16 says where it begins
    const seq = 'wxyz' + 'abcd' + 'efgh' + 'efgh' + 'abcd' + 'efgh';
    const c = chromaSimilarity(chordBars(seq));
    const cuts = [0, 2, 8, 16, 20, 24];
    const groups = [0, 1, 2, 1, 2];
    expect(refineCuts(c, cuts, groups, 4, 2, 2, 0.3)).toEqual([0, 4, 8, 16, 20, 24]);
  });

  it('leaves cuts alone when no shift lines them up better, or within one letter', () => {
    const seq = 'wxyz' + 'abcd' + 'efgh' + 'efgh' + 'abcd' + 'efgh';
    const c = chromaSimilarity(chordBars(seq));
    const right = [0, 4, 8, 12, 16, 20, 24];
    expect(refineCuts(c, right, [0, 1, 2, 2, 1, 2], 4, 2, 2, 0.3)).toEqual(right);
    // off by two but inside a run of one letter: kept (a doubled chorus has no neighbour to trade with)
    expect(refineCuts(c, [0, 4, 8, 14, 16, 20, 24], [0, 1, 2, 2, 1, 2], 4, 2, 2, 0.3)).toEqual([
      0, 4, 8, 14, 16, 20, 24,
    ]);
  });
});

describe('lagSimilarity / standardise / continuity', () => {
  it('continuity is high for blocks of alike bars and about zero for noise', () => {
    expect(continuity(blockMatrix('AAAABBBBAAAACCCC'))).toBeGreaterThan(0.8);
    let seed = 3;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const n = 40;
    const v = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) v[i * n + j] = v[j * n + i] = i === j ? 1 : rnd();
    expect(Math.abs(continuity({ n, v }))).toBeLessThan(0.4);
  });

  it('standardise puts the chosen quantile at zero', () => {
    const m = standardise(blockMatrix('AAB'), 0.7);
    // off-diagonal values 1, -1, -1: the 0.7 quantile is 1
    expect(m.v[0 * 3 + 1]).toBe(0);
    expect(m.v[0 * 3 + 2]).toBeLessThan(0);
  });

  it('gives bars that recur at the same lags a common block', () => {
    // x y z w repeated 3 times, then 4 unrelated bars: the first 12 bars recur at ±4/±8, the tail never
    const s = blockMatrix('xyzwxyzwxyzwabcd');
    const l = lagSimilarity(s, 2, 1, 160);
    const n = 16;
    expect(l.v[5 * n + 6]).toBeGreaterThan(0.5);
    expect(l.v[5 * n + 14]).toBeLessThan(0);
  });
});
