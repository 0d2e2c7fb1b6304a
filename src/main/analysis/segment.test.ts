import { describe, expect, it } from 'vitest';
import { analyzeSections, barGrid, trimQuietBars } from './segment';
import { stft } from './spectrum';
import { SHARED_HOP, SHARED_NFFT } from './stages';
import type { MonoAudio } from './types';

const SR = 22050;
const BAR = 2; // 120 BPM, 4/4
const midiHz = (m: number): number => 440 * 2 ** ((m - 69) / 12);

/**
 * 16 bars A A A A B B B B A A A A B B B B over a click on every beat. A: soft C-major triad of
 * pure tones; B: louder F#-major triad with bright harmonics (other chord, other timbre).
 */
let cached: { audio: MonoAudio; beats: number[]; downbeats: number[] } | null = null;
function abab(): { audio: MonoAudio; beats: number[]; downbeats: number[] } {
  if (cached) return cached;
  const n = 16 * BAR * SR;
  const x = new Float32Array(n);
  for (let bar = 0; bar < 16; bar++) {
    const isB = Math.floor(bar / 4) % 2 === 1;
    const notes = isB ? [66, 70, 73] : [60, 64, 67];
    const amp = isB ? 0.12 : 0.05;
    const harmonics = isB ? [1, 0.6, 0.5, 0.4, 0.3] : [1];
    for (let i = bar * BAR * SR; i < (bar + 1) * BAR * SR; i++) {
      const t = i / SR;
      let v = 0;
      for (const m of notes) harmonics.forEach((h, k) => (v += h * Math.sin(2 * Math.PI * midiHz(m) * (k + 1) * t)));
      x[i] = amp * v;
    }
  }
  const beats: number[] = [];
  for (let b = 0; b < 64; b++) {
    beats.push(b * 0.5);
    const s0 = Math.round(b * 0.5 * SR);
    for (let k = 0; k < 400; k++) x[s0 + k] += 0.3 * Math.exp(-k / 60) * (k % 2 ? 1 : -1);
  }
  cached = { audio: { samples: x, sr: SR }, beats, downbeats: beats.filter((_, i) => i % 4 === 0) };
  return cached;
}

describe('analyzeSections', () => {
  it('finds A-B-A-B on bar lines with repeated letters and names', () => {
    const { audio, beats, downbeats } = abab();
    const spec = stft(audio.samples, { sr: SR, nFft: SHARED_NFFT, hop: SHARED_HOP });
    const r = analyzeSections(audio, { spec, beats, downbeats, beatChroma: null, meter: { numerator: 4, denominator: 4 } });
    // no beat chroma was given: the stage says it used its own fallback
    expect(r.stage.status).toBe('degraded');
    expect(r.sections.map((s) => [s.start, s.end])).toEqual([
      [0, 8],
      [8, 16],
      [16, 24],
      [24, 32],
    ]);
    expect(r.sections.map((s) => s.letter)).toEqual(['A', 'B', 'A', 'B']);
    // both repeat; the louder one is the chorus
    expect(r.sections.map((s) => s.label)).toEqual(['verse', 'chorus', 'verse', 'chorus']);
    for (const s of r.sections) expect(s.conf).toBeGreaterThan(0.5);
  });

  it('fails on silence instead of inventing sections', () => {
    const audio = { samples: new Float32Array(10 * SR), sr: SR };
    const r = analyzeSections(audio, { beats: [], downbeats: [], beatChroma: null, meter: null });
    expect(r.sections).toEqual([]);
    expect(r.stage.status).toBe('failed');
    expect(r.stage.reason).toMatch(/no music/);
  });

  it('fails without beats or downbeats', () => {
    const { audio } = abab();
    const r = analyzeSections(audio, { beats: [], downbeats: [], beatChroma: null, meter: null });
    expect(r.stage).toEqual({ status: 'failed', reason: 'no beats or downbeats to lay bars on' });
  });

  it('honours an abort that arrives while it runs', () => {
    const { audio, beats, downbeats } = abab();
    const ac = new AbortController();
    // cancelled once the bar grid is laid, i.e. inside the feature loops that follow
    const onProgress = (_s: string, f: number): void => {
      if (f >= 0.1) ac.abort();
    };
    expect(() =>
      analyzeSections(audio, { signal: ac.signal, onProgress, beats, downbeats, beatChroma: null, meter: null }),
    ).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});

describe('barGrid / trimQuietBars', () => {
  it('closes the last bar with the median bar length, within the audio', () => {
    expect(barGrid([0, 2, 4], [], 4, 100)).toEqual({ bars: [0, 2, 4, 6], fromBeats: false });
    expect(barGrid([0, 2, 4], [], 4, 5)).toEqual({ bars: [0, 2, 4, 5], fromBeats: false });
  });
  it('falls back to every n-th beat when there are no downbeats', () => {
    const beats = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4];
    expect(barGrid([], beats, 4, 10)).toEqual({ bars: [0, 2, 4, 6], fromBeats: true });
    expect(barGrid([], [0, 0.5], 4, 10)).toBeNull();
  });
  it('drops near-silent bars only at the ends', () => {
    // median -20 dB; bars 30 dB below it are trimmed at the edges, kept in the middle
    expect(trimQuietBars(Float32Array.from([-60, -20, -55, -20, -20, -58]))).toEqual([1, 5]);
  });
});
