/**
 * Multi-resolution min/max waveform peaks for the UI, built streaming from the analysis-rate mono
 * signal, so it covers the whole file even when the analysis buffer is capped.
 */
import type { z } from 'zod';
import type { WaveformSchema } from '../../shared/songmap';

export type Waveform = z.output<typeof WaveformSchema>;

export const DEFAULT_LEVELS = [256, 1024, 4096] as const;
/** 3 decimals: 1/1000 of full scale is below a pixel at any display height, and keeps JSON small */
const DECIMALS = 1000;

const roundPeak = (v: number): number => {
  const r = Math.round(v * DECIMALS) / DECIMALS;
  return r === 0 ? 0 : Math.max(-1, Math.min(1, r)); // no -0 in JSON, clip overs to the display range
};

class Level {
  readonly spp: number;
  readonly min: number[] = [];
  readonly max: number[] = [];
  private fill = 0;
  private lo = Infinity;
  private hi = -Infinity;
  constructor(spp: number) {
    this.spp = spp;
  }
  push(x: Float32Array): void {
    let { fill, lo, hi } = this;
    const spp = this.spp;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (++fill === spp) {
        this.min.push(roundPeak(lo));
        this.max.push(roundPeak(hi));
        fill = 0;
        lo = Infinity;
        hi = -Infinity;
      }
    }
    this.fill = fill;
    this.lo = lo;
    this.hi = hi;
  }
  finish(): void {
    if (this.fill > 0) {
      this.min.push(roundPeak(this.lo));
      this.max.push(roundPeak(this.hi));
      this.fill = 0;
    }
  }
}

export class WaveformBuilder {
  private readonly sr: number;
  private readonly levels: Level[];
  constructor(sampleRate: number, samplesPerPeak: readonly number[] = DEFAULT_LEVELS) {
    if (samplesPerPeak.length === 0) throw new RangeError('at least one waveform level');
    this.sr = sampleRate;
    this.levels = samplesPerPeak.map((s) => {
      if (!Number.isInteger(s) || s <= 0) throw new RangeError(`invalid samples per peak ${s}`);
      return new Level(s);
    });
  }
  push(mono: Float32Array): void {
    for (const l of this.levels) l.push(mono);
  }
  /** The last partial bucket is kept (it holds real samples). */
  finish(): Waveform {
    for (const l of this.levels) l.finish();
    return {
      sample_rate: this.sr,
      levels: this.levels.map((l) => ({ samples_per_peak: l.spp, min: l.min, max: l.max })),
    };
  }
}

export function computeWaveform(mono: Float32Array, sampleRate: number, levels?: readonly number[]): Waveform {
  const b = new WaveformBuilder(sampleRate, levels);
  b.push(mono);
  return b.finish();
}
