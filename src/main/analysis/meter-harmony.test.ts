import { describe, expect, it } from 'vitest';
import type { Chord } from '../../shared/songmap';
import { chordLengthInBeats, simpleTripleFromHarmony } from './meter-harmony';
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
