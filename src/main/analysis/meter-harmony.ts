/**
 * Meter from the harmony, after both stages have run: a compound reading (6/8, two dotted-quarter
 * beats to a bar) whose chords change on nearly every one of its beats is a fast simple triple meter
 * read one level too slow. A 3/4 at 214 BPM and a 6/8 at 71 have the same pulses (eighths at 214);
 * what tells them apart is how the music groups them, and harmony changing every three pulses says
 * the bar is three pulses long. In the tuned part of the wide set every 6/8 song reads a median chord
 * length of 2.0 of its beats, every 3/4 read as 6/8 (179–217 BPM) 1.0.
 */
import type { Chord } from '../../shared/songmap';
import { MAX_BPM } from './rhythm';
import type { RhythmResult } from './stages';
import { median } from './tempo';

/** median chord length, in beats of the compound reading, at or below which the bar is one beat */
export const ONE_CHORD_PER_BEAT = 1.25;
/** at least this many chords, so the median means something */
const MIN_CHORDS = 8;

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Median chord length in beats (median inter-beat interval), over labelled chords. */
export function chordLengthInBeats(beats: readonly number[], chords: readonly Chord[]): number {
  if (beats.length < 2) return NaN;
  const ibi = median(beats.slice(1).map((t, i) => t - beats[i]));
  const lens = chords.filter((c) => c.label !== 'N').map((c) => (c.end - c.start) / ibi);
  return lens.length >= MIN_CHORDS ? median(lens) : NaN;
}

/**
 * The 3/4 reading of a 6/8 rhythm result whose chords change on (nearly) every beat, or null when
 * the compound reading stands: each old beat becomes a bar (a downbeat) of three beats at three times
 * the tempo.
 */
export function simpleTripleFromHarmony(r: RhythmResult, chords: readonly Chord[]): RhythmResult | null {
  if (!r.tempo || !r.meter || r.meter.numerator !== 6 || r.meter.denominator !== 8) return null;
  if (r.tempo.bpm_global * 3 > MAX_BPM || r.beats.length < 4) return null;
  const len = chordLengthInBeats(r.beats, chords);
  if (!(len <= ONE_CHORD_PER_BEAT)) return null;
  const beats: number[] = [];
  for (let i = 0; i + 1 < r.beats.length; i++) {
    const a = r.beats[i];
    const d = (r.beats[i + 1] - a) / 3;
    beats.push(a, round4(a + d), round4(a + 2 * d));
  }
  beats.push(r.beats[r.beats.length - 1]);
  const t = r.tempo;
  return {
    ...r,
    tempo: {
      ...t,
      bpm_global: round2(t.bpm_global * 3),
      curve: t.curve.map(([at, bpm]) => [at, round2(bpm * 3)] as [number, number]),
      // the same candidate tempi, now relative to the tripled beat (the compound reading is factor 1/3)
      alternatives: t.alternatives.map((a) => ({ ...a, factor: Math.round((a.factor / 3) * 1000) / 1000 })),
    },
    beats,
    downbeats: [...r.beats],
    meter: { numerator: 3, denominator: 4 },
  };
}
