import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, groupSegments, offDiagonalQuantile, segmentBars, segmentSimilarity, type Matrix } from './segment-structure';

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
  it('respects the minimum segment length', () => {
    // a single odd bar cannot stand alone with minBars 2
    const cuts = segmentBars(blockMatrix('AAAABAAAA'), 0, DEFAULT_PARAMS);
    for (let k = 1; k < cuts.length; k++) expect(cuts[k] - cuts[k - 1]).toBeGreaterThanOrEqual(2);
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
