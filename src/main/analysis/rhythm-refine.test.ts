import { describe, expect, it } from 'vitest';
import { completeBars } from './rhythm';
import { completeFirstBars, completeLastBar } from './rhythm-refine';
import { synth, type SynthSpec } from './rhythm-synth';
import { ANALYSIS_SR } from './stages';

const SR = ANALYSIS_SR;

/**
 * Eight bars of 4/4 at 120 BPM (clicks, a chord per bar), then a ninth bar whose only attack is the
 * chord on its downbeat: held for `holdSec`, then silence until `endSec`.
 */
function endingOnAChord(holdSec: number, endSec: number): { samples: Float32Array; beats: number[] } {
  const beats: number[] = [];
  for (let i = 0; i <= 32; i++) beats.push(0.5 + i * 0.5);
  const hits: SynthSpec['hits'] = beats.map((t) => ({ t, kind: 'click' as const }));
  const chords = [];
  for (let b = 0; b < 8; b++) chords.push({ t: 0.5 + b * 2, freqs: [261.6, 329.6, 392] });
  chords.push({ t: 16.5, freqs: [261.6, 329.6, 392] }, { t: 16.5 + holdSec, freqs: [] });
  return { samples: synth({ sr: SR, duration: endSec, hits, chords }), beats };
}

describe('completeLastBar', () => {
  it('adds the beats of a last bar whose chord rings through it, at the beats’ interval', () => {
    const { samples, beats } = endingOnAChord(2.2, 20);
    const out = completeLastBar(samples, SR, beats, 32, 4);
    expect(out.slice(0, beats.length)).toEqual(beats);
    expect(out.slice(beats.length)).toEqual([17, 17.5, 18]);
  });
  it('adds nothing over silence, nothing to a complete bar, never more than the bar', () => {
    const silent = endingOnAChord(0.2, 20);
    // the chord stops at 16.7 s: the beats after it would be invented
    expect(completeLastBar(silent.samples, SR, silent.beats, 32, 4)).toBe(silent.beats);
    const { samples, beats } = endingOnAChord(2.2, 20);
    // the last downbeat four beats back: the bar is complete
    expect(completeLastBar(samples, SR, beats, 29, 4)).toBe(beats);
    // 3/4: two beats missing, two added
    expect(completeLastBar(samples, SR, beats, 32, 3).slice(beats.length)).toEqual([17, 17.5]);
  });
  it('stops where the audio stops', () => {
    const { samples, beats } = endingOnAChord(2.2, 17.7);
    expect(completeLastBar(samples, SR, beats, 32, 4).slice(beats.length)).toEqual([17, 17.5]);
  });
});

/**
 * Clicks at 120 BPM from `clicksFrom` to 20 s (the beats a tracker hears), over a soft sustained pad
 * (a C major chord at −20 dB against the clicks' peaks) sounding from `padFrom` to `padTo`, swelling in over
 * `attackSec`.
 */
function softIntro(
  clicksFrom: number,
  padFrom: number,
  padTo = 20,
  attackSec = 0,
): { samples: Float32Array; beats: number[] } {
  const beats: number[] = [];
  for (let t = clicksFrom; t < 19.5; t += 0.5) beats.push(t);
  const samples = synth({ sr: SR, duration: 20, hits: beats.map((t) => ({ t, kind: 'click' as const })) });
  for (const f of [261.6, 329.6, 392]) {
    for (let i = Math.round(padFrom * SR); i < Math.min(samples.length, Math.round(padTo * SR)); i++) {
      // the pad swells in from −80 dB over attackSec
      const swell = attackSec > 0 ? 10 ** ((80 * Math.min(1, (i / SR - padFrom) / attackSec) - 80) / 20) : 1;
      samples[i] += 0.02 * swell * Math.sin((2 * Math.PI * f * i) / SR);
    }
  }
  return { samples, beats };
}

describe('completeFirstBars', () => {
  it('carries the beats back through a soft intro to the first note, on the grid', () => {
    const { samples, beats } = softIntro(4.5, 0.5);
    const out = completeFirstBars(samples, SR, beats, 4);
    expect(out.slice(0, 8)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
    expect(out.slice(8)).toEqual(beats);
  });
  it('counts a first note that swells in over its attack from its onset', () => {
    // 100 ms from −80 dB: its level is heard ≈ 50 ms after the onset
    const { samples, beats } = softIntro(4.5, 0.5, 20, 0.1);
    expect(completeFirstBars(samples, SR, beats, 4).slice(0, 8)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
  });
  it('adds nothing when the first note is off the grid, too far back, or the intro falls silent', () => {
    const off = softIntro(4.5, 0.75);
    expect(completeFirstBars(off.samples, SR, off.beats, 4)).toBe(off.beats);
    // 12 beats back: more than two bars of 4/4
    const long = softIntro(6.5, 0.5);
    expect(completeFirstBars(long.samples, SR, long.beats, 4)).toBe(long.beats);
    // 3/4 allows six beats back, not eight
    const short = softIntro(4.5, 0.5);
    expect(completeFirstBars(short.samples, SR, short.beats, 3)).toBe(short.beats);
    // a note at 0.5 s that stops at 1.2 s: the beats from 1.5 to 4 s would be invented
    const gap = softIntro(4.5, 0.5, 1.2);
    expect(completeFirstBars(gap.samples, SR, gap.beats, 4)).toBe(gap.beats);
    // the music starts with the first tracked beat
    const none = softIntro(4.5, 4.5);
    expect(completeFirstBars(none.samples, SR, none.beats, 4)).toBe(none.beats);
  });
  it('gives the carried bars their downbeats and the tempo curve its start, and completes the last bar', () => {
    const { samples, beats } = softIntro(4.5, 0.5);
    const downbeats = beats.filter((_, i) => i % 4 === 0);
    const tempo = { bpm_global: 120, curve: [[4.5, 120]] as [number, number][] };
    const out = completeBars(
      { beats, downbeats, meter: { numerator: 4, denominator: 4 }, tempo },
      { samples, sr: SR },
    );
    expect(out.downbeats).toEqual([0.5, 2.5, ...downbeats]);
    // the tempo curve starts at the first beat
    expect(out.tempo?.curve).toEqual([[0.5, 120]]);
    expect(out.beats.slice(0, 9)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
  });
});
