import { describe, expect, it } from 'vitest';
import { letterOf, nameSections } from './segment-names';

const seg = (group: number, start: number, energyDb: number) => ({ group, start, end: start + 10, energyDb });

describe('nameSections', () => {
  it('names a pop form: intro, verse, chorus (loudest repeat), bridge, outro', () => {
    const names = nameSections([
      seg(0, 0, -20),
      seg(1, 10, -15),
      seg(2, 20, -10),
      seg(1, 30, -15),
      seg(2, 40, -10),
      seg(3, 50, -14),
      seg(2, 60, -10),
      seg(4, 70, -20),
    ]);
    expect(names).toEqual(['intro', 'verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus', 'outro']);
  });
  it('does not guess names when nothing repeats', () => {
    expect(nameSections([seg(0, 0, -10), seg(1, 10, -10), seg(2, 20, -10)])).toEqual([
      'section',
      'section',
      'section',
    ]);
  });
});

describe('letterOf', () => {
  it('runs A…Z then AA, AB', () => {
    expect([0, 1, 25, 26, 27].map(letterOf)).toEqual(['A', 'B', 'Z', 'AA', 'AB']);
  });
});
