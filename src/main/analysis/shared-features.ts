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
import { frameCount, stftFrames, StftStepper } from './spectrum';
import { isAbort } from './types';
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
  const n = frameCount(samples.length, SHARED_HOP);
  const b = builders(sr, n);
  stftFrames(samples, { sr, nFft: SHARED_NFFT, hop: SHARED_HOP, signal }, [b.onset, b.chroma, b.frames]);
  return assemble(b, samples, sr, signal);
}

interface Builders {
  onset: OnsetBuilder;
  chroma: ChromaBuilder;
  frames: FrameFeatureBuilder;
}

const builders = (sr: number, nFrames: number): Builders => ({
  onset: new OnsetBuilder(sr, SHARED_NFFT, SHARED_HOP, nFrames),
  chroma: new ChromaBuilder(sr, SHARED_NFFT, nFrames),
  frames: new FrameFeatureBuilder(sr, SHARED_NFFT, SHARED_HOP, nFrames, true),
});

function assemble(b: Builders, samples: Float32Array, sr: number, signal?: AbortSignal): SharedFeatures {
  let pitched: Float32Array | null = null;
  return {
    onset: b.onset.finish(),
    chroma: b.chroma.finish(),
    frames: b.frames.finish(),
    pitched: () => {
      if (!pitched) {
        const p = new PitchedFluxBuilder(sr, SHARED_NFFT, frameCount(samples.length, SHARED_HOP));
        stftFrames(samples, { sr, nFft: SHARED_NFFT, hop: SHARED_HOP, signal }, [p]);
        pitched = p.finish();
      }
      return pitched;
    },
  };
}

/**
 * sharedFeatures computed while the decoder is still delivering the samples: `advance` after each
 * append runs every frame whose window has arrived, `finish` the last ones once the length is known.
 * The frames are the same frames (a frame reads only its window), so the features are the same bits
 * as sharedFeatures' over the whole signal (shared-features.test.ts). For a compressed file the
 * worker otherwise waits on the decoder for part of that time.
 *
 * The builders are sized from the length the container declares (+1 s); a longer signal, or a frame
 * that throws, gives up the stream, and a decode that offers no samples never starts it: `finish`
 * returns null and the caller runs sharedFeatures.
 */
export class SharedFeatureStream {
  /** made on the first samples: a decode that never offers any allocates nothing */
  private run: { b: Builders; stepper: StftStepper } | null = null;
  private failed = false;
  constructor(
    private readonly sr: number,
    private readonly capacity: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** STFT frames computed so far. */
  get framesDone(): number {
    return this.run?.stepper.next ?? 0;
  }

  /** The analysis samples so far (a growing prefix of the final signal). */
  advance(samples: Float32Array): void {
    if (this.failed) return;
    if (!this.run) {
      const b = builders(this.sr, this.capacity);
      const opts = { sr: this.sr, nFft: SHARED_NFFT, hop: SHARED_HOP, signal: this.signal };
      this.run = { b, stepper: new StftStepper(opts, [b.onset, b.chroma, b.frames]) };
    }
    const { stepper } = this.run;
    const end = stepper.readyFrames(samples.length);
    if (end <= stepper.next) return;
    if (end > this.capacity) {
      this.failed = true;
      return;
    }
    try {
      stepper.run(samples, end);
    } catch (err) {
      if (isAbort(err)) throw err;
      this.failed = true;
    }
  }

  /** The features of the whole signal, or null when the stream gave up or never started. */
  finish(samples: Float32Array): SharedFeatures | null {
    const n = frameCount(samples.length, SHARED_HOP);
    if (!this.run || this.failed || n > this.capacity || this.run.stepper.next > n) return null;
    const { b, stepper } = this.run;
    stepper.run(samples, n);
    b.onset.setFrames(n);
    b.chroma.setFrames(n);
    b.frames.setFrames(n);
    return assemble(b, samples, this.sr, this.signal);
  }
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
