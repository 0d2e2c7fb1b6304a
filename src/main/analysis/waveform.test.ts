import { describe, expect, it } from 'vitest';
import { WaveformBuilder, computeWaveform } from './waveform';

describe('waveform peaks', () => {
  it('gives exact per-bucket min/max, rounded to 3 decimals, with the partial last bucket kept', () => {
    // a ramp 0, 0.1, …, 0.9 then -0.5, length 11: buckets of 4 are [0..0.3] [0.4..0.7] [0.8, 0.9, -0.5]
    const x = Float32Array.from([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, -0.5]);
    const w = computeWaveform(x, 22050, [4, 8]);
    expect(w.sample_rate).toBe(22050);
    expect(w.levels[0]).toEqual({ samples_per_peak: 4, min: [0, 0.4, -0.5], max: [0.3, 0.7, 0.9] });
    expect(w.levels[0].min.length).toBe(3);
    expect(w.levels[1]).toEqual({ samples_per_peak: 8, min: [0, -0.5], max: [0.7, 0.9] });
  });

  it('is the same streamed in chunks, and rounds and clips for display', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => 1.2 * Math.sin(i / 7) + 1e-5);
    const whole = computeWaveform(x, 22050, [16]);
    const b = new WaveformBuilder(22050, [16]);
    for (let o = 0; o < x.length; o += 37) b.push(x.subarray(o, o + 37));
    expect(b.finish()).toEqual(whole);
    const lv = whole.levels[0];
    expect(Math.max(...lv.max)).toBe(1);
    expect(Math.min(...lv.min)).toBe(-1);
    for (const v of [...lv.min, ...lv.max]) expect(Math.round(v * 1000) / 1000).toBe(v);
  });

  it('default levels are 256/1024/4096 samples per peak', () => {
    const w = computeWaveform(new Float32Array(5000), 22050);
    expect(w.levels.map((l) => [l.samples_per_peak, l.max.length])).toEqual([
      [256, 20],
      [1024, 5],
      [4096, 2],
    ]);
    expect(w.levels[0].max.every((v) => Object.is(v, 0))).toBe(true);
  });

  it('rejects invalid levels', () => {
    expect(() => new WaveformBuilder(22050, [0])).toThrow(RangeError);
    expect(() => new WaveformBuilder(22050, [])).toThrow(RangeError);
  });
});

describe('levels that are not multiples of the finest', () => {
  it('are computed from the samples directly and equal a level built alone', () => {
    const x = Float32Array.from({ length: 777 }, (_, i) => Math.sin(i / 11) * 0.9);
    const both = computeWaveform(x, 22050, [4, 6, 12]);
    expect(both.levels[1]).toEqual(computeWaveform(x, 22050, [6]).levels[0]);
    expect(both.levels[2]).toEqual(computeWaveform(x, 22050, [12]).levels[0]);
  });
});
