/**
 * The browsing summary of a song map (results-table columns): duration, BPM, key, Camelot, tags.
 */
import type { JobSummary } from '../../shared/domain';
import type { KeyRegion, SongMap } from '../../shared/songmap';

const PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Pitch class 0..11 of a pitch name ("C", "F#", "Bb", "Cb", "E#"); null if not a pitch name. */
export function pitchClass(name: string): number | null {
  const m = /^([A-G])(#{1,2}|b{1,2})?$/.exec(name);
  if (!m) return null;
  const acc = m[2] ?? '';
  const shift = acc.startsWith('#') ? acc.length : -acc.length;
  return (((PC[m[1]] + shift) % 12) + 12) % 12;
}

/** Camelot name: C major = 8B, A minor = 8A; each step clockwise is a fifth up. */
export function camelot(tonic: string, mode: 'major' | 'minor'): string | null {
  const pc = pitchClass(tonic);
  if (pc === null) return null;
  const majorPc = mode === 'major' ? pc : (pc + 3) % 12;
  const n = ((majorPc * 7 + 7) % 12) + 1;
  return `${n}${mode === 'major' ? 'B' : 'A'}`;
}

export const keyName = (tonic: string, mode: 'major' | 'minor'): string =>
  mode === 'minor' ? `${tonic}m` : tonic;

/** The key held longest over the song (regions of the same key are added up). */
export function mainKey(regions: readonly KeyRegion[]): KeyRegion | null {
  const total = new Map<string, { d: number; r: KeyRegion }>();
  for (const r of regions) {
    const k = `${r.tonic}:${r.mode}`;
    const e = total.get(k);
    const d = Math.max(0, r.end - r.start);
    if (e) e.d += d;
    else total.set(k, { d, r });
  }
  let best: { d: number; r: KeyRegion } | null = null;
  for (const e of total.values()) if (!best || e.d > best.d) best = e;
  return best?.r ?? null;
}

export function summarize(map: SongMap): JobSummary {
  const key = mainKey(map.key);
  return {
    durationSec: map.duration_sec,
    bpm: map.tempo ? Math.round(map.tempo.bpm_global * 10) / 10 : null,
    key: key ? keyName(key.tonic, key.mode) : null,
    camelot: key ? (key.camelot ?? camelot(key.tonic, key.mode)) : null,
    title: map.tags?.title ?? null,
    artist: map.tags?.artist ?? null,
  };
}
