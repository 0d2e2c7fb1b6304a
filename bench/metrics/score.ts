/**
 * scoreSong(gt, songMap): every accuracy metric for one song, by the corpus README's evaluation
 * conventions. A metric is `undefined` when the ground truth lacks that field (not scored), `null`
 * when the truth exists but the song map has no prediction for it (it scores 0 in the means
 * unless the system never predicts it anywhere: then it is "not predicted").
 */
import { beatFMeasure, continuity } from './beat';
import { evaluateChords, toHarte, InvalidChordError } from './chord';
import { trimBeats } from './events';
import { keyOverTime } from './key';
import { evaluateSections } from './sections';
import { tempoAcc1, tempoAcc2, tempoCurve4 } from './tempo';

export interface GroundTruth {
  id: string;
  source: string;
  audio: string;
  format?: string;
  duration_sec: number;
  tempo?: { bpm_global: number; curve: Array<[number, number]> };
  meter?: { numerator: number; denominator: number };
  beats?: number[];
  downbeats?: number[];
  key?: Array<{ start: number; end: number; tonic: string; mode: string }>;
  chords?: Array<{ start: number; end: number; label: string }>;
  sections?: Array<{ start: number; end: number; label: string; name?: string }>;
  loudness?: { integrated_lufs: number; lra?: number };
  flags: { drums: boolean; tempo_varies: boolean; key_changes: boolean };
  music: { start_sec: number; end_sec: number };
}

/** The parts of a song map the bench reads (a full SongMap fits). */
export interface PredictedMap {
  tempo?: { bpm_global: number; curve?: Array<[number, number]> } | null;
  beats?: number[];
  downbeats?: number[];
  meter?: { numerator: number; denominator: number } | null;
  key?: Array<{ start: number; end: number; tonic: string; mode: string }>;
  chords?: Array<{ start: number; end: number; label: string }>;
  sections?: Array<{ start: number; end: number; label: string; letter?: string }>;
  loudness?: { integrated_lufs: number } | null;
}

export const METRICS = [
  'tempo_acc1',
  'tempo_acc2',
  'tempo_curve4',
  'beat_f',
  'beat_cmlt',
  'beat_amlt',
  'downbeat_f',
  'meter',
  'key',
  'key_exact',
  'chord_root',
  'chord_majmin',
  'chord_sevenths',
  'chord_seg',
  'section_f05',
  'section_f3',
  'section_pairwise',
  'lufs_err',
] as const;
export type Metric = (typeof METRICS)[number];

/** lower is better only for the loudness error */
export const LOWER_IS_BETTER: ReadonlySet<Metric> = new Set<Metric>(['lufs_err']);

export type SongScores = Partial<Record<Metric, number | null>>;

export interface SongReport {
  id: string;
  scores: SongScores;
  /** problems met while scoring (e.g. an unreadable chord label) */
  notes: string[];
}

export function scoreSong(gt: GroundTruth, pred: PredictedMap): SongReport {
  const s: SongScores = {};
  const notes: string[] = [];
  const region = { start: gt.music.start_sec, end: gt.music.end_sec };

  if (gt.tempo) {
    const t = pred.tempo;
    if (t && Number.isFinite(t.bpm_global)) {
      s.tempo_acc1 = tempoAcc1(t.bpm_global, gt.tempo.bpm_global);
      s.tempo_acc2 = tempoAcc2(t.bpm_global, gt.tempo.bpm_global);
      s.tempo_curve4 = tempoCurve4(gt.tempo.curve, t.curve ?? [], t.bpm_global, region.start, region.end);
    } else s.tempo_acc1 = s.tempo_acc2 = s.tempo_curve4 = null;
  }

  if (gt.beats) {
    if (pred.beats && pred.beats.length > 0) {
      const r = trimBeats(gt.beats);
      // continuity walks the estimate in order: a map with unsorted beats is scored as sorted
      const e = trimBeats([...pred.beats].sort((a, b) => a - b));
      s.beat_f = beatFMeasure(r, e);
      const c = continuity(r, e);
      s.beat_cmlt = c.cmlt;
      s.beat_amlt = c.amlt;
    } else s.beat_f = s.beat_cmlt = s.beat_amlt = null;
  }

  if (gt.downbeats) {
    s.downbeat_f =
      pred.downbeats && pred.downbeats.length > 0
        ? beatFMeasure(trimBeats(gt.downbeats), trimBeats(pred.downbeats))
        : null;
  }

  if (gt.meter) {
    s.meter = pred.meter
      ? pred.meter.numerator === gt.meter.numerator && pred.meter.denominator === gt.meter.denominator
        ? 1
        : 0
      : null;
  }

  if (gt.key && gt.key.length > 0) {
    if (pred.key && pred.key.length > 0) {
      const k = keyOverTime(gt.key, pred.key, region.start, region.end);
      s.key = k.weighted;
      s.key_exact = k.exact;
    } else s.key = s.key_exact = null;
  }

  if (gt.chords && gt.chords.length > 0) {
    if (pred.chords && pred.chords.length > 0) {
      try {
        const est = [...pred.chords].sort((a, b) => a.start - b.start);
        const c = evaluateChords(
          { intervals: gt.chords.map((x) => [x.start, x.end]), labels: gt.chords.map((x) => x.label) },
          { intervals: est.map((x) => [x.start, x.end]), labels: est.map((x) => toHarte(x.label)) },
        );
        s.chord_root = c.root;
        s.chord_majmin = c.majmin;
        s.chord_sevenths = c.sevenths;
        s.chord_seg = c.seg;
      } catch (e) {
        if (!(e instanceof InvalidChordError)) throw e;
        // an unreadable label is the system's fault: the song's chords score 0
        notes.push(`chords: ${e.message}`);
        s.chord_root = s.chord_majmin = s.chord_sevenths = s.chord_seg = 0;
      }
    } else s.chord_root = s.chord_majmin = s.chord_sevenths = s.chord_seg = null;
  }

  if (gt.sections && gt.sections.length > 0) {
    if (pred.sections && pred.sections.length > 0) {
      const r = evaluateSections(
        gt.sections.map((x) => ({ start: x.start, end: x.end, label: x.label })),
        pred.sections.map((x) => ({ start: x.start, end: x.end, label: x.letter ?? x.label })),
        region,
      );
      s.section_f05 = r.f05;
      s.section_f3 = r.f3;
      s.section_pairwise = r.pairwise;
    } else s.section_f05 = s.section_f3 = s.section_pairwise = null;
  }

  if (gt.loudness) {
    s.lufs_err =
      pred.loudness && Number.isFinite(pred.loudness.integrated_lufs)
        ? Math.abs(pred.loudness.integrated_lufs - gt.loudness.integrated_lufs)
        : null;
  }
  return { id: gt.id, scores: s, notes };
}

export interface MetricSummary {
  /** mean over the songs that have the truth; null = the system never predicts it */
  mean: number | null;
  /** songs with the truth */
  n: number;
  /** of those, songs where the prediction was missing (scored 0) */
  missing: number;
}

/**
 * Means by the corpus rule: over the songs with that truth; a missing prediction counts 0 (for
 * the loudness error, which has no natural worst value, missing songs are left out and counted).
 */
export function summarise(reports: readonly SongReport[]): Record<Metric, MetricSummary> {
  const out = {} as Record<Metric, MetricSummary>;
  for (const m of METRICS) {
    const vals = reports.map((r) => r.scores[m]).filter((v) => v !== undefined);
    const got = vals.filter((v): v is number => v !== null);
    const missing = vals.length - got.length;
    if (vals.length === 0 || got.length === 0) {
      out[m] = { mean: null, n: vals.length, missing };
      continue;
    }
    const sum = got.reduce((a, b) => a + b, 0);
    out[m] = { mean: LOWER_IS_BETTER.has(m) ? sum / got.length : sum / vals.length, n: vals.length, missing };
  }
  return out;
}
