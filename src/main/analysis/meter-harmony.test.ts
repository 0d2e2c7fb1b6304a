import { beforeAll, describe, expect, it } from 'vitest';
import type { Chord } from '../../shared/songmap';
import { loadFastFft } from './fft';
import { analyzeHarmony } from './harmony';
import { addNote, SR } from './harmony-testsignal';
import {
  chordChangesByBeatInBar,
  chordLengthInBeats,
  doubleTimeFromHarmony,
  DOWNBEAT_CHANGE_MARGIN,
  downbeatsFromHarmony,
  halfTimeFromHarmony,
  MIN_DOWNBEAT_CHANGES,
  readingFromHarmony,
  simpleTripleFromHarmony,
} from './meter-harmony';
import { analyzeRhythm } from './rhythm';
import type { RhythmResult } from './stages';

const ok = { status: 'ok' as const };

/** A rhythm result on a steady grid: `n` beats at `bpm` from 0.5 s, downbeats every `perBar`. */
function reading(bpm: number, n: number, meter: [number, number], perBar: number): RhythmResult {
  const ibi = 60 / bpm;
  const beats = Array.from({ length: n }, (_, i) => Math.round((0.5 + i * ibi) * 1e4) / 1e4);
  return {
    tempo: {
      bpm_global: bpm,
      curve: [[0.5, bpm]],
      confidence: 0.8,
      beat_confidence: 0.8,
      alternatives: [{ bpm: bpm * 2, factor: 2, confidence: 0.1 }],
    },
    beats,
    downbeats: beats.filter((_, i) => i % perBar === 0),
    meter: { numerator: meter[0], denominator: meter[1] },
    stages: { tempo: ok, beats: ok, meter: ok },
  };
}

/** Chords of `beatsEach` beats over the grid of `r` (the labels cycle through a progression). */
function chordsEvery(r: RhythmResult, beatsEach: number): Chord[] {
  const labels = ['C', 'Am', 'F', 'G'];
  const out: Chord[] = [];
  for (let i = 0; i + beatsEach < r.beats.length; i += beatsEach)
    out.push({ start: r.beats[i], end: r.beats[i + beatsEach], label: labels[out.length % 4], conf: 0.9 });
  return out;
}

describe('chordLengthInBeats', () => {
  it('is the median chord length in beats, over labelled chords only', () => {
    const r = reading(120, 40, [4, 4], 4);
    expect(chordLengthInBeats(r.beats, chordsEvery(r, 2))).toBeCloseTo(2, 6);
    const long = reading(120, 80, [4, 4], 4);
    // short no-chord gaps between the chords would pull the median down if they counted
    const ibi = 0.5;
    const withRests = chordsEvery(long, 4).flatMap((c) => [
      c,
      { start: c.end, end: c.end + ibi / 2, label: 'N', conf: 0.9 },
      { start: c.end + ibi / 2, end: c.end + ibi, label: 'N', conf: 0.9 },
    ]);
    expect(chordLengthInBeats(long.beats, withRests)).toBeCloseTo(4, 6);
  });
  it('is NaN with too few chords to say', () => {
    const r = reading(120, 40, [4, 4], 4);
    expect(chordLengthInBeats(r.beats, chordsEvery(r, 8))).toBeNaN();
  });
});

describe('simpleTripleFromHarmony', () => {
  it('reads a 6/8 at 71 whose chords change on every beat as a 3/4 at 213: three beats to each old beat', () => {
    const r = reading(71, 60, [6, 8], 2);
    const t = simpleTripleFromHarmony(r, chordsEvery(r, 1));
    expect(t).not.toBeNull();
    expect(t!.meter).toEqual({ numerator: 3, denominator: 4 });
    expect(t!.tempo!.bpm_global).toBeCloseTo(213, 6);
    expect(t!.tempo!.curve).toEqual([[0.5, 213]]);
    // the old 2× alternative (142 BPM) is still there, now 2/3 of the beat
    expect(t!.tempo!.alternatives).toEqual([{ bpm: 142, factor: 0.667, confidence: 0.1 }]);
    expect(t!.beats).toHaveLength(3 * (r.beats.length - 1) + 1);
    const ibi = 60 / 213;
    for (let i = 1; i < t!.beats.length; i++) expect(t!.beats[i] - t!.beats[i - 1]).toBeCloseTo(ibi, 3);
    // every old beat is a bar line
    expect(t!.downbeats).toEqual(r.beats);
    expect(t!.stages).toEqual(r.stages);
  });

  it('keeps a 6/8 whose chords last a bar (two beats) or longer', () => {
    const r = reading(71, 60, [6, 8], 2);
    expect(simpleTripleFromHarmony(r, chordsEvery(r, 2))).toBeNull();
    expect(simpleTripleFromHarmony(r, chordsEvery(r, 4))).toBeNull();
  });

  it('leaves other meters alone, and a tripled tempo beyond the reported range', () => {
    const waltz = reading(71, 60, [3, 4], 3);
    expect(simpleTripleFromHarmony(waltz, chordsEvery(waltz, 1))).toBeNull();
    const fast = reading(90, 60, [6, 8], 2);
    expect(simpleTripleFromHarmony(fast, chordsEvery(fast, 1))).toBeNull();
  });

  it('needs chords to decide (a failed harmony stage changes nothing)', () => {
    const r = reading(71, 60, [6, 8], 2);
    expect(simpleTripleFromHarmony(r, [])).toBeNull();
    expect(simpleTripleFromHarmony({ ...r, tempo: null }, chordsEvery(r, 1))).toBeNull();
  });
});

describe('chordChangesByBeatInBar', () => {
  it('counts each chord change at its beat of the bar, skipping no-chord stretches and repeats', () => {
    const r = reading(120, 33, [4, 4], 4); // 8 bars
    const c = chordsEvery(r, 2); // changes at beats 0 and 2 of every bar
    expect(chordChangesByBeatInBar(r.beats, r.downbeats, c, 4)).toEqual({
      perPosition: [7, 0, 8, 0],
      bars: 9,
    });
    // the same label twice in a row is no change; N around a chord is none either
    const same = c.map((x) => ({ ...x, label: 'C' }));
    expect(chordChangesByBeatInBar(r.beats, r.downbeats, same, 4).perPosition).toEqual([0, 0, 0, 0]);
    const rests = c.map((x, i) => (i % 2 ? { ...x, label: 'N' } : x));
    expect(chordChangesByBeatInBar(r.beats, r.downbeats, rests, 4).perPosition).toEqual([0, 0, 0, 0]);
  });
  it('places changes by the downbeats it is given, not by the beat count', () => {
    const r = reading(120, 33, [4, 4], 4);
    // the bar lines one beat later: changes that were at 0 and 2 are now at 3 and 1
    const shifted = r.beats.filter((_, i) => i % 4 === 1);
    expect(chordChangesByBeatInBar(r.beats, shifted, chordsEvery(r, 2), 4).perPosition).toEqual([0, 8, 0, 7]);
  });
});

describe('doubleTimeFromHarmony', () => {
  it('reads a 4/4 at 100 whose chords change on both halves of every bar as a 4/4 at 200', () => {
    const r = reading(100, 64, [4, 4], 4);
    const d = doubleTimeFromHarmony(r, chordsEvery(r, 2));
    expect(d).not.toBeNull();
    expect(d!.meter).toEqual({ numerator: 4, denominator: 4 });
    expect(d!.tempo!.bpm_global).toBe(200);
    expect(d!.tempo!.curve).toEqual([[0.5, 200]]);
    // the old 2× alternative is the new tempo itself: no alternative any more
    expect(d!.tempo!.alternatives).toEqual([]);
    expect(d!.beats).toHaveLength(2 * r.beats.length - 1);
    for (let i = 1; i < d!.beats.length; i++) expect(d!.beats[i] - d!.beats[i - 1]).toBeCloseTo(0.3, 3);
    // each old bar is two bars: its downbeat and its old beat 3
    expect(d!.downbeats).toEqual(r.beats.filter((_, i) => i % 2 === 0));
    expect(d!.stages).toEqual(r.stages);
  });

  it('keeps a reading whose beat divides in three (a 6/8 read as 4/4 changes chord every two beats too)', () => {
    const r = reading(79, 64, [4, 4], 4);
    expect(doubleTimeFromHarmony({ ...r, ternary: 0.68 }, chordsEvery(r, 2))).toBeNull();
    expect(doubleTimeFromHarmony({ ...r, ternary: 0.02 }, chordsEvery(r, 2))).not.toBeNull();
  });

  it('makes up no beat inside a gap the rhythm stage left in its beats', () => {
    const full = reading(100, 64, [4, 4], 4);
    // a 3-second pause after beat 31: the beats after it move on by 3 s
    const shift = (t: number, i: number): number => (i >= 32 ? Math.round((t + 3) * 1e4) / 1e4 : t);
    const r = {
      ...full,
      beats: full.beats.map(shift),
      downbeats: full.beats.map(shift).filter((_, i) => i % 4 === 0),
    };
    const d = doubleTimeFromHarmony(r, chordsEvery(r, 2));
    expect(d).not.toBeNull();
    const gaps = d!.beats.slice(1).map((t, i) => t - d!.beats[i]);
    expect(gaps.filter((g) => g > 0.31)).toEqual([expect.closeTo(3.6, 3)]);
    expect(d!.beats).toHaveLength(2 * r.beats.length - 2);
  });

  it('keeps a 4/4 whose chords last a bar, or change at mid-bar in only some bars', () => {
    const r = reading(100, 64, [4, 4], 4);
    expect(doubleTimeFromHarmony(r, chordsEvery(r, 4))).toBeNull();
    // two chords a bar in a third of the bars (a bridge), one in the rest
    const mixed: Chord[] = [];
    for (let bar = 0; bar + 1 < r.downbeats.length; bar++) {
      const s = r.beats[4 * bar];
      const e = r.beats[4 * bar + 4];
      const label = ['C', 'Am', 'F', 'G'][bar % 4];
      if (bar % 3 === 0)
        mixed.push(
          { start: s, end: r.beats[4 * bar + 2], label, conf: 0.9 },
          { start: r.beats[4 * bar + 2], end: e, label: 'Dm', conf: 0.9 },
        );
      else mixed.push({ start: s, end: e, label, conf: 0.9 });
    }
    expect(doubleTimeFromHarmony(r, mixed)).toBeNull();
  });

  it('leaves other meters alone, a doubled tempo beyond the reported range, and no chords', () => {
    const waltz = reading(100, 63, [3, 4], 3);
    expect(doubleTimeFromHarmony(waltz, chordsEvery(waltz, 1))).toBeNull();
    const fast = reading(130, 64, [4, 4], 4);
    expect(doubleTimeFromHarmony(fast, chordsEvery(fast, 2))).toBeNull();
    const r = reading(100, 64, [4, 4], 4);
    expect(doubleTimeFromHarmony(r, [])).toBeNull();
    expect(doubleTimeFromHarmony({ ...r, tempo: null }, chordsEvery(r, 2))).toBeNull();
  });
});

/** Chords of `beatsEach` beats over the grid of `r`, the first starting at beat `first`. */
function chordsFrom(r: RhythmResult, first: number, beatsEach: number): Chord[] {
  const labels = ['C', 'Am', 'F', 'G'];
  const out: Chord[] = [];
  for (let i = first; i + beatsEach < r.beats.length; i += beatsEach)
    out.push({ start: r.beats[i], end: r.beats[i + beatsEach], label: labels[out.length % 4], conf: 0.9 });
  return out;
}

describe('halfTimeFromHarmony', () => {
  it('reads a 4/4 at 160 whose chords change only on its off-beats as a 4/4 at 80 on those beats', () => {
    // the true beats are the read beats 1, 3, 5 …; a chord a true bar (eight read beats) from read beat 3
    const r = reading(160, 96, [4, 4], 4);
    const h = halfTimeFromHarmony(r, chordsFrom(r, 3, 8));
    expect(h).not.toBeNull();
    expect(h!.tempo!.bpm_global).toBe(80);
    expect(h!.tempo!.curve).toEqual([[0.5, 80]]);
    expect(h!.tempo!.alternatives).toEqual([{ bpm: 320, factor: 4, confidence: 0.1 }]);
    expect(h!.beats).toEqual(r.beats.filter((_, i) => i % 2 === 1));
    // bar lines where the chords change: read beats 3, 11, 19 …
    expect(h!.downbeats).toEqual(r.beats.filter((_, i) => i % 8 === 3));
    expect(h!.meter).toEqual(r.meter);
  });

  it('keeps a 4/4 whose chords change on its beats 1 or 3, or on both kinds of beat', () => {
    const r = reading(160, 96, [4, 4], 4);
    expect(halfTimeFromHarmony(r, chordsFrom(r, 0, 4))).toBeNull();
    expect(halfTimeFromHarmony(r, chordsFrom(r, 0, 2))).toBeNull();
    // a chord every three beats lands on every position of the bar
    expect(halfTimeFromHarmony(r, chordsFrom(r, 1, 3))).toBeNull();
  });

  it('leaves other meters alone, a halved tempo below the reported range, and no chords', () => {
    const waltz = reading(160, 96, [3, 4], 3);
    expect(halfTimeFromHarmony(waltz, chordsFrom(waltz, 1, 6))).toBeNull();
    const slow = reading(70, 96, [4, 4], 4);
    expect(halfTimeFromHarmony(slow, chordsFrom(slow, 3, 8))).toBeNull();
    const r = reading(160, 96, [4, 4], 4);
    expect(halfTimeFromHarmony(r, [])).toBeNull();
    expect(halfTimeFromHarmony({ ...r, tempo: null }, chordsFrom(r, 3, 8))).toBeNull();
  });
});

/** Chords changing exactly at the given beat indices of `r` (the labels cycle through a progression). */
function chordsAt(r: RhythmResult, at: number[]): Chord[] {
  const labels = ['C', 'Am', 'F', 'G'];
  const cuts = [0, ...at.filter((i) => i > 0 && i < r.beats.length - 1), r.beats.length - 1];
  return cuts
    .slice(1)
    .map((e, k) => ({ start: r.beats[cuts[k]], end: r.beats[e], label: labels[k % 4], conf: 0.9 }));
}

describe('downbeatsFromHarmony', () => {
  it('moves the bar lines of a 4/4 to the beat its chords change on (a crash on 2 and 4 drew them there)', () => {
    const r = reading(120, 96, [4, 4], 4);
    const h = downbeatsFromHarmony(r, chordsFrom(r, 1, 4));
    expect(h).not.toBeNull();
    expect(h!.downbeats).toEqual(r.beats.filter((_, i) => i % 4 === 1));
    // tempo, beats and meter stay
    expect(h!.beats).toEqual(r.beats);
    expect(h!.tempo).toEqual(r.tempo);
    expect(h!.meter).toEqual(r.meter);
    // the pipeline's entry point applies it when no tempo correction does (chords changing on beat 2
    // alone read as half time there: halfTimeFromHarmony comes first)
    expect(readingFromHarmony(r, chordsFrom(r, 2, 4))!.downbeats).toEqual(
      r.beats.filter((_, i) => i % 4 === 2),
    );
  });

  it('gives the beats before the first old bar line their place in the new bars', () => {
    const r = reading(120, 96, [4, 4], 4);
    // bar lines from beat 6 on (beats 2, 6, 10 …), chords changing on beats 4, 8, 12 …
    const late = { ...r, downbeats: r.beats.filter((_, i) => i >= 6 && i % 4 === 2) };
    const h = downbeatsFromHarmony(late, chordsFrom(r, 4, 4));
    expect(h!.downbeats).toEqual(r.beats.filter((_, i) => i % 4 === 0));
  });

  it('moves the bar lines of a 6/8 (two dotted-quarter beats a bar) by one beat', () => {
    const r = reading(60, 96, [6, 8], 2);
    expect(downbeatsFromHarmony(r, chordsFrom(r, 1, 2))!.downbeats).toEqual(
      r.beats.filter((_, i) => i % 2 === 1),
    );
  });

  it('keeps bar lines the chords change on, two chords a bar, and chords every three beats of a 4/4', () => {
    const r = reading(120, 96, [4, 4], 4);
    expect(downbeatsFromHarmony(r, chordsFrom(r, 0, 4))).toBeNull();
    expect(downbeatsFromHarmony(r, chordsFrom(r, 0, 2))).toBeNull();
    expect(downbeatsFromHarmony(r, chordsFrom(r, 1, 3))).toBeNull();
    expect(downbeatsFromHarmony(r, [])).toBeNull();
    expect(downbeatsFromHarmony({ ...r, meter: null }, chordsFrom(r, 1, 4))).toBeNull();
  });

  it('needs the other beat to win by DOWNBEAT_CHANGE_MARGIN, at least MIN_DOWNBEAT_CHANGES times', () => {
    const r = reading(120, 96, [4, 4], 4);
    // 10 changes on the downbeats, 12 or 13 on beat 3
    const on = Array.from({ length: 10 }, (_, k) => 4 * (k + 1));
    const third = (n: number): number[] => Array.from({ length: n }, (_, k) => 4 * (11 + k) + 2);
    expect(12 / 10).toBeLessThan(DOWNBEAT_CHANGE_MARGIN);
    expect(downbeatsFromHarmony(r, chordsAt(r, [...on, ...third(12)]))).toBeNull();
    expect(13 / 10).toBeGreaterThanOrEqual(DOWNBEAT_CHANGE_MARGIN);
    expect(downbeatsFromHarmony(r, chordsAt(r, [...on, ...third(13)]))!.downbeats).toEqual(
      r.beats.filter((_, i) => i % 4 === 2),
    );
    // a few changes off the downbeat and none on it: too little to go on
    const few = Array.from({ length: MIN_DOWNBEAT_CHANGES - 1 }, (_, k) => 4 * k + 1);
    expect(downbeatsFromHarmony(r, chordsAt(r, few))).toBeNull();
    const enough = Array.from({ length: MIN_DOWNBEAT_CHANGES }, (_, k) => 4 * k + 1);
    expect(downbeatsFromHarmony(r, chordsAt(r, enough))).not.toBeNull();
  });
});

/**
 * A drum-less 4/4 groove, one chord a bar (C Am F G): the bass plays the root on beat 1 and the fifth
 * on beat 3, the keys comp the chord, softer, on 2 and 4.
 */
function drumlessGroove(bpm: number, bars: number): Float32Array {
  const ibi = 60 / bpm;
  const chords = [
    [0, 4, 7],
    [9, 0, 4],
    [5, 9, 0],
    [7, 11, 2],
  ];
  const roots = [36, 33, 29, 31];
  const buf = new Float32Array(Math.round((0.5 + bars * 4 * ibi + 1) * SR));
  for (let b = 0; b < bars; b++) {
    const t0 = 0.5 + b * 4 * ibi;
    addNote(buf, SR, roots[b % 4], t0, ibi * 0.9, 0.5);
    addNote(buf, SR, roots[b % 4] + 7, t0 + 2 * ibi, ibi * 0.9, 0.45);
    for (const k of [1, 3])
      for (const pc of chords[b % 4]) addNote(buf, SR, 60 + pc, t0 + k * ibi, ibi * 0.45, 0.08);
  }
  return buf;
}

describe('doubleTimeFromHarmony on audio', () => {
  beforeAll(loadFastFft);

  it('restores a drum-less groove at 200 that its onsets alone read at 100', () => {
    const audio = { samples: drumlessGroove(200, 40), sr: SR };
    const r = analyzeRhythm(audio, {});
    expect(r.tempo!.bpm_global).toBeCloseTo(100, 0); // the bass's pulse: the error this fixes
    const h = analyzeHarmony(audio, { beats: r.beats, downbeats: r.downbeats });
    const d = doubleTimeFromHarmony(r, h.chords);
    expect(d!.tempo!.bpm_global).toBeCloseTo(200, 0);
    // the old reading is offered as the alternative at half, with its measured confidence; the new
    // tempo is not offered beside itself
    const half = d!.tempo!.alternatives.find((a) => a.factor === 0.5);
    expect(half!.bpm).toBeCloseTo(100, 0);
    expect(half!.confidence).toBeGreaterThan(0.2);
    expect(d!.tempo!.alternatives.some((a) => a.factor === 1)).toBe(false);
    // the downbeats are the chord changes: one every 1.2 s
    const bars = d!.downbeats.slice(1).map((t, i) => t - d!.downbeats[i]);
    for (const len of bars) expect(len).toBeCloseTo(1.2, 1);
  });

  it('leaves the same groove at 100, read right, at 100', () => {
    const audio = { samples: drumlessGroove(100, 24), sr: SR };
    const r = analyzeRhythm(audio, {});
    expect(r.tempo!.bpm_global).toBeCloseTo(100, 0);
    const h = analyzeHarmony(audio, { beats: r.beats, downbeats: r.downbeats });
    expect(doubleTimeFromHarmony(r, h.chords)).toBeNull();
  });
});
