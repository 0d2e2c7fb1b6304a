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

/** Accumulates min/max over `unitsPerBucket` units (samples, or buckets of a finer level). */
class Level {
  readonly spp: number;
  readonly min: number[] = [];
  readonly max: number[] = [];
  private fill = 0;
  private lo = Infinity;
  private hi = -Infinity;
  /** coarser levels fed from this level's buckets: each sample is scanned once, not once per level */
  readonly coarser: Level[] = [];
  constructor(
    spp: number,
    private readonly unitsPerBucket: number,
  ) {
    this.spp = spp;
  }
  pushSamples(x: Float32Array): void {
    let { fill, lo, hi } = this;
    const n = this.unitsPerBucket;
    const len = x.length;
    let i = 0;
    // bucket by bucket: the inner loop has no bucket-end test per sample
    while (i < len) {
      const end = Math.min(len, i + (n - fill));
      fill += end - i;
      for (; i < end; i++) {
        const v = x[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (fill === n) {
        this.close(lo, hi);
        fill = 0;
        lo = Infinity;
        hi = -Infinity;
      }
    }
    this.fill = fill;
    this.lo = lo;
    this.hi = hi;
  }
  pushUnit(lo: number, hi: number): void {
    if (lo < this.lo) this.lo = lo;
    if (hi > this.hi) this.hi = hi;
    if (++this.fill === this.unitsPerBucket) {
      this.close(this.lo, this.hi);
      this.fill = 0;
      this.lo = Infinity;
      this.hi = -Infinity;
    }
  }
  private close(lo: number, hi: number): void {
    this.min.push(roundPeak(lo));
    this.max.push(roundPeak(hi));
    for (const c of this.coarser) c.pushUnit(lo, hi);
  }
  /** The last partial bucket is kept (it holds real samples); finer levels finish first. */
  finish(): void {
    if (this.fill > 0) {
      this.close(this.lo, this.hi);
      this.fill = 0;
    }
    for (const c of this.coarser) c.finish();
  }
}

export class WaveformBuilder {
  private readonly sr: number;
  private readonly levels: Level[];
  private readonly roots: Level[];
  constructor(sampleRate: number, samplesPerPeak: readonly number[] = DEFAULT_LEVELS) {
    if (samplesPerPeak.length === 0) throw new RangeError('at least one waveform level');
    for (const s of samplesPerPeak)
      if (!Number.isInteger(s) || s <= 0) throw new RangeError(`invalid samples per peak ${s}`);
    this.sr = sampleRate;
    const finest = Math.min(...samplesPerPeak);
    this.roots = [];
    const base = new Level(finest, finest);
    this.levels = samplesPerPeak.map((s) => {
      if (s === finest) return base;
      if (s % finest === 0) {
        const l = new Level(s, s / finest);
        base.coarser.push(l);
        return l;
      }
      const l = new Level(s, s);
      this.roots.push(l);
      return l;
    });
    this.roots.push(base);
  }
  push(mono: Float32Array): void {
    for (const l of this.roots) l.pushSamples(mono);
  }
  finish(): Waveform {
    for (const l of this.roots) l.finish();
    return {
      sample_rate: this.sr,
      levels: this.levels.map((l) => ({ samples_per_peak: l.spp, min: l.min, max: l.max })),
    };
  }
}

export function computeWaveform(
  mono: Float32Array,
  sampleRate: number,
  levels?: readonly number[],
): Waveform {
  const b = new WaveformBuilder(sampleRate, levels);
  b.push(mono);
  return b.finish();
}
