/**
 * The pipeline's one-pass features (no spectrogram held) are the very same numbers as each stage's
 * features computed from a stored STFT, with the WASM FFT the pipeline uses and with fft.js.
 */
import { describe, expect, it } from 'vitest';
import { frameChroma } from './meter';
import { onsetFeatures, pitchedFlux } from './onset';
import { frameFeatures } from './segment-features';
import { SharedFeatureStream, sharedFeatures, type SharedFeatures } from './shared-features';
import { StftStepper, frameCount, stft, stftFrames, type FrameConsumer } from './spectrum';
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

  describe('while the samples arrive (SharedFeatureStream)', () => {
    /** Feeds x to a stream in chunks of the given sizes (cycled), as the decoder appends. */
    function streamed(x: Float32Array, chunks: number[], capacity: number): SharedFeatures | null {
      const s = new SharedFeatureStream(ANALYSIS_SR, capacity);
      for (let at = 0, i = 0; at < x.length; i++) {
        at = Math.min(x.length, at + chunks[i % chunks.length]);
        s.advance(x.subarray(0, at));
      }
      return s.finish(x);
    }
    const plain = (f: SharedFeatures) => ({
      onset: f.onset,
      chroma: f.chroma,
      frames: f.frames,
      pitched: f.pitched(),
    });

    it("gives sharedFeatures' very bits, in any chunking, with room to spare or none", async () => {
      expect(await loadFastFft()).toBe(true);
      const x = signal();
      const want = plain(sharedFeatures(x, ANALYSIS_SR));
      const n = frameCount(x.length, SHARED_HOP);
      for (const [chunks, capacity] of [
        [[1, 7, 300], n],
        [[4096], n + 40],
        [[16384, 333], n + 1],
        [[x.length], n],
      ] as const) {
        const got = streamed(x, [...chunks], capacity);
        expect(got).not.toBeNull();
        // strict: typed arrays of the same kind and length, every value equal
        expect(plain(got!)).toStrictEqual(want);
      }
    });

    it('does every frame but the last two before the end is known (their windows reach past it)', () => {
      const x = signal();
      const n = frameCount(x.length, SHARED_HOP);
      const s = new SharedFeatureStream(ANALYSIS_SR, n);
      for (let at = 0; at < x.length;) {
        at = Math.min(x.length, at + 4096);
        s.advance(x.subarray(0, at));
        // never a frame whose window has not fully arrived
        expect(s.framesDone).toBe(
          new StftStepper({ sr: ANALYSIS_SR, nFft: SHARED_NFFT, hop: SHARED_HOP }, []).readyFrames(at),
        );
      }
      // nFft = 4 hops, centred: the last two frames' windows end past the last sample
      expect(s.framesDone).toBe(n - 2);
      expect(s.finish(x)).not.toBeNull();
      expect(s.framesDone).toBe(n);
    });

    it('gives up, for the caller to compute after the decode, when the signal outgrows its builders', () => {
      const x = signal();
      const n = frameCount(x.length, SHARED_HOP);
      expect(streamed(x, [4096], n - 1)).toBeNull();
      expect(streamed(x, [x.length], n - 1)).toBeNull();
    });

    it('never started (no samples offered): finish says so, for the caller to compute', () => {
      const x = signal();
      expect(new SharedFeatureStream(ANALYSIS_SR, frameCount(x.length, SHARED_HOP)).finish(x)).toBeNull();
    });

    it('a cancelled job stops it with the AbortError', () => {
      const x = signal();
      const ac = new AbortController();
      const s = new SharedFeatureStream(ANALYSIS_SR, frameCount(x.length, SHARED_HOP), ac.signal);
      ac.abort();
      expect(() => s.advance(x)).toThrow(expect.objectContaining({ name: 'AbortError' }));
    });
  });
});
