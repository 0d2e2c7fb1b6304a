/**
 * The song map: the origin's shape (see shared/songmap in the steering repo) kept field for field,
 * extended with confidences, alternatives, per-stage status, loudness, waveform, tuning and provenance.
 *
 * Rule: a stage that did not run or failed says so in `stages[name]` and leaves its fields
 * empty (`[]` or `null`); it is never filled with invented values.
 * All times are seconds from the start of the decoded audio; tempi are BPM of the meter's beat.
 */
import { z } from 'zod';
import { STAGE_NAMES } from './names';

export { STAGE_NAMES };
export type StageName = (typeof STAGE_NAMES)[number];

export const StageStatusSchema = z.object({
  status: z.enum(['ok', 'degraded', 'failed', 'skipped']),
  reason: z.string().optional(),
  ms: z.number().nonnegative().optional(),
});
export type StageStatus = z.infer<typeof StageStatusSchema>;

const time = z.number().finite().nonnegative();
const conf = z.number().min(0).max(1);

export const MeterSchema = z.object({
  numerator: z.number().int().min(1).max(32),
  denominator: z.number().int().min(1).max(32),
});

export const TempoAlternativeSchema = z.object({
  bpm: z.number().positive(),
  /** factor relative to bpm_global: 0.5, 2, 2/3, 3/2 … */
  factor: z.number().positive(),
  confidence: conf,
});

export const TempoSchema = z.object({
  bpm_global: z.number().positive(),
  /** [[t, bpm], …]: one point where the tempo changes; the tempo holds until the next point */
  curve: z.array(z.tuple([time, z.number().positive()])),
  /** calibrated: the estimated probability that bpm_global is right (within 4 %) */
  confidence: conf,
  /** calibrated: the estimated probability that the beats are right (beat F-measure ≥ 0.9) */
  beat_confidence: conf.optional(),
  alternatives: z.array(TempoAlternativeSchema).default([]),
});

export const PITCH_NAMES = ['C', 'C#', 'Db', 'D', 'D#', 'Eb', 'E', 'F', 'F#', 'Gb', 'G', 'G#', 'Ab', 'A', 'A#', 'Bb', 'B', 'Cb', 'B#', 'E#', 'Fb'] as const;

export const KeyRegionSchema = z.object({
  start: time,
  end: time,
  tonic: z.string().min(1).max(3),
  mode: z.enum(['major', 'minor']),
  conf,
  /** Camelot wheel name, e.g. "8B" for C major */
  camelot: z.string().optional(),
  /** Open Key name, e.g. "1d" for C major */
  open_key: z.string().optional(),
});
export type KeyRegion = z.infer<typeof KeyRegionSchema>;

export const KeyAlternativeSchema = z.object({
  tonic: z.string(),
  mode: z.enum(['major', 'minor']),
  relation: z.enum(['relative', 'parallel', 'dominant', 'subdominant', 'other']),
  conf,
});

export const ChordSchema = z.object({
  start: time,
  end: time,
  /** conventional label: C, Am, G7, Fmaj7, Em7, Bm7b5, Bdim, Csus4, N */
  label: z.string().min(1).max(16),
  conf,
});
export type Chord = z.infer<typeof ChordSchema>;

export const SectionSchema = z.object({
  start: time,
  end: time,
  /** origin meaning: the section's name (intro / verse / chorus / bridge / outro / section) */
  label: z.string(),
  /** same letter = same material */
  letter: z.string().max(3).optional(),
  conf: conf.optional(),
});

export const LoudnessSchema = z.object({
  integrated_lufs: z.number().finite(),
  lra: z.number().finite().nonnegative(),
  true_peak_dbtp: z.number().finite(),
  sample_peak_dbfs: z.number().finite(),
  /** ReplayGain 2.0 track gain: -18 LUFS reference minus integrated loudness */
  replaygain_track_gain_db: z.number().finite(),
  replaygain_track_peak: z.number().finite().nonnegative(),
});

export const WaveformLevelSchema = z.object({
  samples_per_peak: z.number().int().positive(),
  /** per bucket minimum and maximum, in -1..1, rounded */
  min: z.array(z.number()),
  max: z.array(z.number()),
});
export const WaveformSchema = z.object({
  sample_rate: z.number().int().positive(),
  levels: z.array(WaveformLevelSchema).min(1),
});

export const ProvenanceSchema = z.object({
  engine: z.string(),
  engine_version: z.string(),
  created_at: z.string(),
  input_sha256: z.string().optional(),
  decoder: z.string().optional(),
  sample_rate: z.number().int().positive().optional(),
  hop: z.number().int().positive().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

export const TagsSchema = z.object({
  title: z.string().nullable(),
  artist: z.string().nullable(),
  album: z.string().nullable(),
  format: z.string().nullable(),
  codec: z.string().nullable(),
  source_sample_rate: z.number().nullable(),
  source_channels: z.number().nullable(),
});

export const SongMapSchema = z.object({
  id: z.string(),
  duration_sec: time,
  meter: MeterSchema.nullable(),
  tempo: TempoSchema.nullable(),
  beats: z.array(time),
  downbeats: z.array(time),
  key: z.array(KeyRegionSchema),
  key_alternatives: z.array(KeyAlternativeSchema).default([]),
  tuning: z.object({ a4_hz: z.number().positive(), cents: z.number() }).nullable(),
  chords: z.array(ChordSchema),
  sections: z.array(SectionSchema),
  loudness: LoudnessSchema.nullable(),
  waveform: WaveformSchema.nullable(),
  lyrics: z.array(z.unknown()),
  performance: z.object({ melody: z.array(z.unknown()), bass: z.array(z.unknown()) }),
  tags: TagsSchema.nullable(),
  stages: z.partialRecord(z.enum(STAGE_NAMES), StageStatusSchema),
  provenance: ProvenanceSchema,
});
export type SongMap = z.infer<typeof SongMapSchema>;
