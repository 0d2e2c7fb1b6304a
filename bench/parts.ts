/**
 * The split of a generated (wide) set into the part parameters are chosen on and the part that is
 * only ever reported: by song number, even ids to tune, odd ids held out. Songs without a number
 * (the development set's s01, m02 …) belong to neither.
 */
export type Part = 'tune' | 'held';

export function partOf(id: string): Part | null {
  const m = /(\d+)$/.exec(id);
  if (!m || !/^w\d+$/.test(id)) return null;
  return Number(m[1]) % 2 === 0 ? 'tune' : 'held';
}
