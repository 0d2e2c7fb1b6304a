/**
 * Key names ↔ Camelot wheel, and "compatible keys" for harmonic mixing: the same key, its relative
 * (same number, other letter) and the neighbours one step round the wheel (±1, same letter).
 */
import { camelotOfName } from '../../../../shared/keys';

/** conventional spellings by Camelot number, for turning wheel positions back into names */
const MAJOR_BY_NUMBER = ['B', 'F#', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E']; // 1B..12B
const MINOR_BY_NUMBER = ['G#m', 'D#m', 'Bbm', 'Fm', 'Cm', 'Gm', 'Dm', 'Am', 'Em', 'Bm', 'F#m', 'C#m']; // 1A..12A

/** enharmonic spellings the store may use for the same pitch class */
const ENHARMONIC: Record<string, string> = {
  'C#': 'Db',
  Db: 'C#',
  'D#': 'Eb',
  Eb: 'D#',
  'F#': 'Gb',
  Gb: 'F#',
  'G#': 'Ab',
  Ab: 'G#',
  'A#': 'Bb',
  Bb: 'A#',
};

function split(key: string): { tonic: string; minor: boolean } | null {
  const m = /^([A-G][#b]?)(m?)$/.exec(key.trim());
  return m ? { tonic: m[1], minor: m[2] === 'm' } : null;
}

export function spellings(key: string): string[] {
  const k = split(key);
  if (!k) return [];
  const alt = ENHARMONIC[k.tonic];
  const suffix = k.minor ? 'm' : '';
  return alt ? [k.tonic + suffix, alt + suffix] : [k.tonic + suffix];
}

/** "Am" → "8A"; null for a name that is not a key */
export const toCamelot = camelotOfName;

export function fromCamelot(code: string): string | null {
  const m = /^(\d{1,2})([AB])$/.exec(code.trim().toUpperCase());
  if (!m) return null;
  const n = Number(m[1]);
  if (n < 1 || n > 12) return null;
  return (m[2] === 'A' ? MINOR_BY_NUMBER : MAJOR_BY_NUMBER)[n - 1];
}

/** the key itself, its relative and its two wheel neighbours (4 keys), as conventional names */
export function compatibleKeys(key: string): string[] {
  const c = toCamelot(key);
  if (!c) return [];
  const n = Number(c.slice(0, -1));
  const letter = c.slice(-1);
  const wrap = (x: number) => ((x + 11) % 12) + 1;
  const codes = [
    c,
    `${n}${letter === 'A' ? 'B' : 'A'}`,
    `${wrap(n - 1)}${letter}`,
    `${wrap(n + 1)}${letter}`,
  ];
  return codes.map((k) => fromCamelot(k)).filter((k): k is string => !!k);
}

/** the list query's `keys`: every spelling of the chosen key (and of its compatible keys) */
export function keyFilter(key: string, compatible: boolean): string[] {
  const base = compatible ? compatibleKeys(key) : [key];
  return [...new Set(base.flatMap(spellings))];
}

export const ALL_KEYS: string[] = [
  ...MAJOR_BY_NUMBER.map((_, i) => MAJOR_BY_NUMBER[(i + 7) % 12]),
  ...MINOR_BY_NUMBER.map((_, i) => MINOR_BY_NUMBER[(i + 7) % 12]),
];
