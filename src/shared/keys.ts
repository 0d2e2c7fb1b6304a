/**
 * Key naming shared by the engine (song map regions, summary) and the renderer (header, filters,
 * exports): pitch classes, conventional names, the Camelot and Open Key wheels, the main key of a song.
 * Pure functions, no dependencies.
 */
export type Mode = 'major' | 'minor';

const NATURAL_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Pitch class 0..11 of a pitch name ("C", "F#", "Bb", "Cb", "E#", "Bbb"); null if not a pitch name. */
export function pitchClass(name: string): number | null {
  const m = /^([A-G])(#{1,2}|b{1,2})?$/.exec(name);
  if (!m) return null;
  const acc = m[2] ?? '';
  const shift = acc.startsWith('#') ? acc.length : -acc.length;
  return (((NATURAL_PC[m[1]] + shift) % 12) + 12) % 12;
}

/** Position of a key on the circle of fifths from C (0..11), via its relative major. */
const fifthsFromC = (pc: number, mode: Mode): number => (((mode === 'major' ? pc : pc + 3) % 12) * 7) % 12;

/** Camelot wheel: C major = 8B, A minor = 8A; one step per fifth. */
export const camelot = (pc: number, mode: Mode): string =>
  `${((fifthsFromC(pc, mode) + 7) % 12) + 1}${mode === 'major' ? 'B' : 'A'}`;

/** Open Key notation: C major = 1d, A minor = 1m; one step per fifth. */
export const openKey = (pc: number, mode: Mode): string =>
  `${fifthsFromC(pc, mode) + 1}${mode === 'major' ? 'd' : 'm'}`;

/** Conventional key name: "C", "Am", "F#m". */
export const keyName = (k: { tonic: string; mode: Mode }): string => (k.mode === 'minor' ? `${k.tonic}m` : k.tonic);

/** "Am" → {tonic: "A", mode: "minor"}; null when the text is not a key name. */
export function parseKeyName(name: string): { tonic: string; mode: Mode } | null {
  const m = /^([A-G](?:#{1,2}|b{1,2})?)(m?)$/.exec(name.trim());
  return m ? { tonic: m[1], mode: m[2] ? 'minor' : 'major' } : null;
}

/** Camelot name of a conventional key name ("Am" → "8A"); null when it is not a key. */
export function camelotOfName(name: string): string | null {
  const k = parseKeyName(name);
  const pc = k ? pitchClass(k.tonic) : null;
  return k && pc !== null ? camelot(pc, k.mode) : null;
}

/** The key held longest over the song (regions of the same key added up); null without regions. */
export function mainKey<R extends { start: number; end: number; tonic: string; mode: Mode }>(
  regions: readonly R[],
): R | null {
  const total = new Map<string, number>();
  let best: R | null = null;
  let bestLen = -1;
  for (const r of regions) {
    const k = `${r.tonic}|${r.mode}`;
    const len = (total.get(k) ?? 0) + Math.max(0, r.end - r.start);
    total.set(k, len);
    if (len > bestLen) {
      bestLen = len;
      best = r;
    }
  }
  return best;
}
