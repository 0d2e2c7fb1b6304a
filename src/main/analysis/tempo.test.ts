import { describe, expect, it } from 'vitest';
import { analyzeRhythm } from './rhythm';
import { meteredTrack } from './rhythm-synth';
import { ANALYSIS_SR } from './stages';
import { chooseBeatLevel, curveFromBeats, fastPulseNeed, type MetricalLevel } from './tempo';

const lv = (bpm: number, salience: number, factor = 1): MetricalLevel => ({ bpm, salience, factor });

describe('chooseBeatLevel', () => {
  it('takes the fastest strong level when nothing faster is periodic (a 60 BPM ballad)', () => {
    const got = chooseBeatLevel([lv(30, 0.8), lv(60, 0.85), lv(120, 0.15)]);
    expect(got?.bpm).toBe(60);
  });

  it('keeps a fast beat that is as periodic as its half (180 with quarter-note hats)', () => {
    const got = chooseBeatLevel([lv(60, 0.92), lv(90, 0.94), lv(180, 0.9)]);
    expect(got?.bpm).toBe(180);
  });

  it('groups clear eighths at 180 into a 90 BPM beat when they are weaker than the beat', () => {
    const got = chooseBeatLevel([lv(45, 0.6), lv(90, 0.85), lv(180, 0.58)]);
    expect(got?.bpm).toBe(90);
  });

  it('groups a tatum above 200 BPM by two, or by three when its accents say so', () => {
    const levels = [lv(72, 0.9), lv(108, 0.8), lv(216, 0.85)];
    expect(chooseBeatLevel(levels, () => false)?.bpm).toBe(108);
    expect(chooseBeatLevel(levels, () => true)?.bpm).toBe(72);
  });

  it('drops a fast level the harmony calls a subdivision (a bar of eight pulses)', () => {
    const levels = [lv(46, 0.8), lv(93, 0.81), lv(186, 0.72)];
    expect(chooseBeatLevel(levels, undefined, () => true)?.bpm).toBe(186);
    expect(chooseBeatLevel(levels, undefined, () => false)?.bpm).toBe(93);
  });

  it('needs nothing at moderate tempi and parity at 200 BPM', () => {
    expect(fastPulseNeed(100)).toBe(0);
    expect(fastPulseNeed(200)).toBeCloseTo(1, 6);
    expect(fastPulseNeed(160)).toBeGreaterThan(fastPulseNeed(140));
  });

  it('returns null without any periodicity', () => {
    expect(chooseBeatLevel([])).toBeNull();
    expect(chooseBeatLevel([lv(100, 0), lv(200, 0)])).toBeNull();
  });
});

describe('curveFromBeats', () => {
  it('gives one point for a steady tempo, even with ±10 ms jitter', () => {
    let seed = 3;
    const jitter = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * 0.02;
    };
    const beats = Array.from({ length: 200 }, (_, i) => 1 + i * 0.5 + jitter());
    const { curve } = curveFromBeats(beats);
    expect(curve.length).toBe(1);
    expect(curve[0][1]).toBeCloseTo(120, 0);
  });

  it('reports a jump at its new tempo', () => {
    const beats: number[] = [];
    let t = 0;
    for (let i = 0; i < 40; i++, t += 0.6) beats.push(t);
    for (let i = 0; i < 40; i++, t += 0.45) beats.push(t);
    const { curve } = curveFromBeats(beats);
    expect(curve[0][1]).toBeCloseTo(100, 0);
    expect(curve[curve.length - 1][1]).toBeCloseTo(133.33, 0);
    expect(curve.length).toBeLessThanOrEqual(6);
  });

  it('is empty for fewer than two beats', () => {
    expect(curveFromBeats([1]).curve).toEqual([]);
  });
});

describe('beat level on audio', () => {
  it('a 90 BPM groove with quieter eighth notes is 90, not 180', () => {
    // a noise floor as in any recording: over digital silence a log-spectral flux hears every tick
    // as loud as a beat, which makes 90 and 180 truly ambiguous
    const tr = meteredTrack({ sr: ANALYSIS_SR, bpm: 90, beatsPerBar: 4, sub: 2, bars: 14, floor: 0.01 });
    const r = analyzeRhythm({ samples: tr.audio, sr: ANALYSIS_SR }, {});
    expect(Math.abs(r.tempo!.bpm_global / 90 - 1)).toBeLessThan(0.02);
    // the rejected octave is offered as an alternative with its own confidence
    const double = r.tempo!.alternatives.find((a) => a.factor === 2);
    expect(double?.bpm).toBeCloseTo(180, 0);
    expect(double!.confidence).toBeGreaterThan(0);
    expect(double!.confidence).toBeLessThan(1);
  });
});
