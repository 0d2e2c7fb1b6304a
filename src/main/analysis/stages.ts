/**
 * What each engine stage module returns. The pipeline (pipeline.ts) runs them in order, reusing
 * intermediates, and turns a thrown error into `stages[name] = {status: 'failed', reason}` with the
 * stage's fields left empty: never invented values.
 *
 *   decode → MonoAudio (22050 Hz) + loudness (streamed at the native rate) + waveform
 *   rhythm.ts   analyzeRhythm(audio, ctx)  → tempo, beats, downbeats, meter
 *   harmony.ts  analyzeHarmony(audio, ctx) → tuning, key regions, chords, beat-synchronous chroma
 *   segment.ts  analyzeSections(audio, ctx) → sections (reuses beats + beat chroma)
 */
import type { z } from 'zod';
import type {
  ChordSchema,
  KeyAlternativeSchema,
  KeyRegionSchema,
  MeterSchema,
  SectionSchema,
  StageStatus,
  TempoSchema,
} from '../../shared/songmap';
import type { SpectralPeaks } from './harmony-peaks';
import type { SharedFeatures } from './shared-features';
import type { MetricalLevel } from './tempo';
import type { ProgressFn, Spectrogram } from './types';

/** Analysis sample rate and the shared STFT parameters (librosa defaults at 22050 Hz). */
export const ANALYSIS_SR = 22050;
export const SHARED_NFFT = 2048;
export const SHARED_HOP = 512;

export interface StageContext {
  signal?: AbortSignal;
  /** fraction 0..1 within the calling stage */
  onProgress?: ProgressFn;
  /** the shared magnitude STFT of `audio` (SHARED_NFFT / SHARED_HOP), when a caller holds one */
  spec?: Spectrogram;
  /** what the stages read of that STFT, built by the pipeline in one pass without holding it */
  features?: SharedFeatures;
}

export interface RhythmResult {
  tempo: z.output<typeof TempoSchema> | null;
  beats: number[];
  downbeats: number[];
  meter: z.output<typeof MeterSchema> | null;
  stages: { tempo: StageStatus; beats: StageStatus; meter: StageStatus };
  /**
   * How ternary the beat's subdivision is: onset strength at both 1/3 and 2/3 of each beat against
   * the strength at 1/2 (`subdivisionRatio`, meter.ts); absent when no meter was analysed
   */
  ternary?: number;
  /** saliences of the beat's metrical relatives along the tempo path (factor 1 = the beat; tempo.ts) */
  levels?: MetricalLevel[];
}

/** Beat-synchronous chroma: one 12-vector (C..B) per inter-beat segment, reused by segmentation. */
export interface BeatChroma {
  /** segment boundaries in seconds (length = nSegments + 1) */
  times: number[];
  /** nSegments * 12, row-major */
  chroma: Float32Array;
}

export interface HarmonyResult {
  tuning: { a4_hz: number; cents: number } | null;
  key: z.output<typeof KeyRegionSchema>[];
  key_alternatives: z.output<typeof KeyAlternativeSchema>[];
  chords: z.output<typeof ChordSchema>[];
  beatChroma: BeatChroma | null;
  stages: { tuning: StageStatus; key: StageStatus; chords: StageStatus };
}

export interface SectionsResult {
  sections: z.output<typeof SectionSchema>[];
  stage: StageStatus;
}

export interface HarmonyContext extends StageContext {
  beats: number[];
  downbeats: number[];
  /** the spectral peaks, when already computed while the samples arrived (`harmonyPeakStream`) */
  peaks?: SpectralPeaks;
}

export interface SectionsContext extends StageContext {
  beats: number[];
  downbeats: number[];
  beatChroma: BeatChroma | null;
  meter: z.output<typeof MeterSchema> | null;
}
