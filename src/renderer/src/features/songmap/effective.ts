/**
 * The song map as the user sees it: the detection with the user's corrections applied on top.
 * The detection itself is never modified; every export and view reads this instead.
 */
import type { Chord, KeyRegion, SongMap } from '../../../../shared/songmap';
import type { Edits } from '../../../../shared/domain';
import { camelotOfName, keyName, mainKey } from '../../../../shared/keys';

export interface Meter {
  numerator: number;
  denominator: number;
}

export interface EffectiveMap {
  source: SongMap;
  edits: Edits;
  duration: number;
  bpm: number | null;
  beats: number[];
  downbeats: number[];
  meter: Meter | null;
  keyRegions: KeyRegion[];
  /** the song's main key: the edited one, or the longest detected region */
  key: { tonic: string; mode: 'major' | 'minor' } | null;
  chords: Chord[];
  /** [t, bpm] points */
  tempoCurve: [number, number][];
  sections: SongMap['sections'];
  /**
   * the detection's calibrated confidences for what is shown, or null: missing in the map (older maps,
   * no beat_confidence) or overridden by the user's own edit (their choice is not the detection's guess)
   */
  confidence: { tempo: number | null; beats: number | null; key: number | null };
  edited: { bpm: boolean; downbeatOffset: boolean; meter: boolean; key: boolean; chords: Set<number> };
}

const nearestIndex = (sorted: number[], t: number): number => {
  let lo = 0;
  let hi = sorted.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(sorted[lo - 1] - t) <= Math.abs(sorted[lo] - t) ? lo - 1 : lo;
};

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** beats per bar: the meter when known, else what the detected downbeat spacing says, else unknown */
export function beatsPerBar(meter: Meter | null, beats: number[], downbeats: number[]): number | null {
  if (meter) return meter.numerator;
  const idx = downbeats.map((d) => nearestIndex(beats, d)).filter((i) => i >= 0);
  const gaps = idx
    .slice(1)
    .map((b, i) => b - idx[i])
    .filter((g) => g > 0);
  return median(gaps);
}

/** a constant grid at `bpm` through the whole song, anchored on a detected beat so it stays in phase */
export function uniformGrid(bpm: number, anchor: number, duration: number): number[] {
  const step = 60 / bpm;
  const first = anchor - Math.floor(anchor / step) * step;
  const out: number[] = [];
  for (let t = first; t <= duration + 1e-9; t += step) out.push(Math.round(t * 1e4) / 1e4);
  return out;
}

export { keyName, mainKey } from '../../../../shared/keys';

/** the main key's confidence: its regions' confidences weighted by their length */
export function mainKeyConfidence(regions: readonly KeyRegion[]): number | null {
  const main = mainKey(regions);
  if (!main) return null;
  const same = regions.filter((r) => r.tonic === main.tonic && r.mode === main.mode);
  const len = same.reduce((a, r) => a + Math.max(0, r.end - r.start), 0);
  if (len <= 0) return main.conf;
  return same.reduce((a, r) => a + r.conf * Math.max(0, r.end - r.start), 0) / len;
}

const tonicAndMode = (k: KeyRegion | null): EffectiveMap['key'] => (k ? { tonic: k.tonic, mode: k.mode } : null);

export function effectiveMap(map: SongMap, edits: Edits | null): EffectiveMap {
  const e: Edits = edits ?? {};
  const duration = map.duration_sec;
  const meter = e.meter ?? map.meter ?? null;
  const bpm = e.bpm ?? map.tempo?.bpm_global ?? null;

  let beats = map.beats;
  if (e.bpm != null) beats = uniformGrid(e.bpm, map.downbeats[0] ?? map.beats[0] ?? 0, duration);

  const offset = e.downbeatOffset ?? 0;
  let downbeats = map.downbeats;
  const regrid = e.bpm != null || e.meter != null || offset !== 0;
  if (regrid) {
    const perBar = beatsPerBar(meter, map.beats, map.downbeats);
    const firstDown = map.downbeats[0] ?? null;
    if (perBar && beats.length && firstDown != null) {
      const d0 = nearestIndex(beats, firstDown) + offset;
      const phase = ((d0 % perBar) + perBar) % perBar;
      downbeats = beats.filter((_, i) => i % perBar === phase);
    } else if (perBar && beats.length && firstDown == null) {
      // no detected downbeat to anchor on: the user's offset counts from the first beat
      const phase = ((offset % perBar) + perBar) % perBar;
      downbeats = beats.filter((_, i) => i % perBar === phase);
    } else downbeats = [];
  }

  const keyRegions: KeyRegion[] = e.key
    ? [
        {
          start: 0,
          end: duration,
          tonic: e.key.tonic,
          mode: e.key.mode,
          conf: 1,
          camelot: camelotOfName(keyName(e.key)) ?? undefined,
        },
      ]
    : map.key;
  const chordEdits = e.chords ?? {};
  const editedChords = new Set<number>();
  const chords = map.chords.map((c, i) => {
    const label = chordEdits[String(i)];
    if (label == null) return c;
    editedChords.add(i);
    return { ...c, label };
  });
  const confidence = {
    tempo: e.bpm != null ? null : (map.tempo?.confidence ?? null),
    // an edited BPM replaces the detected beats by a uniform grid: their confidence no longer applies
    beats: e.bpm != null ? null : (map.tempo?.beat_confidence ?? null),
    key: e.key != null ? null : mainKeyConfidence(map.key),
  };
  const tempoCurve: [number, number][] =
    e.bpm != null ? [[0, e.bpm]] : (map.tempo?.curve ?? []).map(([t, b]) => [t, b]);

  return {
    source: map,
    edits: e,
    duration,
    bpm,
    beats,
    downbeats,
    meter,
    keyRegions,
    key: e.key ?? tonicAndMode(mainKey(map.key)),
    chords,
    tempoCurve,
    sections: map.sections,
    confidence,
    edited: {
      bpm: e.bpm != null,
      downbeatOffset: offset !== 0,
      meter: e.meter != null,
      key: e.key != null,
      chords: editedChords,
    },
  };
}

/** bar number (1-based) of each downbeat, and the bar/beat position of any time */
export function barAt(downbeats: number[], t: number): number | null {
  if (downbeats.length === 0 || t < downbeats[0] - 1e-6) return null;
  let lo = 0;
  let hi = downbeats.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (downbeats[mid] <= t + 1e-6) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
