import { describe, expect, it } from 'vitest';
import { trackBeats } from './beat';
import { frameChroma, groupsInThrees, harmonicNovelty, subdivisionRatio } from './meter';
import { melFilters, onsetFeatures, pitchedFlux } from './onset';
import { refineBeats } from './rhythm-refine';
import { PROGRESSION, softLegato, synth, whiteNoise } from './rhythm-synth';
import { stft } from './spectrum';
import { ANALYSIS_SR, SHARED_HOP, SHARED_NFFT } from './stages';

const SR = ANALYSIS_SR;
const spec = (x: Float32Array) => stft(x, { sr: SR, nFft: SHARED_NFFT, hop: SHARED_HOP });

describe('onsetFeatures', () => {
  it('mel filters cover the spectrum in increasing order', () => {
    const f = melFilters(SR, SHARED_NFFT, 128);
    expect(f).toHaveLength(128);
    for (let m = 1; m < f.length; m++) expect(f[m].centreHz).toBeGreaterThan(f[m - 1].centreHz);
    expect(f[127].centreHz).toBeLessThan(SR / 2);
  });

  it('is zero on silence and peaks at most two frames before each hit', () => {
    expect(onsetFeatures(spec(new Float32Array(SR * 2))).env.every((v) => v === 0)).toBe(true);
    const hits = [0.5, 1.25, 2.0];
    const f = onsetFeatures(
      spec(synth({ sr: SR, duration: 3, hits: hits.map((t) => ({ t, kind: 'click' as const })) })),
    );
    for (const t of hits) {
      const c = Math.round(t * f.fps);
      let best = c - 3;
      for (let i = c - 3; i <= c + 3; i++) if (f.env[i] > f.env[best]) best = i;
      // the centred 2048-sample window reaches a sharp attack early; refineBeats moves beats back
      expect(best - c).toBeGreaterThanOrEqual(-2);
      expect(best - c).toBeLessThanOrEqual(0);
    }
  });

  it('each mel band is the plain sum of its weighted bins, to the bit (even and odd band counts)', () => {
    const s = spec(synth({ sr: SR, duration: 2, hits: [0.3, 0.9, 1.4].map((t) => ({ t, kind: 'kick' })) }));
    for (const nMels of [128, 41]) {
      // the reference: each band alone, then the builder's clipping (coarse 1: a band is its own
      // coarse band, read back as dB − floor)
      const filters = melFilters(SR, SHARED_NFFT, nMels);
      const db = new Float32Array(s.nFrames * nMels);
      let peak = -Infinity;
      for (let t = 0; t < s.nFrames; t++) {
        for (let m = 0; m < nMels; m++) {
          const { lo, weights } = filters[m];
          let sum = 0;
          for (let i = 0; i < weights.length; i++)
            sum += weights[i] * Math.fround(s.mag[t * s.nBins + lo + i] ** 2);
          const v = (10 / Math.LN10) * Math.log(sum > 1e-10 ? sum : 1e-10);
          db[t * nMels + m] = v;
          peak = Math.max(peak, v);
        }
      }
      const floor = peak - 80;
      // stored as float32, as the builder stores dB
      const want = db.map((v) => (v < floor ? Math.fround(floor) : v) - floor);
      const got = onsetFeatures(s, { nMels, coarse: 1 });
      expect(got.nBands).toBe(nMels);
      expect(got.bands).toStrictEqual(want);
    }
  });

  it('the low band hears a kick but hardly a high click', () => {
    const kick = onsetFeatures(spec(synth({ sr: SR, duration: 1, hits: [{ t: 0.4, kind: 'kick' }] })));
    const tick = onsetFeatures(spec(synth({ sr: SR, duration: 1, hits: [{ t: 0.4, kind: 'tick' }] })));
    const max = (x: Float32Array): number => x.reduce((a, v) => Math.max(a, v), 0);
    expect(max(kick.low) / max(kick.env)).toBeGreaterThan(max(tick.low) / max(tick.env));
  });
});

describe('pitchedFlux', () => {
  it('is zero on silence', () => {
    expect(pitchedFlux(spec(new Float32Array(SR * 2))).every((v) => v === 0)).toBe(true);
  });

  it('rises where a legato note changes pitch, more than in between', () => {
    const t = softLegato({ sr: SR, bpm: 90, bars: 8, attackSec: 0.3, seed: 2 });
    const pf = pitchedFlux(spec(t.audio));
    const fps = SR / SHARED_HOP;
    const peakNear = (sec: number, reach: number): number => {
      let m = 0;
      for (let f = Math.round((sec - reach) * fps); f <= Math.round((sec + reach) * fps); f++)
        m = Math.max(m, pf[f] ?? 0);
      return m;
    };
    const ibi = 60 / 90;
    // within the attack after each note start vs the quarter of a beat before it
    const atNotes = t.beats.slice(1, -1).map((b) => peakNear(b + 0.15, 0.15));
    const between = t.beats.slice(1, -1).map((b) => peakNear(b - ibi / 3, ibi / 8));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(atNotes)).toBeGreaterThan(2 * mean(between));
  });

  it('white noise gives a flat, unstructured envelope (no note starts)', () => {
    const pf = pitchedFlux(spec(whiteNoise(SR, 10, 0.1, 3)));
    const xs = Array.from(pf.slice(10));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    // coefficient of variation well below that of music with notes
    expect(sd / mean).toBeLessThan(0.6);
  });
});

describe('trackBeats', () => {
  it('puts beats on periodic impulses and not in the silent lead-in', () => {
    const n = 2000;
    const od = new Float32Array(n);
    for (let t = 300; t < n - 10; t += 25) od[t] = 1;
    const beats = trackBeats(od, new Float32Array(n).fill(25));
    expect(beats.length).toBeGreaterThan(60);
    for (const b of beats) expect(Math.abs((((b - 300) % 25) + 25) % 25)).toBeLessThan(1);
    expect(beats[0]).toBeGreaterThanOrEqual(299);
  });

  it('returns nothing for an empty envelope', () => {
    expect(trackBeats(new Float32Array(500), new Float32Array(500).fill(20))).toEqual([]);
  });
});

describe('subdivision and grouping', () => {
  const grid = (n: number, p: number): number[] => Array.from({ length: n }, (_, i) => 10 + i * p);
  it('ternary subdivision gives a ratio above 1, binary below', () => {
    const beats = grid(40, 30);
    const tern = new Float32Array(1300);
    const bin = new Float32Array(1300);
    for (const b of beats) {
      tern[b] = bin[b] = 1;
      tern[b + 10] = tern[b + 20] = 0.5;
      bin[b + 15] = 0.5;
    }
    expect(subdivisionRatio(beats, tern)).toBeGreaterThan(1);
    expect(subdivisionRatio(beats, bin)).toBeLessThan(1);
  });

  it('reads strong-weak-weak as threes and strong-weak as twos', () => {
    const pulses = grid(60, 10);
    const threes = new Float32Array(700);
    const twos = new Float32Array(700);
    pulses.forEach((p, i) => {
      threes[p] = i % 3 === 0 ? 1 : 0.3;
      twos[p] = i % 2 === 0 ? 1 : 0.3;
    });
    expect(groupsInThrees(pulses, threes)).toBe(true);
    expect(groupsInThrees(pulses, twos)).toBe(false);
  });
});

describe('refineBeats', () => {
  it('moves a beat estimate onto the attack, and leaves it alone without one', () => {
    const x = synth({ sr: SR, duration: 2, hits: [{ t: 1, kind: 'click' }] });
    const [onHit, offHit] = refineBeats(x, SR, [0.98, 0.5]);
    expect(Math.abs(onHit - 1)).toBeLessThan(0.002);
    expect(offHit).toBe(0.5);
  });
});

describe('harmonicNovelty', () => {
  it('peaks where the chord changes, not inside a held chord', () => {
    const chords = [0, 2, 4, 6].map((t, i) => ({ t, freqs: PROGRESSION[i] }));
    const x = synth({ sr: SR, duration: 8, hits: [], chords });
    const sp = spec(x);
    const fps = SR / SHARED_HOP;
    const nov = harmonicNovelty(frameChroma(sp), sp.nFrames, fps);
    for (const t of [2, 4, 6]) {
      const at = nov[Math.round(t * fps)];
      const inside = nov[Math.round((t - 1) * fps)];
      expect(at).toBeGreaterThan(inside + 0.05);
    }
  });
});
