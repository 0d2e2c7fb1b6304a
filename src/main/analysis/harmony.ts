/**
 * Harmony stage: tuning → tuning-aware bass/treble chroma → key regions → chords, all from one
 * harmony spectrum (see harmony-spectrum.ts). Chords are decoded per beat segment; without beats a
 * fixed half-second grid is used and the chords stage says so (`degraded`).
 * Nothing is invented: no consistent pitch → tuning, key and chords fail with a reason; segments
 * without pitched energy, or with a lone note, are labelled `N`.
 *
 * The shared STFT is not used: its 10.8 Hz bins cannot separate bass semitones. Key uses
 * two kinds of evidence: profile correlation of the chroma, and how well a first chord pass fits each
 * key (diatonic chords, tonic chord); the final chords are decoded again with the key as a prior.
 * Measured on ../shared/corpus with the rhythm stage's beats: key MIREX 1.000, chords root 0.981,
 * majmin 0.980, sevenths 0.915 (bench/harmony-eval.ts).
 */
import { calibrate } from './calibration';
import type { z } from 'zod';
import type { ChordSchema, KeyAlternativeSchema, KeyRegionSchema, StageStatus } from '../../shared/songmap';
import {
  chromaBands,
  beatBoundaries,
  compressNormalize,
  extendGrid,
  fixedGrid,
  pitchSalience,
  segmentChroma,
} from './chroma';
import type { SegmentChroma } from './chroma';
import { chordLabel, decodeChords, DEFAULT_CHORD_PARAMS, isChordClass, keySpeller } from './chords';
import type { ChordDecoding, ChordParams, KeySpelling } from './chords';
import { DEFAULT_HARMONY_SPECTRUM } from './harmony-spectrum';
import { DEFAULT_PEAKS, PeakStream } from './harmony-peaks';
import {
  camelot,
  chordKeyEvidence,
  DEFAULT_KEY_PARAMS,
  estimateKeyRegions,
  keyMode,
  keyRelation,
  keyScale,
  keyTonicName,
  keyTonicPc,
  openKey,
  relatedKeys,
} from './key';
import type { KeyParams, KeyRegionEstimate } from './key';
import { ANALYSIS_SR } from './stages';
import type { HarmonyContext, HarmonyResult } from './stages';
import { estimateTuning, DEFAULT_TUNING } from './tuning';
import type { MonoAudio } from './types';
import { throwIfAborted } from './types';

/** Below this tuning consistency (rendered songs read 0.8–0.9) key and chords are marked degraded. */
export const WEAK_TUNING_CONSISTENCY = 0.25;

export interface HarmonyParams {
  chords: ChordParams;
  key: KeyParams;
  /** log compression strength applied after scaling chroma to the song's loud level */
  gamma: number;
  /** a segment quieter than this fraction of the song's loud level has no chord */
  silenceGate: number;

  /** weight of bass chroma in the key estimate, relative to treble */
  keyBassWeight: number;
  /** chord-change penalty multiplier on beats that are not downbeats (1 = ignore downbeats) */
  offDownbeatChange: number;
  /** extra key evidence for the key's own tonic chord (see chordKeyEvidence) */
  tonicBonus: number;
  /** grid step (s) when no beats are available */
  fallbackGridSec: number;
}

export const DEFAULT_HARMONY_PARAMS: HarmonyParams = {
  chords: DEFAULT_CHORD_PARAMS,
  key: DEFAULT_KEY_PARAMS,
  gamma: 10,
  silenceGate: 0.03,
  keyBassWeight: 0.5,
  fallbackGridSec: 0.5,
  tonicBonus: 0.5,
  offDownbeatChange: 1.5,
};

function chordEvidence(dec: ChordDecoding, tonicBonus: number): Float32Array {
  const n = dec.path.length;
  const masks = new Uint16Array(n);
  const roots = new Int8Array(n).fill(-1);
  const minor = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    const c = dec.classes[dec.path[s]];
    if (!isChordClass(c)) continue;
    masks[s] = c.mask;
    roots[s] = c.root;
    minor[s] = c.quality.intervals.includes(3) ? 1 : 0;
  }
  return chordKeyEvidence(masks, roots, minor, tonicBonus);
}

type KeyRegion = z.output<typeof KeyRegionSchema>;
type KeyAlternative = z.output<typeof KeyAlternativeSchema>;
type ChordOut = z.output<typeof ChordSchema>;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function percentile(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values).sort();
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Normalised features per segment: compressed unit treble chroma, bass share, silence flag. */
export interface SegmentFeatures {
  treble: Float32Array;
  bass: Float32Array;
  silent: Uint8Array;
}

export function segmentFeatures(sc: SegmentChroma, gamma: number, silenceGate: number): SegmentFeatures {
  const { nSeg } = sc;
  const loud = percentile(sc.energy, 0.9);
  const trebleRef = percentile(
    Float32Array.from({ length: nSeg }, (_, s) => Math.max(...sc.treble.subarray(s * 12, s * 12 + 12))),
    0.9,
  );
  const treble = new Float32Array(nSeg * 12);
  const bass = new Float32Array(nSeg * 12);
  const silent = new Uint8Array(nSeg);
  const scaled = new Float32Array(12);
  let bassRef = 0;
  for (let s = 0; s < nSeg; s++) {
    let b = 0;
    for (let k = 0; k < 12; k++) b += sc.bass[s * 12 + k];
    if (b > bassRef) bassRef = b;
  }
  for (let s = 0; s < nSeg; s++) {
    if (loud <= 0 || sc.energy[s] < silenceGate * loud) {
      silent[s] = 1;
      continue;
    }
    for (let k = 0; k < 12; k++) scaled[k] = trebleRef > 0 ? sc.treble[s * 12 + k] / trebleRef : 0;
    compressNormalize(scaled, 0, gamma, treble, s * 12);
    let b = 0;
    for (let k = 0; k < 12; k++) b += sc.bass[s * 12 + k];
    // a faint bass is weak evidence: the denominator keeps a floor at 5 % of the loudest bass
    const den = Math.max(b, 0.05 * bassRef);
    if (den > 0) for (let k = 0; k < 12; k++) bass[s * 12 + k] = sc.bass[s * 12 + k] / den;
  }
  return { treble, bass, silent };
}

function failed(reason: string): StageStatus {
  return { status: 'failed', reason };
}

/**
 * The harmony stage's spectral peaks as a stream (harmony-peaks.ts `PeakStream`): `finish` over the
 * whole signal is what the stage computes itself; fed while the samples arrive, the same peaks.
 */
export function harmonyPeakStream(sr: number, signal?: AbortSignal, expectedSamples = 0): PeakStream {
  const hs = DEFAULT_HARMONY_SPECTRUM;
  // the spectrum is designed for ~5.5 kHz after decimation; keep that rate for other input rates
  const factor = Math.max(1, Math.round((sr * hs.decimation) / ANALYSIS_SR));
  const frames = Math.ceil(expectedSamples / factor / hs.hop) + 1;
  return new PeakStream(sr, hs.nFft, hs.hop, { ...DEFAULT_PEAKS, signal }, factor, frames);
}

export function analyzeHarmony(
  audio: MonoAudio,
  ctx: HarmonyContext,
  params: HarmonyParams = DEFAULT_HARMONY_PARAMS,
): HarmonyResult {
  const progress = (f: number) => ctx.onProgress?.('harmony', f);
  const duration = audio.samples.length / audio.sr;
  const empty = (reason: string): HarmonyResult => ({
    tuning: null,
    key: [],
    key_alternatives: [],
    chords: [],
    beatChroma: null,
    stages: { tuning: failed(reason), key: failed(reason), chords: failed(reason) },
  });
  if (audio.samples.length < audio.sr * 0.5) return empty('audio shorter than 0.5 s: too short for harmony');

  const peaks = ctx.peaks ?? harmonyPeakStream(audio.sr, ctx.signal).finish(audio.samples);
  progress(0.5);
  throwIfAborted(ctx.signal);
  const tuning = estimateTuning(peaks, DEFAULT_TUNING);
  progress(0.55);
  if (!tuning) {
    return empty(
      peaks.globalMax === 0
        ? 'digital silence: no pitched content'
        : 'no consistent pitched content (silence or noise)',
    );
  }
  const tuningOut = { a4_hz: tuning.a4_hz, cents: tuning.cents };

  const haveBeats = ctx.beats.length >= 2;
  const grid = haveBeats ? ctx.beats : fixedGrid(duration, params.fallbackGridSec);
  const times = beatBoundaries(haveBeats ? extendGrid(grid, duration) : grid, duration);

  const bands = chromaBands();
  const ps = pitchSalience(peaks, tuning.a4_hz, ctx.signal);
  const sc = segmentChroma(ps, times, bands);
  const feat = segmentFeatures(sc, params.gamma, params.silenceGate);
  // the key's evidence without the 5th harmonics of louder notes (a strong bass's 5th harmonic is the
  // major third of its minor chord); the chords keep every partial (damping them cost sevenths on the
  // tuned part, while their key context gains from it) and read only an uncertain third with it
  const keyFeat = segmentFeatures(
    segmentChroma(pitchSalience(peaks, tuning.a4_hz, ctx.signal, { withoutOvertones: true }), times, bands),
    params.gamma,
    params.silenceGate,
  );
  throwIfAborted(ctx.signal);
  progress(0.7);

  // key chroma: treble + some bass, weighted by segment duration
  const nSeg = sc.nSeg;
  const keyChroma = new Float32Array(nSeg * 12);
  for (let s = 0; s < nSeg; s++) {
    if (keyFeat.silent[s]) continue;
    const d = times[s + 1] - times[s];
    for (let k = 0; k < 12; k++)
      keyChroma[s * 12 + k] =
        d * (keyFeat.treble[s * 12 + k] + params.keyBassWeight * keyFeat.bass[s * 12 + k]);
  }
  // first pass: chords without key context, whose fit to each key joins the chroma evidence
  const noKey = new Uint16Array(nSeg);
  const firstPass = decodeChords(
    { nSeg, treble: keyFeat.treble, bass: keyFeat.bass, silent: keyFeat.silent, keyMask: noKey },
    params.chords,
  );
  const regions = estimateKeyRegions(
    keyChroma,
    times,
    params.key,
    chordEvidence(firstPass, params.tonicBonus),
  );
  const keyOut: KeyRegion[] = regions.map((r, i) => {
    const pc = keyTonicPc(r.key);
    const mode = keyMode(r.key);
    return {
      start: round3(i === 0 ? 0 : r.start),
      end: round3(i === regions.length - 1 ? duration : r.end),
      tonic: keyTonicName(pc, mode),
      mode,
      conf: calibrate('key', r.conf),
      camelot: camelot(pc, mode),
      open_key: openKey(pc, mode),
    };
  });
  const alternatives = keyAlternatives(regions);

  // key context per segment for the diatonic prior and spelling
  const keyMask = new Uint16Array(nSeg);
  const spellers: KeySpelling[] = [];
  const segRegion = new Int32Array(nSeg).fill(-1);
  for (let i = 0; i < keyOut.length; i++) {
    const sc2 = keyScale(keyOut[i].tonic, keyOut[i].mode);
    const mode = keyOut[i].mode === 'major' ? 'minor' : 'major';
    spellers.push(keySpeller(sc2.notes, keyScale(keyOut[i].tonic, mode).notes));
    for (let s = 0; s < nSeg; s++) {
      const mid = (times[s] + times[s + 1]) / 2;
      if (mid >= keyOut[i].start && mid < keyOut[i].end + 1e-9) {
        keyMask[s] = sc2.mask;
        segRegion[s] = i;
      }
    }
  }
  const fallbackSpeller = keySpeller([]);
  // chords change on downbeats far more often than within a bar
  const changeScale = new Float32Array(nSeg).fill(1);
  if (ctx.downbeats.length >= 2 && params.offDownbeatChange !== 1) {
    let d = 0;
    for (let s = 0; s < nSeg; s++) {
      while (d < ctx.downbeats.length && ctx.downbeats[d] < times[s] - 0.07) d++;
      const onDownbeat = d < ctx.downbeats.length && Math.abs(ctx.downbeats[d] - times[s]) <= 0.07;
      const inside =
        times[s] >= ctx.downbeats[0] - 0.07 && times[s] <= ctx.downbeats[ctx.downbeats.length - 1] + 5;
      if (inside && !onDownbeat) changeScale[s] = params.offDownbeatChange;
    }
  }
  const dec = decodeChords(
    {
      nSeg,
      treble: feat.treble,
      bass: feat.bass,
      silent: feat.silent,
      keyMask,
      changeScale,
      thirds: keyFeat.treble,
    },
    params.chords,
  );
  progress(0.95);

  const chords: ChordOut[] = [];
  let confSum = 0;
  let confN = 0;
  for (let s = 0; s < nSeg; s++) {
    const c = dec.path[s];
    const speller = segRegion[s] >= 0 ? spellers[segRegion[s]] : fallbackSpeller;
    const label = c >= dec.classes.length ? 'N' : chordLabel(dec.classes[c], speller);
    const last = chords[chords.length - 1];
    if (last && last.label === label) {
      last.end = round3(times[s + 1]);
      confSum += dec.conf[s];
      confN++;
      continue;
    }
    if (last) last.conf = calibrate(last.label === 'N' ? 'none' : 'chord', confSum / confN);
    chords.push({ start: round3(times[s]), end: round3(times[s + 1]), label, conf: 0 });
    confSum = dec.conf[s];
    confN = 1;
  }
  if (chords.length) {
    const last = chords[chords.length - 1];
    last.conf = calibrate(last.label === 'N' ? 'none' : 'chord', confSum / confN);
  }

  const allN = chords.every((c) => c.label === 'N');
  const chordStage: StageStatus = allN
    ? failed('no chords: no segment had harmonic content')
    : haveBeats
      ? { status: 'ok' }
      : {
          status: 'degraded',
          reason: `no beats from the rhythm stage: chords on a fixed ${params.fallbackGridSec} s grid`,
        };
  const keyStage: StageStatus = regions.length
    ? { status: 'ok' }
    : failed('chroma does not match any key profile');

  const beatChroma = { times: times.slice(), chroma: feat.treble };
  progress(1);
  // pitched but loosely tuned material (detuned or gliding synths): reported, and said to be less sure
  const weak = tuning.consistency < WEAK_TUNING_CONSISTENCY;
  const weakReason = `weak pitch evidence (tuning consistency ${tuning.consistency.toFixed(2)})`;
  const soften = (st: StageStatus): StageStatus =>
    weak && st.status === 'ok' ? { status: 'degraded', reason: weakReason } : st;
  return {
    tuning: tuningOut,
    key: keyOut,
    key_alternatives: alternatives,
    chords: allN ? [] : chords,
    beatChroma,
    stages: { tuning: soften({ status: 'ok' }), key: soften(keyStage), chords: soften(chordStage) },
  };
}

/** Relative, parallel, dominant and subdominant of the longest region's key, with confidences. */
function keyAlternatives(regions: KeyRegionEstimate[]): KeyAlternative[] {
  if (!regions.length) return [];
  let main = regions[0];
  for (const r of regions) if (r.end - r.start > main.end - main.start) main = r;
  const scale = DEFAULT_KEY_PARAMS.confidenceScale;
  let mx = -Infinity;
  for (let i = 0; i < 24; i++) mx = Math.max(mx, main.corr[i]);
  let z = 0;
  for (let i = 0; i < 24; i++) z += Math.exp(scale * (main.corr[i] - mx));
  return relatedKeys(main.key).map((k) => {
    const pc = keyTonicPc(k);
    const mode = keyMode(k);
    return {
      tonic: keyTonicName(pc, mode),
      mode,
      relation: keyRelation(main.key, k),
      conf: round3(Math.exp(scale * (main.corr[k] - mx)) / z),
    };
  });
}
