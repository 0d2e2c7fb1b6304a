/**
 * The pipeline's one-pass features (no spectrogram held) are the very same numbers as each stage's
 * features computed from a stored STFT, with the WASM FFT the pipeline uses and with fft.js.
 */
import { describe, expect, it } from 'vitest';
import { frameChroma } from './meter';
import { onsetFeatures, pitchedFlux } from './onset';
import { frameFeatures } from './segment-features';
import { sharedFeatures } from './shared-features';
import { frameCount, stft, stftFrames, type FrameConsumer } from './spectrum';
import { loadFastFft } from './fft';
import { ANALYSIS_SR, SHARED_HOP, SHARED_NFFT } from './stages';

/** 6 s of a plucked note every 0.5 s over a quiet chord and noise (deterministic). */
function signal(): Float32Array {
  const sr = ANALYSIS_SR;
  const x = new Float32Array(6 * sr + 123); // not a whole number of hops: partial last frames
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5;
  for (let i = 0; i < x.length; i++) {
    const t = i / sr;
    const since = t % 0.5;
    x[i] =
      0.5 * Math.exp(-since * 8) * Math.sin(2 * Math.PI * (220 + 110 * Math.floor((t / 0.5) % 4)) * t) +
      0.05 * (Math.sin(2 * Math.PI * 261.6 * t) + Math.sin(2 * Math.PI * 329.6 * t)) +
      0.01 * rnd();
  }
  return x;
}

describe('one-pass shared features', () => {
  it('stftFrames hands each consumer exactly the rows stft stores, edge frames included', () => {
    const x = signal();
    const spec = stft(x, { sr: ANALYSIS_SR, nFft: SHARED_NFFT, hop: SHARED_HOP });
    const rows: number[] = [];
    let mismatches = 0;
    const check: FrameConsumer = {
      frame(mag, offset, t) {
        rows.push(t);
        for (let k = 0; k < spec.nBins; k++)
          if (mag[offset + k] !== spec.mag[t * spec.nBins + k]) mismatches++;
      },
    };
    const n = stftFrames(x, { sr: ANALYSIS_SR, nFft: SHARED_NFFT, hop: SHARED_HOP }, [check]);
    expect(n).toBe(spec.nFrames);
    expect(n).toBe(frameCount(x.length, SHARED_HOP));
    expect(rows).toEqual(Array.from({ length: n }, (_, t) => t));
    expect(mismatches).toBe(0);
  });

  for (const fft of ['fft.js', 'pffft-wasm'] as const) {
    it(`gives the same onset, chroma, frame and pitched features as the stored STFT (${fft})`, async () => {
      if (fft === 'pffft-wasm') expect(await loadFastFft()).toBe(true);
      const x = signal();
      const spec = stft(x, { sr: ANALYSIS_SR, nFft: SHARED_NFFT, hop: SHARED_HOP });
      const shared = sharedFeatures(x, ANALYSIS_SR);
      expect(shared.onset).toEqual(onsetFeatures(spec));
      expect(shared.chroma).toEqual(frameChroma(spec));
      expect(shared.frames).toEqual(frameFeatures(spec, true));
      expect(shared.pitched()).toEqual(pitchedFlux(spec));
      expect(shared.pitched()).toBe(shared.pitched()); // the second pass runs once
      // not trivially equal: the features carry the signal's onsets
      expect(Math.max(...shared.onset.env)).toBeGreaterThan(1);
    });
  }
});
