/**
 * What the stages read of the shared STFT (SHARED_NFFT / SHARED_HOP at the analysis rate), built in
 * one pass while the STFT runs: the onset features (rhythm), the frame chroma (meter) and the frame
 * features (sections). The magnitude spectrogram itself is never held: for a 3-minute song it is
 * 32 MB, the largest allocation of an analysis. Each feature is computed by the same code, on the
 * same magnitudes, as from a stored spectrogram (`onsetFeatures`, `frameChroma`, `frameFeatures`).
 */
import { ChromaBuilder, frameChroma } from './meter';
import { OnsetBuilder, PitchedFluxBuilder, onsetFeatures, pitchedFlux, type OnsetFeatures } from './onset';
import { FrameFeatureBuilder, frameFeatures, type FrameFeatures } from './segment-features';
import { frameCount, stftFrames } from './spectrum';
import { SHARED_HOP, SHARED_NFFT } from './stages';
import type { Spectrogram } from './types';

export interface SharedFeatures {
  onset: OnsetFeatures;
  /** `frameChroma` of the shared STFT */
  chroma: Float32Array;
  /** `frameFeatures` of the shared STFT, with chroma */
  frames: FrameFeatures;
  /** `pitchedFlux` of the shared STFT: a second pass over the audio, run only when a stage asks */
  pitched(): Float32Array;
}

export function sharedFeatures(samples: Float32Array, sr: number, signal?: AbortSignal): SharedFeatures {
  const opts = { sr, nFft: SHARED_NFFT, hop: SHARED_HOP, signal };
  const n = frameCount(samples.length, SHARED_HOP);
  const onset = new OnsetBuilder(sr, SHARED_NFFT, SHARED_HOP, n);
  const chroma = new ChromaBuilder(sr, SHARED_NFFT, n);
  const frames = new FrameFeatureBuilder(sr, SHARED_NFFT, SHARED_HOP, n, true);
  stftFrames(samples, opts, [onset, chroma, frames]);
  let pitched: Float32Array | null = null;
  return {
    onset: onset.finish(),
    chroma: chroma.finish(),
    frames: frames.finish(),
    pitched: () => {
      if (!pitched) {
        const b = new PitchedFluxBuilder(sr, SHARED_NFFT, n);
        stftFrames(samples, opts, [b]);
        pitched = b.finish();
      }
      return pitched;
    },
  };
}

/**
 * The same features read from a stored spectrogram, each computed when first asked for: for callers
 * that hold one (tests, the tuning benches) or when the pipeline's pass failed.
 */
export function featuresOf(spec: Spectrogram, signal?: AbortSignal): SharedFeatures {
  let onset: OnsetFeatures | null = null;
  let chroma: Float32Array | null = null;
  let frames: FrameFeatures | null = null;
  let pitched: Float32Array | null = null;
  return {
    get onset() {
      return (onset ??= onsetFeatures(spec, { signal }));
    },
    get chroma() {
      return (chroma ??= frameChroma(spec));
    },
    get frames() {
      return (frames ??= frameFeatures(spec, true, signal));
    },
    pitched: () => (pitched ??= pitchedFlux(spec, { signal })),
  };
}
