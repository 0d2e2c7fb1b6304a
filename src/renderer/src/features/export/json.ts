/** Song map JSON: the detection with the user's corrections applied, plus the corrections themselves. */
import type { EffectiveMap } from '../songmap/effective';

export function songMapJson(m: EffectiveMap): string {
  const src = m.source;
  const edited = Object.keys(m.edits).length > 0;
  const out = {
    ...src,
    // corrected fields replace the detected ones; the detection stays reachable under `detected`
    ...(edited
      ? {
          meter: m.meter,
          tempo:
            src.tempo && m.bpm != null ? { ...src.tempo, bpm_global: m.bpm, curve: m.tempoCurve } : src.tempo,
          beats: m.beats,
          downbeats: m.downbeats,
          key: m.keyRegions,
          chords: m.chords,
          edits: m.edits,
          detected: {
            meter: src.meter,
            tempo: src.tempo,
            beats: src.beats,
            downbeats: src.downbeats,
            key: src.key,
            chords: src.chords,
          },
        }
      : {}),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
