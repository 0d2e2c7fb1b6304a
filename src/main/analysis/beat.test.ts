import { describe, expect, it } from 'vitest';
import { joinEnds, periodFromBeats, trackBeats, trackSteadyBeats } from './beat';

/** An onset envelope with an impulse of `strength(k)` at each beat k of a grid, and between them. */
function envelope(
  n: number,
  first: number,
  period: number,
  onBeat: (k: number) => number,
  offBeat: (k: number) => number,
): Float32Array {
  const od = new Float32Array(n);
  for (let k = 0; first + (k + 0.5) * period < n - 2; k++) {
    od[Math.round(first + k * period)] += onBeat(k);
    od[Math.round(first + (k + 0.5) * period)] += offBeat(k);
  }
  return od;
}

/** Distance of a position from the nearest beat of the grid, in periods. */
const offGrid = (b: number, first: number, period: number): number => {
  const x = (b - first) / period;
  return Math.abs(x - Math.round(x));
};

describe('periodFromBeats', () => {
  it('is the beats’ own interval, which a phase slip does not move', () => {
    // 20 frames a beat, and one slip of half a beat (an interval of 30) in the middle
    const beats = [10];
    for (let i = 1; i < 40; i++) beats.push(beats[i - 1] + (i === 20 ? 30 : 20));
    const p = periodFromBeats(beats, 900);
    expect(p.every((v) => v === 20)).toBe(true);
  });

  it('follows a ramp, from the first beat’s interval before it to the last one’s after it', () => {
    const beats = [10];
    for (let i = 1; i < 60; i++) beats.push(beats[i - 1] + 20 + i * 0.2);
    const p = periodFromBeats(beats, Math.ceil(beats[59]) + 50);
    expect(p[0]).toBeCloseTo(p[Math.round(beats[1])], 5);
    for (let t = 1; t < p.length; t++) expect(p[t]).toBeGreaterThanOrEqual(p[t - 1]);
    expect(p[p.length - 1]).toBeGreaterThan(p[0] + 8);
  });
});

describe('trackSteadyBeats', () => {
  // 104.6 BPM at 43.07 frames/s: a fractional period, as real tempi are
  const period = 24.7;
  const n = 4000;
  // the beats hit at 1, the off-beats at 0.3 — and, for 12 beats (three bars of pushed chords), at 1.6
  const loud = (k: number): boolean => k >= 60 && k < 72;
  const od = envelope(
    n,
    100,
    period,
    () => 1,
    (k) => (loud(k) ? 1.6 : 0.3),
  );
  const flat = new Float32Array(n).fill(period);

  it('keeps the beat where the off-beats are loud for a few bars (the first pass slips to them there)', () => {
    const slipped = trackBeats(od, flat).filter((b) => offGrid(b, 100, period) > 0.25);
    expect(slipped.length).toBeGreaterThan(4);
    const steady = trackSteadyBeats(od, flat);
    expect(steady.length).toBeGreaterThan(140);
    for (const b of steady) expect(offGrid(b, 100, period)).toBeLessThan(0.05);
  });

  it('does not drift from a fractional period (intervals of 24 and 25 frames are both on time)', () => {
    const plain = envelope(
      n,
      100,
      period,
      () => 1,
      () => 0.3,
    );
    const steady = trackSteadyBeats(plain, new Float32Array(n).fill(period * 1.02));
    for (const b of steady) expect(offGrid(b, 100, period)).toBeLessThan(0.05);
  });
});

describe('joinEnds', () => {
  const second = Array.from({ length: 20 }, (_, i) => 200 + 20 * i);
  it('keeps the first pass’s intro and ending where they join the tight pass on the beat', () => {
    const intro = [101, 122, 139, 160, 181];
    const ending = [600, 619, 641];
    expect(joinEnds([...intro, ...second, ...ending], second)).toEqual([...intro, ...second, ...ending]);
  });

  it('leaves them out where they join it half a beat off (the first pass was on the off-beat there)', () => {
    const intro = [110, 130, 150, 170];
    const ending = [611, 631];
    expect(joinEnds([...intro, ...second, ...ending], second)).toEqual(second);
  });
});
