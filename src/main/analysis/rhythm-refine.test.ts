import { describe, expect, it } from 'vitest';
import { completeLastBar } from './rhythm-refine';
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
