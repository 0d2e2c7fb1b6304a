/**
 * Tempo and meter from the harmony, after both stages have run. The onsets alone can leave the beat
 * one metrical level off; where the chords change says which level the music is grouped in, since
 * harmony changes on beats and mostly on bar lines. Three readings are corrected:
 * - a compound reading (6/8, two dotted-quarter beats to a bar) whose chords change on nearly every
 *   one of its beats is a fast simple triple meter read one level too slow. A 3/4 at 214 BPM and a 6/8
 *   at 71 have the same pulses (eighths at 214); in the tuned part of the wide set every 6/8 song reads
 *   a median chord length of 2.0 of its beats, every 3/4 read as 6/8 (179–217 BPM) 1.0;
 * - a 4/4 whose chords change at the downbeat and at mid-bar in most bars, and whose beat divides
 *   in two, is read at half its tempo (a drum-less groove: bass on 1 and 3, chords comped on 2 and 4);
 * - a 4/4 whose chords change only on its beats 2 and 4 is read at twice its tempo, an eighth off.
 */
import type { Chord } from '../../shared/songmap';
import { MAX_BPM, MIN_BPM } from './rhythm';
import type { RhythmResult } from './stages';
import { levelConfidences, median } from './tempo';

/** median chord length, in beats of the compound reading, at or below which the bar is one beat */
export const ONE_CHORD_PER_BEAT = 1.25;
/** at least this many chords, so the median means something */
const MIN_CHORDS = 8;

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const round2 = (x: number): number => Math.round(x * 100) / 100;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
/** median inter-beat interval, seconds */
const medianIbi = (beats: readonly number[]): number => median(beats.slice(1).map((t, i) => t - beats[i]));

/**
 * The tempo of a reading whose beat is `k` times as fast: BPM and curve × k, and the alternatives
 * relative to the new beat — recomputed from the saliences the rhythm stage measured along its
 * path (`levelConfidences` with the new beat as the chosen level: a doubled or halved reading
 * offers the old one with the confidence its salience gives it), or, without them, the old
 * candidates rescaled (factor / k) less the one that is the new beat itself. Also returns the
 * levels relative to the new beat.
 */
function scaled(
  t: NonNullable<RhythmResult['tempo']>,
  levels: RhythmResult['levels'],
  k: number,
): Pick<RhythmResult, 'tempo' | 'levels'> {
  const bpm = round2(t.bpm_global * k);
  const alternatives = levels
    ? levelConfidences(levels, k).alternatives.map((a) => ({
        bpm: round2(bpm * a.factor),
        factor: round3(a.factor),
        confidence: round3(a.confidence),
      }))
    : t.alternatives.map((a) => ({ ...a, factor: round3(a.factor / k) })).filter((a) => a.factor !== 1);
  return {
    tempo: {
      ...t,
      bpm_global: bpm,
      curve: t.curve.map(([at, b]) => [at, round2(b * k)] as [number, number]),
      alternatives,
    },
    levels: levels?.map((l) => ({ ...l, factor: l.factor / k })),
  };
}

/** Median chord length in beats (median inter-beat interval), over labelled chords. */
export function chordLengthInBeats(beats: readonly number[], chords: readonly Chord[]): number {
  if (beats.length < 2) return NaN;
  const ibi = medianIbi(beats);
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
  return {
    ...r,
    ...scaled(r.tempo, r.levels, 3),
    beats,
    downbeats: [...r.beats],
    meter: { numerator: 3, denominator: 4 },
  };
}

/**
 * Position of each beat in its bar: 0 on a downbeat (within a quarter of the median inter-beat
 * interval `ibi`), counting up from there; −1 before the first downbeat.
 */
export function barPositions(
  beats: readonly number[],
  downbeats: readonly number[],
  ibi: number,
): Int32Array {
  const pos = new Int32Array(beats.length).fill(-1);
  let d = 0;
  for (let i = 0; i < beats.length; i++) {
    while (d < downbeats.length && downbeats[d] < beats[i] - ibi / 4) d++;
    if (d < downbeats.length && Math.abs(downbeats[d] - beats[i]) <= ibi / 4) pos[i] = 0;
    else if (i > 0 && pos[i - 1] >= 0) pos[i] = pos[i - 1] + 1;
  }
  return pos;
}

/**
 * Chord changes per bar at each beat position of the bar (0 = the downbeat), over labelled chords:
 * a change counts at the beat it falls on (within a quarter of the median inter-beat interval).
 */
export function chordChangesByBeatInBar(
  beats: readonly number[],
  downbeats: readonly number[],
  chords: readonly Chord[],
  perBar: number,
): { perPosition: number[]; bars: number } {
  if (beats.length < 2 || downbeats.length === 0)
    return { perPosition: new Array<number>(perBar).fill(0), bars: 0 };
  const ibi = medianIbi(beats);
  const perPosition = changesAt(beats, barPositions(beats, downbeats, ibi), ibi, chords, perBar);
  return { perPosition, bars: downbeats.length };
}

/** chordChangesByBeatInBar's counts, on beats whose bar positions and median interval are known */
function changesAt(
  beats: readonly number[],
  pos: Int32Array,
  ibi: number,
  chords: readonly Chord[],
  perBar: number,
): number[] {
  const perPosition = new Array<number>(perBar).fill(0);
  let j = 0;
  for (let k = 1; k < chords.length; k++) {
    const a = chords[k - 1];
    const b = chords[k];
    if (a.label === 'N' || b.label === 'N' || a.label === b.label) continue;
    while (j + 1 < beats.length && beats[j + 1] <= b.start) j++;
    const near = j + 1 < beats.length && beats[j + 1] - b.start < b.start - beats[j] ? j + 1 : j;
    if (Math.abs(beats[near] - b.start) > ibi / 4) continue;
    const p = pos[near];
    if (p >= 0 && p < perBar) perPosition[p]++;
  }
  return perPosition;
}

/** share of bars with a chord change at the downbeat and at mid-bar at or above which a 4/4 bar is two bars */
export const CHANGES_AT_HALF_BAR = 0.5;
/**
 * ternary subdivision ratio (RhythmResult.ternary) at or above which the beat divides in three: a
 * 6/8 read as 4/4 (two of its bars to one read bar) also changes chord every two read beats, and
 * doubling it would put beats on its dotted eighths. Half-read 4/4 songs measure ≤ 0.02, a 6/8 read
 * as 4/4 0.68 (tuned part and an independent set).
 */
export const TERNARY_BEAT = 0.3;

/**
 * The reading at twice the tempo of a 4/4 rhythm result whose chords change at the downbeat and at
 * mid-bar in most bars, or null when the reading stands. Harmony changes once a bar far more often
 * than twice in every bar: a groove whose bass takes beats 1 and 3 and whose chords comp on 2 and 4
 * (drum-less) is read at half its tempo from the onsets alone, and its chords then change on both
 * halves of every read bar. Each old beat gains its midpoint, and each mid-bar beat becomes a downbeat.
 */
export function doubleTimeFromHarmony(r: RhythmResult, chords: readonly Chord[]): RhythmResult | null {
  if (!r.tempo || !r.meter || r.meter.numerator !== 4 || r.meter.denominator !== 4) return null;
  if (r.tempo.bpm_global * 2 > MAX_BPM || r.beats.length < 16 || r.downbeats.length < MIN_CHORDS) return null;
  if ((r.ternary ?? 0) >= TERNARY_BEAT) return null;
  const ibi = medianIbi(r.beats);
  const pos = barPositions(r.beats, r.downbeats, ibi);
  const perPosition = changesAt(r.beats, pos, ibi, chords, 4);
  const bars = r.downbeats.length;
  if (perPosition[0] < CHANGES_AT_HALF_BAR * bars || perPosition[2] < CHANGES_AT_HALF_BAR * bars) return null;
  const beats: number[] = [];
  for (let i = 0; i + 1 < r.beats.length; i++) {
    beats.push(r.beats[i]);
    // no beat is made up inside a gap in the beats (a pause the rhythm stage left empty)
    if (r.beats[i + 1] - r.beats[i] <= 1.5 * ibi) beats.push(round4((r.beats[i] + r.beats[i + 1]) / 2));
  }
  beats.push(r.beats[r.beats.length - 1]);
  return {
    ...r,
    ...scaled(r.tempo, r.levels, 2),
    beats,
    downbeats: r.beats.filter((_, i) => pos[i] === 0 || pos[i] === 2),
  };
}

/** chord changes on the off-beats (2 and 4) per bar at or above which a 4/4 reading may be an eighth grid */
export const CHANGES_OFF_BEAT = 0.3;
/** at most this many changes on 1 and 3 for each one on 2 and 4 */
const ON_BEAT_SHARE = 0.1;

/**
 * The reading at half the tempo of a 4/4 rhythm result whose chords change on beats 2 and 4 and
 * (almost) never on 1 and 3, or null when the reading stands. Harmony lands on beats; when every
 * chord change falls on the read off-beats, the read beats are eighths and every other one — those
 * the chords change on — is the beat. The new bar lines are the beats the chords change on most.
 */
export function halfTimeFromHarmony(r: RhythmResult, chords: readonly Chord[]): RhythmResult | null {
  if (!r.tempo || !r.meter || r.meter.numerator !== 4 || r.meter.denominator !== 4) return null;
  if (r.tempo.bpm_global / 2 < MIN_BPM || r.beats.length < 32 || r.downbeats.length < MIN_CHORDS) return null;
  const ibi = medianIbi(r.beats);
  const pos = barPositions(r.beats, r.downbeats, ibi);
  const perPosition = changesAt(r.beats, pos, ibi, chords, 4);
  const off = perPosition[1] + perPosition[3];
  const on = perPosition[0] + perPosition[2];
  if (off < CHANGES_OFF_BEAT * r.downbeats.length || on > ON_BEAT_SHARE * off) return null;
  // the old beats on 2 and 4 share one parity of index (bars of four beats)
  let odd = 0;
  for (let i = 0; i < pos.length; i++) if (pos[i] === 1 || pos[i] === 3) odd += i % 2 ? 1 : -1;
  const parity = odd >= 0 ? 1 : 0;
  const beats = r.beats.filter((_, i) => i % 2 === parity);
  // bar lines every four new beats, on the phase where the chords change most
  let downbeats: number[] = [];
  let most = -1;
  for (let phase = 0; phase < 4; phase++) {
    const cand = beats.filter((_, k) => k % 4 === phase);
    const n = chordChangesByBeatInBar(beats, cand, chords, 4).perPosition[0];
    if (n > most) {
      most = n;
      downbeats = cand;
    }
  }
  return {
    ...r,
    ...scaled(r.tempo, r.levels, 0.5),
    beats,
    downbeats,
  };
}

/**
 * Chord changes on another beat of the bar at least this many times as often as on the downbeats the
 * onsets gave move the bar lines to that beat. The chords are decoded with a change off the downbeats
 * costing more (harmony.ts `offDownbeatChange`), so another beat winning is strong evidence. On the
 * tuning sets (the tuned part, the funk sets, the dev set: 295 songs) no reading whose bar lines are
 * right measures above 1.14 (all but two ≤ 0.85); a 12-bar blues arrangement
 * whose crash and snare on 2 and 4 drew the bar lines there measures 1.33 and 1.8 in two renderings.
 */
export const DOWNBEAT_CHANGE_MARGIN = 1.25;
/** …and the chords change there at least this often over the song */
export const MIN_DOWNBEAT_CHANGES = 8;

/** Beats per bar of a reading: 6/8 has two (dotted-quarter) beats, 3/4 three, 4/4 four. */
const beatsPerBar = (m: NonNullable<RhythmResult['meter']>): number =>
  m.denominator === 8 && m.numerator % 3 === 0 ? m.numerator / 3 : m.numerator;

/**
 * The rhythm result with its bar lines on the beat of the bar where the chords change most, when that
 * is clearly not the downbeat the onsets gave (`DOWNBEAT_CHANGE_MARGIN`, `MIN_DOWNBEAT_CHANGES`), or
 * null when they stand. Tempo, beats and meter are kept; beats before the first old downbeat keep
 * their place in the bar.
 */
export function downbeatsFromHarmony(r: RhythmResult, chords: readonly Chord[]): RhythmResult | null {
  if (!r.meter || r.beats.length < 16 || r.downbeats.length < MIN_CHORDS) return null;
  const perBar = beatsPerBar(r.meter);
  if (!(perBar >= 2)) return null;
  const ibi = medianIbi(r.beats);
  const pos = barPositions(r.beats, r.downbeats, ibi);
  const perPosition = changesAt(r.beats, pos, ibi, chords, perBar);
  let best = 0;
  for (let p = 1; p < perBar; p++) if (perPosition[p] > perPosition[best]) best = p;
  if (best === 0 || perPosition[best] < MIN_DOWNBEAT_CHANGES) return null;
  if (perPosition[best] < DOWNBEAT_CHANGE_MARGIN * perPosition[0]) return null;
  const first = pos.indexOf(0);
  const downbeats = r.beats.filter((_, i) =>
    pos[i] >= 0 ? pos[i] % perBar === best : (((i - first - best) % perBar) + perBar) % perBar === 0,
  );
  return { ...r, downbeats };
}

/**
 * The rhythm result as the harmony reads it: a 6/8 whose chords change on every beat is a fast 3/4,
 * a 4/4 whose chords change on both halves of every bar is at twice its tempo, one whose chords
 * change only on its off-beats at half it (at most one of them applies); otherwise its bar lines
 * move to the beat the chords change on most when that is clearly not the downbeat. Null when the
 * reading stands.
 */
export function readingFromHarmony(r: RhythmResult, chords: readonly Chord[]): RhythmResult | null {
  return (
    simpleTripleFromHarmony(r, chords) ??
    doubleTimeFromHarmony(r, chords) ??
    halfTimeFromHarmony(r, chords) ??
    downbeatsFromHarmony(r, chords)
  );
}
