/**
 * Pure parts of the real-recordings bench (bench/real.ts), where there is no ground truth:
 *
 * - `tempoRelation` / `agrees`: is one tempo the same as another up to a metrical factor, within 4 %
 *   (inclusive, the corpus convention of bench/metrics/tempo.ts)?
 * - `checkSongMap`: the "0 invented results" rule of the song map contract (src/shared/songmap.ts):
 *   a stage that failed or was skipped leaves its fields empty and says why; a stage that is ok or
 *   degraded has non-empty, plausible fields (and a degraded one says why).
 */
import { PITCH_NAMES, STAGE_NAMES, type SongMap, type StageName } from '../src/shared/songmap';
import { withinTolerance } from './metrics/tempo';

/**
 * How `est` relates to `ref`:
 * - 'same'   — within 4 % of ref (Acc1);
 * - 'octave' — within 4 % of ref × 2, ½, 3 or ⅓ (with 'same': the Acc2 factors);
 * - 'three-two' — within 4 % of ref × 3/2 or 2/3 (a dotted/triplet reading of the same pulse);
 * - 'none'   — none of these, or a tempo missing.
 */
export type TempoRelation = 'same' | 'octave' | 'three-two' | 'none';

const OCTAVE_FACTORS = [2, 1 / 2, 3, 1 / 3];
const THREE_TWO_FACTORS = [3 / 2, 2 / 3];

export function tempoRelation(est: number | null | undefined, ref: number | null | undefined): TempoRelation {
  if (!(typeof est === 'number' && est > 0 && typeof ref === 'number' && ref > 0)) return 'none';
  if (!Number.isFinite(est) || !Number.isFinite(ref)) return 'none';
  if (withinTolerance(est, ref)) return 'same';
  if (OCTAVE_FACTORS.some((f) => withinTolerance(est, ref * f))) return 'octave';
  if (THREE_TWO_FACTORS.some((f) => withinTolerance(est, ref * f))) return 'three-two';
  return 'none';
}

/** 'octave' = factors 1, 2, ½, 3, ⅓ (strict, Acc2); 'with-3/2' also counts 3/2 and 2/3. */
export type AgreementMode = 'exact' | 'octave' | 'with-3/2';

export function agrees(rel: TempoRelation, mode: AgreementMode): boolean {
  if (mode === 'exact') return rel === 'same';
  if (mode === 'octave') return rel === 'same' || rel === 'octave';
  return rel !== 'none';
}

/** Short mark for tables: '=' same, '8' octave-type factor, '3/2', 'x' none. */
export function relationMark(rel: TempoRelation): string {
  return rel === 'same' ? '=' : rel === 'octave' ? '8ve' : rel === 'three-two' ? '3/2' : 'x';
}

// ---- "0 invented results" -----------------------------------------------------------------------

/** Tempo range the engine reports in (rhythm.ts MIN_BPM..MAX_BPM); outside it a tempo is implausible. */
export const BPM_RANGE: readonly [number, number] = [40, 240];
/** A4 within a semitone of 440 Hz. */
export const A4_RANGE: readonly [number, number] = [415.3, 466.2];
/** Slack for times at the very end (rounding of the duration and of the times). */
const END_SLACK = 0.05;
const VALID_TONICS: ReadonlySet<string> = new Set(PITCH_NAMES);

export interface Violation {
  stage: StageName | 'song';
  problem: string;
}

/** Which song map fields each stage owns (what must be empty when it failed). */
export const STAGE_FIELDS: Record<StageName, string[]> = {
  decode: ['duration_sec'],
  tempo: ['tempo'],
  beats: ['beats'],
  meter: ['meter', 'downbeats'],
  tuning: ['tuning'],
  key: ['key', 'key_alternatives'],
  chords: ['chords'],
  sections: ['sections'],
  loudness: ['loudness'],
  waveform: ['waveform'],
};

const isEmpty = (v: unknown): boolean =>
  v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** Times strictly increasing, each in [0, duration]. Returns the first problem or null. */
export function timesProblem(times: readonly number[], duration: number, what: string): string | null {
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!Number.isFinite(t) || t < 0) return `${what}[${i}] = ${t} is not a time`;
    if (t > duration + END_SLACK) return `${what}[${i}] = ${t} is after the end (${duration} s)`;
    if (i > 0 && !(t > times[i - 1])) return `${what}[${i}] = ${t} does not increase (previous ${times[i - 1]})`;
  }
  return null;
}

/** Intervals with start < end inside [0, duration], in order, not overlapping. */
function spansProblem(
  spans: ReadonlyArray<{ start: number; end: number }>,
  duration: number,
  what: string,
): string | null {
  for (let i = 0; i < spans.length; i++) {
    const { start, end } = spans[i];
    if (!(start >= 0 && end > start)) return `${what}[${i}] has start ${start} ≥ end ${end}`;
    if (end > duration + END_SLACK) return `${what}[${i}] ends at ${end}, after the end (${duration} s)`;
    if (i > 0 && start < spans[i - 1].end - 1e-6)
      return `${what}[${i}] starts at ${start}, before the previous one ends (${spans[i - 1].end})`;
  }
  return null;
}

/** Plausibility of a stage's fields when the stage says it produced them; the problems found. */
function plausibility(stage: StageName, m: SongMap): string[] {
  const d = m.duration_sec;
  const out: string[] = [];
  const push = (p: string | null): void => {
    if (p) out.push(p);
  };
  switch (stage) {
    case 'decode':
      if (!(d > 0)) out.push(`duration_sec ${d} is not positive`);
      break;
    case 'tempo': {
      const t = m.tempo;
      if (!t) return ['tempo is null'];
      if (!(t.bpm_global >= BPM_RANGE[0] && t.bpm_global <= BPM_RANGE[1]))
        out.push(`bpm_global ${t.bpm_global} outside ${BPM_RANGE[0]}–${BPM_RANGE[1]}`);
      if (!(t.confidence >= 0 && t.confidence <= 1)) out.push(`tempo confidence ${t.confidence} outside 0–1`);
      if (t.curve.length === 0) out.push('tempo curve is empty');
      push(timesProblem(t.curve.map((p) => p[0]), d, 'tempo.curve'));
      if (t.curve.some((p) => !(p[1] > 0 && Number.isFinite(p[1])))) out.push('tempo curve has a non-positive bpm');
      break;
    }
    case 'beats':
      if (m.beats.length < 4) out.push(`${m.beats.length} beats (fewer than 4)`);
      push(timesProblem(m.beats, d, 'beats'));
      break;
    case 'meter': {
      if (!m.meter) return ['meter is null'];
      const { numerator: n, denominator: den } = m.meter;
      if (!(n >= 2 && n <= 16)) out.push(`meter numerator ${n} implausible`);
      if (![2, 4, 8, 16].includes(den)) out.push(`meter denominator ${den} implausible`);
      if (m.downbeats.length === 0) out.push('no downbeats');
      push(timesProblem(m.downbeats, d, 'downbeats'));
      const beatSet = new Set(m.beats);
      const stray = m.downbeats.find((t) => !beatSet.has(t));
      if (m.beats.length && stray !== undefined) out.push(`downbeat ${stray} is not one of the beats`);
      break;
    }
    case 'tuning':
      if (!m.tuning) return ['tuning is null'];
      if (!(m.tuning.a4_hz >= A4_RANGE[0] && m.tuning.a4_hz <= A4_RANGE[1]))
        out.push(`A4 ${m.tuning.a4_hz} Hz more than a semitone from 440`);
      break;
    case 'key':
      if (m.key.length === 0) return ['no key regions'];
      for (const k of m.key) {
        if (!VALID_TONICS.has(k.tonic)) out.push(`key tonic "${k.tonic}" is not a pitch name`);
        if (!(k.conf >= 0 && k.conf <= 1)) out.push(`key conf ${k.conf} outside 0–1`);
      }
      push(spansProblem(m.key, d, 'key'));
      break;
    case 'chords':
      if (m.chords.length === 0) return ['no chords'];
      if (m.chords.every((c) => c.label === 'N')) out.push('every chord is N (no chord)');
      push(spansProblem(m.chords, d, 'chords'));
      break;
    case 'sections':
      if (m.sections.length === 0) return ['no sections'];
      push(spansProblem(m.sections, d, 'sections'));
      if (m.sections.some((s) => !s.label)) out.push('a section has an empty label');
      break;
    case 'loudness': {
      const l = m.loudness;
      if (!l) return ['loudness is null'];
      if (!(l.integrated_lufs >= -70 && l.integrated_lufs <= 6))
        out.push(`integrated loudness ${l.integrated_lufs} LUFS implausible`);
      if (!(l.true_peak_dbtp <= 12)) out.push(`true peak ${l.true_peak_dbtp} dBTP implausible`);
      break;
    }
    case 'waveform':
      if (!m.waveform) return ['waveform is null'];
      if (m.waveform.levels.some((lv) => lv.min.length === 0 || lv.min.length !== lv.max.length))
        out.push('a waveform level is empty or its min/max lengths differ');
      break;
  }
  return out;
}

/**
 * Every violation of the "0 invented results" rule in one song map:
 * - a failed/skipped stage with non-empty fields (an invented result) or without a reason;
 * - an ok/degraded stage with empty or implausible fields, a degraded stage without a reason;
 * - a stage with no status at all.
 */
export function checkSongMap(m: SongMap): Violation[] {
  const v: Violation[] = [];
  const rec = m as unknown as Record<string, unknown>;
  for (const stage of STAGE_NAMES) {
    const st = m.stages[stage];
    if (!st) {
      v.push({ stage, problem: 'no stage status' });
      continue;
    }
    const fields = STAGE_FIELDS[stage];
    if (st.status === 'failed' || st.status === 'skipped') {
      if (!st.reason?.trim()) v.push({ stage, problem: `${st.status} without a reason` });
      // decode owns the duration, which is there whenever a map is (decode failures throw)
      if (stage === 'decode') continue;
      for (const f of fields)
        if (!isEmpty(rec[f])) v.push({ stage, problem: `${st.status}, but ${f} is filled (invented result)` });
    } else {
      if (st.status === 'degraded' && !st.reason?.trim()) v.push({ stage, problem: 'degraded without a reason' });
      for (const p of plausibility(stage, m)) v.push({ stage, problem: `${st.status}, but ${p}` });
    }
  }
  // downbeats without beats, or beats that another stage's result claims while the beat stage failed
  if (m.downbeats.length && !m.beats.length) v.push({ stage: 'song', problem: 'downbeats without beats' });
  return v;
}
