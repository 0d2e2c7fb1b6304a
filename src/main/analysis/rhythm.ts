/**
 * Rhythm stage: log-mel onset strength → autocorrelation tempogram → local period path (Viterbi)
 * → choice of the metrical level that is the beat → DP beat tracking on that level → sample-accurate
 * beat placement → tempo curve from the beats → meter and downbeats from beat-synchronous features.
 * Never invents values: no periodicity means `tempo: null`, no beats and failed stages with the
 * reason.
 */
import type { StageStatus } from '../../shared/songmap';
import {
  backbeatSaysDouble,
  beatsOnTheKick,
  drumsGroupPulses,
  MIN_PERCUSSIVE,
  percussiveness,
  pulsesAlternate,
  pulsesAreEighths,
} from './backbeat';
import { calibrate } from './calibration';
import { trackBeats, trackSteadyBeats } from './beat';
import { analyzeMeter, groupsInThrees, harmonicNovelty } from './meter';
import type { OnsetFeatures } from './onset';
import { completeFirstBars, completeLastBar, refineBeats } from './rhythm-refine';
import { featuresOf } from './shared-features';
import { stft } from './spectrum';
import { ANALYSIS_SR, SHARED_HOP, SHARED_NFFT, type RhythmResult, type StageContext } from './stages';
import {
  acfTempogram,
  around,
  chooseBeatLevel,
  curveFromBeats,
  levelPeriod,
  playedTempo,
  smoothDrift,
  detrend,
  dottedBeatFactor,
  levelConfidences,
  median,
  metricalLevels,
  type MetricalLevel,
  type Tempogram,
  periodPath,
  periodPerFrame,
  pulseConsistency,
  salienceAlong,
  tempoSteps,
} from './tempo';
import type { MonoAudio } from './types';
import { throwIfAborted } from './types';

/** Beat range we report; 6/8 dotted quarters can be slow, fast reels fast. */
export const MIN_BPM = 40;
export const MAX_BPM = 240;
/** fastest pulse considered when looking for the tatum above the beat */
export const MAX_TATUM_BPM = 330;
/**
 * A fast pulse is kept as the beat only if the harmony repeats at 3 or 4 of its pulses at least
 * this fraction as strongly as at 8 (chords change per bar, or per two bars, not per eight beats).
 */
export const BAR_SUPPORT = 0.25;
/**
 * Below this mean autocorrelation at the beat, and at every other metrical level, there is no pulse
 * worth tracking: white noise and random bursts read 0.09–0.18 (the drift-tolerant reading picks up
 * chance peaks), the rendered corpus 0.48–0.95 (a sparse funk groove 0.28 at its beat, 0.55 at three
 * beats).
 */
export const MIN_SALIENCE = 0.3;
/**
 * A pulse below MIN_SALIENCE is still reported (degraded) when it is at least this salient and
 * holds steadily (pulseConsistency ≥ MIN_CONSISTENCY): real game-soundtrack mixes with a tempo two
 * independent trackers agree on read 0.21–0.29 with consistency 0.6–0.8; white noise, random
 * bursts and notes at random moments read ≤ 0.20 or ≤ 0.59.
 */
export const MIN_FAINT_SALIENCE = 0.2;
export const MIN_CONSISTENCY = 0.6;
/** …and only over at least this much audio (20 s of white noise can hold steady by chance). */
export const MIN_FAINT_SEC = 45;
/**
 * How far (ratio) the beat path may stray from a smoothly drifting strongest pulse: enough for the
 * beat to sit between that pulse's readings, too little to reach another metrical level (×4/3, ×3/2).
 * 1.1 and 1.25 give the same results on the tuning part and the development set (1.2 loses a 218 BPM
 * song whose hat grouping is on a knife's edge: the state grid moves with the range).
 */
export const FOLLOW_SPAN = 1.25;
/**
 * A beat slower than BAR_AS_BEAT_BPM is a bar when the pulse four times as fast is still at least
 * BAR_AS_BEAT_QUARTERS as periodic, and that pulse is no faster than BAR_AS_BEAT_MAX_QUARTER (16ths
 * under a slow ballad are no beat). Songs really at 46–55 BPM read ≤ 0.18 there (their fast levels
 * are the half and the third); a funk groove at 162 read as its 40.5 BPM bar reads 0.44.
 */
export const BAR_AS_BEAT_BPM = 60;
export const BAR_AS_BEAT_QUARTERS = 0.3;
export const BAR_AS_BEAT_MAX_QUARTER = 200;
/** Below this the pulse is weak: we still report it but mark the stages degraded. */
export const WEAK_SALIENCE = 0.42;

/** Two readings closer than this (ratio) are the same metrical level. */
const SAME_LEVEL = 0.04;

/**
 * Whether the pitched envelope's beat level may stand for the broadband one's. Without drums it may
 * (the notes are where the pulse is). With a drum kit the drums carry the beat: the notes may only
 * confirm the broadband level (the same tempo, within SAME_LEVEL), not put another in its place. A
 * sparse syncopated funk groove (kick on 1 and 2, snare on 3, bass and guitar on 1, the & of 2 and
 * 4) has its notes' strongest pulse on the dotted quarter, ⅔ of the tempo its drums give; a shuffle
 * with drums has its notes' pulse at half the tempo.
 */
export function pitchedMayLead(
  broad: MetricalLevel | null,
  pitched: MetricalLevel,
  high: Float32Array,
): boolean {
  if (!broad || percussiveness(high) < MIN_PERCUSSIVE) return true;
  return Math.abs(pitched.bpm / broad.bpm - 1) <= SAME_LEVEL;
}

const failedAll = (reason: string): RhythmResult => {
  const failed: StageStatus = { status: 'failed', reason };
  return {
    tempo: null,
    beats: [],
    downbeats: [],
    meter: null,
    stages: { tempo: failed, beats: failed, meter: failed },
  };
};

export function analyzeRhythm(audio: MonoAudio, ctx: StageContext): RhythmResult {
  const progress = (f: number): void => ctx.onProgress?.('rhythm', f);
  const shared =
    ctx.features ??
    featuresOf(
      ctx.spec ??
        stft(audio.samples, {
          sr: audio.sr || ANALYSIS_SR,
          nFft: SHARED_NFFT,
          hop: SHARED_HOP,
          signal: ctx.signal,
        }),
      ctx.signal,
    );
  throwIfAborted(ctx.signal);
  const feat = shared.onset;
  if (feat.nFrames < 16) return failedAll('audio too short for rhythm analysis');
  progress(0.3);
  const fps = feat.fps;
  // read when first needed (a getter computes it then when the features come from a spectrogram)
  const chroma = (): Float32Array => shared.chroma;
  let pulse = findPulse(detrend(feat.env, fps), feat, chroma, ctx.signal);
  if (!pulse) return failedAll('no periodic onsets (no onsets at all)');
  if (!(pulse.chosen && pulse.chosen.salience >= WEAK_SALIENCE)) {
    // no clear pulse in the broadband flux: soft-attack pitched music (strings, choir, harp, organ)
    // may still have one in its notes; keep whichever envelope is the more periodic (with drums the
    // notes may only confirm the drums' level: pitchedMayLead)
    const pitched = findPulse(detrend(shared.pitched(), fps), feat, chroma, ctx.signal);
    if (
      pitched?.chosen &&
      pitched.chosen.salience > (pulse.chosen?.salience ?? 0) &&
      pitchedMayLead(pulse.chosen, pitched.chosen, feat.high)
    ) {
      pulse = pitched;
    }
  }
  progress(0.5);
  const { chosen, tg, path1, steps, level, od } = pulse;
  if (!chosen) return failedAll('no periodic onsets');
  // pulse salience: mean autocorrelation at the beat, read along the drifting tempo. Whether there is
  // a pulse at all is asked of every metrical level: a syncopated groove can be most periodic in its
  // bar or half-bar while the beat chosen among its relatives reads weaker
  const salience = chosen.salience;
  if (!(Math.max(salience, pulse.strongest) >= MIN_SALIENCE)) {
    // a faint pulse still counts when it holds steadily over the song (a real mix, strings, a
    // choir); chance periodicities in noise or in notes at random moments do not
    const consistency = pulseConsistency(tg, path1, [MIN_BPM, MAX_BPM]);
    // the 8 s tempogram windows overlap: a short clip holds too few independent ones to tell
    const longEnough = feat.nFrames / fps >= MIN_FAINT_SEC;
    if (!(longEnough && salience >= MIN_FAINT_SALIENCE && consistency >= MIN_CONSISTENCY))
      return failedAll(
        `no periodic onsets (pulse salience ${salience.toFixed(2)}, consistency ${consistency.toFixed(2)})`,
      );
  }
  // the wide path may wander between metrical levels; the beat path stays on the chosen one. It
  // keeps to the strongest pulse's drift when that path never hops between levels (a
  // ramp, a ritardando); otherwise to one level of the whole song (and its tempo steps)
  const drift = smoothDrift(path1, steps, level);
  const track = (factor: number): { path: Float32Array; frames: number[] } => {
    const path = drift
      ? periodPath(tg, around(level / factor, FOLLOW_SPAN), { scale: drift, signal: ctx.signal })
      : periodPath(tg, around(level / factor), { scale: steps, signal: ctx.signal });
    return {
      path,
      frames: trackSteadyBeats(od, periodPerFrame(path, tg.hop, feat.nFrames), { signal: ctx.signal }),
    };
  };
  let { path, frames: beatFrames } = track(chosen.factor);
  let factor = chosen.factor;
  const retrack = (f: number): void => {
    const t = track(f);
    if (t.frames.length < 4) return;
    ({ path, frames: beatFrames } = t);
    factor = f;
  };
  // a slow level whose halves carry the kick-snare alternation is half the beat (backbeat.ts)
  if (chosen.bpm * 2 <= MAX_BPM && backbeatSaysDouble(beatFrames, feat.low, feat.high, feat.env)) {
    retrack(chosen.factor * 2);
  } else {
    // a level whose drums hit only every 2nd (3rd) pulse, hats between, is a subdivision of the beat
    const k = drumsGroupPulses(beatFrames, feat.high, feat.env);
    if (k > 1 && chosen.bpm / k >= MIN_BPM) retrack(chosen.factor / k);
    // the fastest pulse, under a kick pattern that repeats every 4 of them and not every 2: eighths
    else if (chosen.bpm / 2 >= MIN_BPM && pulsesAreEighths(beatFrames, feat.low, feat.high, feat.env))
      retrack(chosen.factor / 2);
  }
  // the tempo of the beats as tracked: the path may drift from the chosen level's reading by up to FOLLOW_SPAN
  const trackedBpm = (): number => (60 * fps) / median(beatFrames.slice(1).map((f, i) => f - beatFrames[i]));
  // a dotted beat, the song's bar not a whole number of them: the beat is 2/3 (2/5) of it
  const dotted = dottedBeatFactor(tg, path, trackedBpm(), MAX_BPM);
  if (dotted > 1) retrack(factor * dotted);
  // a very slow level whose quarters are periodic too is a bar read as the beat
  const bpmNow = trackedBpm();
  if (bpmNow < BAR_AS_BEAT_BPM && bpmNow * 4 <= BAR_AS_BEAT_MAX_QUARTER) {
    const s = (f: number): number => salienceAlong(tg, path, f);
    if (s(4) >= BAR_AS_BEAT_QUARTERS * s(1)) retrack(factor * 4);
  }
  // beats locked to the off-beat: the kick and bass hit between them (backbeat.ts)
  const onKick = beatsOnTheKick(beatFrames, feat.low, feat.high, feat.nFrames);
  if (onKick) beatFrames = onKick;
  progress(0.8);
  if (beatFrames.length < 4) return failedAll('no periodic onsets (fewer than 4 beats tracked)');
  const beats = refineBeats(
    audio.samples,
    audio.sr,
    beatFrames.map((f) => f / fps),
  ).map((t) => round4(Math.max(0, t)));

  const { curve, local } = curveFromBeats(beats);
  // the global tempo as a listener counts it: the median beat-to-beat tempo (a jump gives one of its
  // two tempi, not the in-between values the windowed fits take across it)
  const ibiBpm = beats.slice(1).map((t, i) => 60 / (t - beats[i]));
  const bpm = ibiBpm.length >= 8 ? playedTempo(ibiBpm) : median(local);
  const weak = salience < WEAK_SALIENCE;
  // confidences from the levels along the final path: the beat is factor 1 there
  const levels = metricalLevels(tg, path, { minBpm: 0, maxBpm: Infinity });
  const conf = levelConfidences(levels);
  // how clear the evidence was (a weak pulse halves it); calibrate() turns it into the probability of being right
  const rawConfidence = conf.confidence * (weak ? 0.5 : 1);
  const tempo = {
    bpm_global: round2(bpm),
    curve,
    confidence: calibrate('tempo', rawConfidence),
    beat_confidence: calibrate('beats', rawConfidence),
    alternatives: conf.alternatives.map((a) => ({
      bpm: round2(bpm * a.factor),
      factor: round3(a.factor),
      confidence: round3(a.confidence),
    })),
  };
  const weakStatus: StageStatus = weak
    ? { status: 'degraded', reason: `weak pulse (salience ${salience.toFixed(2)})` }
    : { status: 'ok' };

  throwIfAborted(ctx.signal);
  const m = analyzeMeter(beatFrames, od, feat, chroma());
  progress(1);
  if (!m) {
    return {
      tempo,
      beats,
      downbeats: [],
      meter: null,
      stages: {
        tempo: weakStatus,
        beats: weakStatus,
        meter: { status: 'failed', reason: 'too few beats for a meter' },
      },
    };
  }
  const meterStatus: StageStatus =
    m.confidence < 0.15
      ? { status: 'degraded', reason: `no clear bar accent (confidence ${m.confidence.toFixed(2)})` }
      : weakStatus;
  return {
    tempo,
    beats,
    downbeats: m.downbeats.map((i) => beats[i]),
    meter: { numerator: m.numerator, denominator: m.denominator },
    stages: { tempo: weakStatus, beats: weakStatus, meter: meterStatus },
    ternary: m.ternaryRatio,
    levels,
  };
}

/**
 * The final reading's beats, downbeats and tempo-curve start with its bars completed at both ends: the
 * lead-in bars of a soft intro back to the song's first note (`completeFirstBars`) and the last bar
 * through a held final chord (`completeLastBar`, rhythm-refine.ts). Applied once harmony and sections
 * have read the tracked beats: they need no beats the tracker did not hear, and a bar more at the end
 * moved their phrase grids.
 */
export function completeBars<T extends { curve?: [number, number][] }>(
  r: Pick<RhythmResult, 'beats' | 'downbeats' | 'meter'> & { tempo: T | null },
  audio: MonoAudio,
): { beats: number[]; downbeats: number[]; tempo: T | null } {
  const unchanged = { beats: r.beats, downbeats: r.downbeats, tempo: r.tempo };
  if (!r.meter || r.downbeats.length === 0) return unchanged;
  const first = r.beats.indexOf(r.downbeats[0]);
  const last = r.beats.lastIndexOf(r.downbeats[r.downbeats.length - 1]);
  if (first < 0 || last < 0) return unchanged;
  const perBar = r.meter.denominator === 8 ? r.meter.numerator / 3 : r.meter.numerator;
  const sr = audio.sr || ANALYSIS_SR;
  const led = completeFirstBars(audio.samples, sr, r.beats, perBar);
  const added = led.length - r.beats.length;
  const leadDownbeats: number[] = [];
  for (let i = first + added - perBar; i >= 0; i -= perBar) if (i < added) leadDownbeats.unshift(led[i]);
  // the tempo curve starts at the first beat: the carried-back one
  const curve = r.tempo?.curve ?? [];
  const tempo: T | null =
    added > 0 && r.tempo && curve.length > 0
      ? { ...r.tempo, curve: [[led[0], curve[0][1]], ...curve.slice(1)] }
      : r.tempo;
  return {
    beats: completeLastBar(audio.samples, sr, led, last + added, perBar),
    downbeats: leadDownbeats.length ? [...leadDownbeats, ...r.downbeats] : r.downbeats,
    tempo,
  };
}

interface Pulse {
  od: Float32Array;
  tg: Tempogram;
  /** the period path on the strongest level, from which the beat level is chosen */
  path1: Float32Array;
  /** sudden tempo changes along the song (`tempoSteps`), which every narrow path follows */
  steps: Float32Array;
  /** path1's period with the steps taken out (`levelPeriod`) */
  level: number;
  chosen: MetricalLevel | null;
  /** the salience of the most periodic metrical level (the chosen beat may be a weaker one) */
  strongest: number;
}

/**
 * Tempogram of one onset envelope, the period path on its strongest pulse and the beat level chosen
 * among that path's metrical relatives. Null when the envelope has no onsets at all.
 */
function findPulse(
  od: Float32Array,
  feat: OnsetFeatures,
  chroma: () => Float32Array,
  signal: AbortSignal | undefined,
): Pulse | null {
  const { fps, nFrames } = feat;
  const tg = acfTempogram(od, fps, { signal, minBpm: MIN_BPM / 2.2 });
  if (!tg.energy.some((e) => e > 0)) return null;
  throwIfAborted(signal);
  // a wide first path follows whichever pulse is strongest; the beat level is chosen along it
  const path0 = periodPath(tg, [(60 * fps) / MAX_BPM, (60 * fps) / MIN_BPM], { signal });
  // the wide path can hop between levels (a 3+3+2 groove offers several); settle on the level of
  // its median before reading the metrical relatives, or they would mix
  const steps = tempoSteps(tg, path0);
  const path1 = periodPath(tg, around(levelPeriod(path0, steps)), { scale: steps, signal });
  const levels = metricalLevels(tg, path1, { minBpm: MIN_BPM, maxBpm: MAX_TATUM_BPM });
  const level1 = levelPeriod(path1, steps);
  let tgn: Tempogram | null = null;
  const barAllows = (factor: number): boolean => {
    // does the harmony allow a bar of 3 or 4 of these pulses, or does it change only every 8?
    tgn ??= acfTempogram(detrend(harmonicNovelty(chroma(), nFrames, fps), fps), fps, {
      signal,
      winSec: 16,
      minBpm: 10,
    });
    const bar = (beats: number): number => salienceAlong(tgn!, path1, factor / beats);
    return Math.max(bar(3), bar(4)) >= BAR_SUPPORT * bar(8);
  };
  const chosen = chooseBeatLevel(
    levels,
    (tatum) => {
      // track the tatum itself and read its accent pattern
      const tPath = periodPath(tg, around(level1 / tatum.factor), {
        scale: steps,
        signal,
      });
      const pulses = trackBeats(od, periodPerFrame(tPath, tg.hop, nFrames), { signal });
      // kick and snare taking turns on the tatum group it in twos, whatever the accents say
      if (pulsesAlternate(pulses, feat.low, feat.high, feat.env)) return false;
      return groupsInThrees(pulses, od);
    },
    (fast) => barAllows(fast.factor),
  );
  const strongest = levels.reduce((m, l) => Math.max(m, l.salience), 0);
  return { od, tg, path1, steps, level: level1, chosen, strongest };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const round4 = (x: number): number => Math.round(x * 10000) / 10000;
