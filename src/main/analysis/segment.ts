/**
 * Section segmentation: bar-aligned boundaries, repetition letters and best-effort names.
 *
 * Bars come from the downbeats (the corpus and pop forms change section on bar lines). Each bar
 * gets chroma per beat slot (from the harmony stage's beat chroma, or folded from the shared STFT),
 * log-mel cepstra and loudness; a bar self-similarity matrix is cut into blocks of mutually similar
 * bars by dynamic programming, and blocks that line up along the diagonal share a letter.
 */
import { nameSections, letterOf } from './segment-names';
import { barFeatures, type BarFeatures } from './segment-features';
import {
  DEFAULT_PARAMS,
  barSimilarity,
  blend,
  chromaSimilarity,
  continuity,
  lagSimilarity,
  refineCuts,
  standardise,
  diagonalSmooth,
  groupSegments,
  offDiagonalQuantile,
  segmentOnPhrases,
  barNovelty,
  phrasePhase,
  type StructureParams,
} from './segment-structure';
import { featuresOf } from './shared-features';
import { stft } from './spectrum';
import { SHARED_HOP, SHARED_NFFT, type SectionsContext, type SectionsResult } from './stages';
import { throwIfAborted, type MonoAudio } from './types';

/** below this RMS (about −70 dBFS) the file holds no music to segment */
const SILENCE_RMS = 3e-4;
/** bars this far below the median bar loudness at either end are lead-in silence or release tail */
const EDGE_DROP_DB = 25;
/** with fewer bars there is no structure to find: one section */
const MIN_BARS_FOR_STRUCTURE = 4;

type Section = SectionsResult['sections'][number];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
};

/** Bar lines from the downbeats (or every `perBar` beats), closed with one more bar length. */
export function barGrid(
  downbeats: readonly number[],
  beats: readonly number[],
  perBar: number,
  duration: number,
): { bars: number[]; fromBeats: boolean } | null {
  let lines = [...new Set(downbeats)].filter((t) => t >= 0 && t < duration).sort((a, b) => a - b);
  let fromBeats = false;
  if (lines.length < 2) {
    const b = [...beats].filter((t) => t >= 0 && t < duration).sort((x, y) => x - y);
    if (b.length < 2 * perBar) return null;
    lines = b.filter((_, i) => i % perBar === 0);
    fromBeats = true;
  }
  const barLen = median(lines.slice(1).map((t, i) => t - lines[i]));
  const end = Math.min(duration, lines[lines.length - 1] + barLen);
  if (end > lines[lines.length - 1] + 1e-3) lines.push(end);
  return { bars: lines, fromBeats };
}

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Drop leading and trailing bars that are much quieter than the song (silence, fades, tails). */
export function trimQuietBars(energyDb: Float32Array): [number, number] {
  const med = median(Array.from(energyDb));
  let a = 0;
  let b = energyDb.length;
  while (a < b && energyDb[a] < med - EDGE_DROP_DB) a++;
  while (b > a && energyDb[b - 1] < med - EDGE_DROP_DB) b--;
  return [a, b];
}

/** The structure analysis proper, on bars that already have features (exported for tuning). */
export function sectionsFromBars(
  bars: readonly number[],
  f: BarFeatures,
  p: StructureParams = DEFAULT_PARAMS,
): Section[] {
  const n = f.n;
  if (n < MIN_BARS_FOR_STRUCTURE) {
    return [{ start: bars[0], end: bars[n], label: 'section', letter: 'A', conf: 0 }];
  }
  const chroma = chromaSimilarity(f);
  const s = barSimilarity(f, p.chromaWeight, chroma);
  let se = diagonalSmooth(s, p.diagHalfWidth);
  let tau = offDiagonalQuantile(se, p.blockQuantile);
  // timbre is trusted as far as it shows continuity: with one groove throughout it is only noise
  const trust = Math.min(1, Math.max(0, continuity(se)) / p.timbreContinuityRef);
  if (p.lagWeight > 0) {
    // where each bar's chord sequence recurs, as a block structure: each matrix is measured against
    // its own "same block" level before they are mixed
    const lag = lagSimilarity(diagonalSmooth(chroma, p.lagSeqHalf), p.lagNeighbours, p.lagSmooth, 160);
    const wt = (1 - p.lagWeight) * trust;
    se = blend(
      standardise(se, p.blockQuantile),
      standardise(lag, p.lagQuantile),
      p.lagWeight / (p.lagWeight + wt),
    );
    tau = 0;
  }
  // sections start on a phrase grid of 4 (or 6) bars: at bar 0, or two bars in after a 2-bar intro
  const phase = phrasePhase(barNovelty(se, p.phaseKernel), n, p.phaseMargin);
  const cuts0 = segmentOnPhrases(se, tau, p, phase).cuts;
  const g0 = groupSegments(s, cuts0, p.letterThreshold);
  // timbre finds the blocks; the chord sequence says on which bar each repeat really starts
  const cuts =
    p.refineReach > 0
      ? refineCuts(chroma, cuts0, g0.groups, p.seqBars, p.refineReach, p.minBars, p.refineMargin)
      : cuts0;
  const { groups, sim } = p.refineReach > 0 ? groupSegments(s, cuts, p.letterThreshold) : g0;
  const energy = (a: number, b: number): number => {
    let e = 0;
    for (let i = a; i < b; i++) e += 10 ** (f.energyDb[i] / 10);
    return 10 * Math.log10(e / Math.max(1, b - a) + 1e-10);
  };
  const segs = groups.map((g, k) => ({
    group: g,
    start: bars[cuts[k]],
    end: bars[cuts[k + 1]],
    energyDb: energy(cuts[k], cuts[k + 1]),
  }));
  const names = nameSections(segs);
  return segs.map((sg, k) => {
    // confidence: how clearly a repeat matches its partners, or how distinct a one-off is
    const partners = groups
      .map((g, j) => (g === sg.group && j !== k ? sim[k][j] : NaN))
      .filter((x) => !Number.isNaN(x));
    const others = groups.map((g, j) => (g !== sg.group ? sim[k][j] : NaN)).filter((x) => !Number.isNaN(x));
    const raw = partners.length
      ? partners.reduce((a, b) => a + b, 0) / partners.length
      : 1 - Math.max(0, ...others.map((x) => (x + 1) / 2));
    const conf = Math.max(0, Math.min(1, partners.length ? (raw + 1) / 2 : raw));
    return {
      start: sg.start,
      end: sg.end,
      label: names[k],
      letter: letterOf(sg.group),
      conf: Math.round(conf * 1000) / 1000,
    };
  });
}

export function analyzeSections(audio: MonoAudio, ctx: SectionsContext): SectionsResult {
  throwIfAborted(ctx.signal);
  const fail = (reason: string): SectionsResult => ({ sections: [], stage: { status: 'failed', reason } });
  const duration = audio.samples.length / audio.sr;
  if (audio.samples.length === 0 || rms(audio.samples) < SILENCE_RMS)
    return fail('no music found: the audio is silent');
  const num = ctx.meter?.numerator;
  const perBar = num && num >= 1 && num <= 12 ? num : 4;
  const grid = barGrid(ctx.downbeats, ctx.beats, perBar, duration);
  if (!grid) return fail('no beats or downbeats to lay bars on');
  ctx.onProgress?.('sections', 0.1);

  // frame chroma is there always; bar features use it only when there is no beat chroma
  const frames = (
    ctx.features ??
    featuresOf(
      ctx.spec ??
        stft(audio.samples, { sr: audio.sr, nFft: SHARED_NFFT, hop: SHARED_HOP, signal: ctx.signal }),
      ctx.signal,
    )
  ).frames;
  throwIfAborted(ctx.signal);
  ctx.onProgress?.('sections', 0.6);
  const all = barFeatures(grid.bars, perBar, frames, ctx.beatChroma);
  const [a, b] = trimQuietBars(all.energyDb);
  if (b - a < 1) return fail('no music found: every bar is near silence');
  const bars = grid.bars.slice(a, b + 1);
  const f = barFeatures(bars, perBar, frames, ctx.beatChroma);
  const sections = sectionsFromBars(bars, f);
  throwIfAborted(ctx.signal);
  ctx.onProgress?.('sections', 1);
  const notes: string[] = [];
  if (grid.fromBeats) notes.push(`no downbeats: bars assumed every ${perBar} beats from the first beat`);
  if (ctx.beatChroma === null)
    notes.push('no beat chroma from the harmony stage: chroma folded from the spectrum');
  if (f.n < MIN_BARS_FOR_STRUCTURE) notes.push(`only ${f.n} bars: too short for structure`);
  return {
    sections,
    stage: notes.length ? { status: 'degraded', reason: notes.join('; ') } : { status: 'ok' },
  };
}
