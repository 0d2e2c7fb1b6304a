/**
 * The engine's one entry point, shared by the app's worker and the CLI:
 * probe → decode (+ loudness at the native rate, + waveform) → shared STFT, read in one pass by the
 * stages' features → rhythm → harmony → sections → validated song map + summary.
 *
 * Input problems (probe/decode) fail the job with a specific AppError code. An analysis stage that
 * throws is recorded as failed with its reason and its fields left empty; the job still completes
 * with what was really computed.
 */
import { PROGRESS_WEIGHTS } from './progress-weights';
import { AppError } from '../../shared/errors';
import type { JobSummary } from '../../shared/domain';
import { SongMapSchema, type SongMap, type StageName, type StageStatus } from '../../shared/songmap';
import { DEFAULT_MAX_ANALYSIS_SEC, MIN_DURATION_SEC, decodeFile, releaseAnalysisBuffer } from './decode';
import { loadFastFft } from './fft';
import { analyzeHarmony, harmonyPeakStream } from './harmony';
import { loudnessResult } from './loudness';
import { assertUnchanged, hashFile, probeFile } from './probe';
import { analyzeRhythm, completeBars } from './rhythm';
import { readingFromHarmony } from './meter-harmony';
import { analyzeSections } from './segment';
import { SharedFeatureStream, sharedFeatures, type SharedFeatures } from './shared-features';
import { frameCount } from './spectrum';
import {
  ANALYSIS_SR,
  SHARED_HOP,
  SHARED_NFFT,
  type HarmonyResult,
  type RhythmResult,
  type SectionsResult,
} from './stages';
import { summarize } from './summary';
import { isAbort, throwIfAborted } from './types';
import { ANALYZER_VERSION, ENGINE_NAME } from './version';

export interface AnalyzeOptions {
  jobId: string;
  signal?: AbortSignal;
  /** stage name and 0..1 within that stage; see overallProgress() for a job-level fraction */
  onProgress?: (stage: string, fraction: number) => void;
  /** size/mtime recorded when the job was created: a mismatch fails with E_FILE_CHANGED */
  expected?: { sizeBytes: number; mtimeMs: number };
  maxBytes?: number;
  maxAnalysisSec?: number;
  decoder?: 'auto' | 'ffmpeg' | 'native';
  resampler?: 'ffmpeg' | 'js';
  /** SHA-256 the caller already computed (the runner hashes before analysing): skips a second read */
  inputSha256?: string;
  /** per-stage wall time in ms, for the speed bench */
  timings?: Record<string, number>;
  /**
   * compute the shared STFT's features and the harmony peaks while the decoder delivers the samples
   * (default true; the same bits either way, pipeline.test.ts); false waits for the whole signal
   */
  streamFeatures?: boolean;
}

export { PROGRESS_WEIGHTS };

/** Maps (stage, fraction within stage) to 0..1 over the whole job. */
export function overallProgress(stage: string, fraction: number): number {
  let before = 0;
  for (const [name, w] of Object.entries(PROGRESS_WEIGHTS)) {
    if (name === stage) return Math.min(1, before + w * Math.max(0, Math.min(1, fraction)));
    before += w;
  }
  return before;
}

const reasonOf = (err: unknown): string => {
  const msg = err instanceof Error ? err.message : String(err);
  return `stage threw: ${msg}`.slice(0, 300);
};

const failed = (reason: string, ms?: number): StageStatus => ({
  status: 'failed',
  reason,
  ...(ms !== undefined ? { ms } : {}),
});

function timed<T>(
  timings: Record<string, number> | undefined,
  name: string,
  fn: () => T,
): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  if (timings) timings[name] = ms;
  return { value, ms };
}

export async function analyzeFile(
  path: string,
  opts: AnalyzeOptions,
): Promise<{ songMap: SongMap; summary: JobSummary }> {
  const { signal, timings } = opts;
  const progress = (stage: string, f: number): void => opts.onProgress?.(stage, f);
  const stages: Partial<Record<StageName, StageStatus>> = {};
  /** A stage that threw: a cancellation goes on up, anything else fails the stage's fields with the reason. */
  const failStages = (err: unknown, ...names: StageName[]): void => {
    if (isAbort(err)) throw err;
    const reason = reasonOf(err);
    for (const name of names) stages[name] = failed(reason);
  };

  progress('probe', 0);
  let t0 = performance.now();
  const probe = await probeFile(path, { maxBytes: opts.maxBytes, expected: opts.expected, signal });
  if (timings) timings.probe = performance.now() - t0;
  progress('probe', 1);

  t0 = performance.now();
  const maxAnalysisSec = opts.maxAnalysisSec ?? DEFAULT_MAX_ANALYSIS_SEC;
  // the WASM FFT (loaded once per process; without it the stages fall back to fft.js), before the
  // decode: the shared features start on the samples as they arrive
  await loadFastFft();
  // the shared features and the harmony peaks, computed while the samples arrive; sized from the
  // declared length (+1 s, as the analysis buffer); unknown length: after the decode
  const expected =
    opts.streamFeatures !== false && probe.durationSec
      ? Math.ceil((Math.min(probe.durationSec, maxAnalysisSec) + 1) * ANALYSIS_SR)
      : 0;
  const stream = expected
    ? new SharedFeatureStream(ANALYSIS_SR, frameCount(expected, SHARED_HOP), signal)
    : null;
  let peakStream = expected ? harmonyPeakStream(ANALYSIS_SR, signal, expected) : null;
  const onAnalysisSamples = (samples: Float32Array): void => {
    stream!.advance(samples);
    try {
      peakStream?.advance(samples);
    } catch (err) {
      if (isAbort(err)) throw err;
      peakStream = null; // the harmony stage computes its peaks itself
    }
  };
  const [hash, decoded] = await Promise.all([
    opts.inputSha256 ?? hashFile(path, signal),
    decodeFile(probe, {
      signal,
      maxAnalysisSec,
      decoder: opts.decoder,
      resampler: opts.resampler,
      onProgress: (f) => progress('decode', f),
      onAnalysisSamples: stream ? onAnalysisSamples : undefined,
    }),
  ]);
  // the bytes hashed and decoded must be the bytes that were checked
  await assertUnchanged(probe);
  const decodeMs = Math.round(performance.now() - t0);
  if (timings) {
    timings.decode = decodeMs;
    timings['decode.read'] = decoded.timings.read;
    timings['decode.loudness'] = decoded.timings.loudness;
    timings['decode.resample'] = decoded.timings.resample;
    timings['decode.waveform'] = decoded.timings.waveform;
    timings['decode.features'] = decoded.timings.features;
  }
  stages.decode = decoded.warnings.length
    ? { status: 'degraded', reason: decoded.warnings.join('; '), ms: decodeMs }
    : { status: 'ok', ms: decodeMs };
  const loud = loudnessResult(decoded.loudness);
  stages.loudness = loud.stage;
  stages.waveform = { status: 'ok' };
  const audio = decoded.audio;

  try {
    // the shared STFT, read once by every stage's features as it runs (never held: shared-features.ts);
    // mostly done during the decode, else here
    let features: SharedFeatures | undefined;
    try {
      progress('spectrum', 0);
      features = timed(
        timings,
        'spectrum',
        () => stream?.finish(audio.samples) ?? sharedFeatures(audio.samples, audio.sr, signal),
      ).value;
      progress('spectrum', 1);
    } catch (err) {
      if (isAbort(err)) throw err;
      // each stage below can still compute its own spectrum; they say so if they cannot
      features = undefined;
    }

    let rhythm: RhythmResult | null = null;
    let rhythmMs = 0;
    try {
      const r = timed(timings, 'rhythm', () =>
        analyzeRhythm(audio, { signal, features, onProgress: (_s, f) => progress('rhythm', f) }),
      );
      rhythm = r.value;
      rhythmMs = r.ms;
      stages.tempo = { ...rhythm.stages.tempo, ms: rhythmMs };
      stages.beats = rhythm.stages.beats;
      stages.meter = rhythm.stages.meter;
    } catch (err) {
      failStages(err, 'tempo', 'beats', 'meter');
    }
    throwIfAborted(signal);

    let beats = rhythm?.beats ?? [];
    let downbeats = rhythm?.downbeats ?? [];
    let harmony: HarmonyResult | null = null;
    try {
      const h = timed(timings, 'harmony', () =>
        analyzeHarmony(audio, {
          signal,
          beats,
          downbeats,
          peaks: peakStream?.finish(audio.samples),
          onProgress: (_s, f) => progress('harmony', f),
        }),
      );
      harmony = h.value;
      stages.tuning = { ...harmony.stages.tuning, ms: h.ms };
      stages.key = harmony.stages.key;
      stages.chords = harmony.stages.chords;
      // the chords can say the beat is one metrical level off (meter-harmony.ts)
      const fixed = rhythm && readingFromHarmony(rhythm, harmony.chords);
      if (fixed) ({ beats, downbeats } = rhythm = fixed);
    } catch (err) {
      failStages(err, 'tuning', 'key', 'chords');
    }
    throwIfAborted(signal);

    let sections: SectionsResult | null = null;
    try {
      const s = timed(timings, 'sections', () =>
        analyzeSections(audio, {
          signal,
          features,
          beats,
          downbeats,
          beatChroma: harmony?.beatChroma ?? null,
          meter: rhythm?.meter ?? null,
          onProgress: (_s, f) => progress('sections', f),
        }),
      );
      sections = s.value;
      stages.sections = { ...sections.stage, ms: s.ms };
    } catch (err) {
      failStages(err, 'sections');
    }
    throwIfAborted(signal);
    // a soft intro keeps its bars back to the first note, a final chord held through its bar that bar's beats
    const completed = rhythm && completeBars(rhythm, audio);
    if (completed) ({ beats, downbeats } = completed);

    const candidate = {
      id: opts.jobId,
      duration_sec: Math.round(decoded.durationSec * 1e6) / 1e6,
      meter: rhythm?.meter ?? null,
      tempo: completed ? completed.tempo : null,
      beats,
      downbeats,
      key: harmony?.key ?? [],
      key_alternatives: harmony?.key_alternatives ?? [],
      tuning: harmony?.tuning ?? null,
      chords: harmony?.chords ?? [],
      sections: sections?.sections ?? [],
      loudness: loud.loudness,
      waveform: decoded.waveform,
      lyrics: [],
      performance: { melody: [], bass: [] },
      tags: probe.tags,
      stages,
      provenance: {
        engine: ENGINE_NAME,
        engine_version: ANALYZER_VERSION,
        created_at: new Date().toISOString(),
        input_sha256: hash,
        decoder: decoded.decoder,
        sample_rate: ANALYSIS_SR,
        hop: SHARED_HOP,
        parameters: {
          n_fft: SHARED_NFFT,
          source_sample_rate: decoded.sourceSampleRate,
          source_channels: decoded.sourceChannels,
          max_analysis_sec: maxAnalysisSec,
          min_duration_sec: MIN_DURATION_SEC,
        },
      },
    };
    const parsed = SongMapSchema.safeParse(candidate);
    if (!parsed.success) {
      // a stage returned something outside the contract: a bug, reported as such rather than stored
      const issue = parsed.error.issues[0];
      throw new AppError(
        'E_ANALYSIS',
        `song map failed validation at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
      );
    }
    return { songMap: parsed.data, summary: summarize(parsed.data) };
  } finally {
    // nothing holds a view of the samples any more: the next song in this thread decodes into them
    releaseAnalysisBuffer(audio.samples);
  }
}
