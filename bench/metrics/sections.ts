/**
 * Structure metrics after mir_eval.segment: boundary detection (hit rate F at a window, first and
 * last boundary trimmed) and pairwise frame-clustering F (0.1 s frames, labels case-insensitive).
 * `evaluateSections` applies the corpus convention: everything is measured inside the music region.
 */
import { fMeasure, matchEvents } from './events';
import { adjustIntervals, intervalsToSamples, type Interval, type Labelled } from './intervals';

/** mir_eval.util.intervals_to_boundaries: unique interval edges, rounded to 5 decimals. */
export function intervalsToBoundaries(intervals: Interval[]): number[] {
  const r = intervals.flat().map((t) => Math.round(t * 1e5) / 1e5);
  return [...new Set(r)].sort((a, b) => a - b);
}

/** mir_eval.segment.detection → F-measure */
export function boundaryDetection(ref: Interval[], est: Interval[], window: number, trim: boolean): number {
  let rb = intervalsToBoundaries(ref);
  let eb = intervalsToBoundaries(est);
  if (trim) {
    rb = rb.slice(1, -1);
    eb = eb.slice(1, -1);
  }
  if (rb.length === 0 || eb.length === 0) return 0;
  const n = matchEvents(rb, eb, window).length;
  return fMeasure(n / eb.length, n / rb.length);
}

function pairsWithin(counts: Map<string, number>): number {
  let s = 0;
  for (const c of counts.values()) s += (c * (c - 1)) / 2;
  return s;
}

/**
 * mir_eval.segment.pairwise → F-measure. Counting pairs through label co-occurrence gives the same
 * numbers as mir_eval's n×n agreement matrices without their quadratic memory.
 */
export function pairwiseF(ref: Labelled, est: Labelled, frame = 0.1): number {
  if (ref.intervals.length === 0 || est.intervals.length === 0) return 0;
  const norm = (l: string | null): string => (l === null ? '\u0000none' : l.toLowerCase());
  const yRef = intervalsToSamples(ref, frame, null).map(norm);
  const yEst = intervalsToSamples(est, frame, null).map(norm);
  const n = Math.min(yRef.length, yEst.length);
  if (yRef.length !== yEst.length) {
    // mir_eval would fail on unequal frame counts; the callers always align both sequences
    throw new Error(`pairwise: frame counts differ (${yRef.length} vs ${yEst.length})`);
  }
  const cRef = new Map<string, number>();
  const cEst = new Map<string, number>();
  const cBoth = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    cRef.set(yRef[i], (cRef.get(yRef[i]) ?? 0) + 1);
    cEst.set(yEst[i], (cEst.get(yEst[i]) ?? 0) + 1);
    const k = `${yRef[i]}\u0001${yEst[i]}`;
    cBoth.set(k, (cBoth.get(k) ?? 0) + 1);
  }
  const agreeRef = pairsWithin(cRef);
  const agreeEst = pairsWithin(cEst);
  const matches = pairsWithin(cBoth);
  if (agreeRef === 0 || agreeEst === 0) return 0;
  return fMeasure(matches / agreeEst, matches / agreeRef);
}

export interface SectionSpan {
  start: number;
  end: number;
  /** the material label: same label = same material */
  label: string;
}

export interface SectionScores {
  f05: number;
  f3: number;
  pairwise: number;
}

/**
 * Corpus convention: predictions are clipped to the music region [start, end] (uncovered parts of
 * it become their own pseudo-sections), both sequences are shifted so the region starts at 0 (so
 * the 0.1 s frames sample the music only) and the region's own start and end are not boundaries.
 */
export function evaluateSections(
  ref: readonly SectionSpan[],
  est: readonly SectionSpan[],
  region: { start: number; end: number },
): SectionScores {
  const toLab = (xs: readonly SectionSpan[]): Labelled => {
    const sorted = [...xs].sort((a, b) => a.start - b.start);
    return { intervals: sorted.map((s) => [s.start, s.end] as Interval), labels: sorted.map((s) => s.label) };
  };
  const clip = (l: Labelled): Labelled => {
    const a = adjustIntervals(l, region.start, region.end, '__T_MIN', '__T_MAX');
    return {
      intervals: a.intervals.map(([s, e]) => [s - region.start, e - region.start] as Interval),
      labels: a.labels,
    };
  };
  const r = clip(toLab(ref));
  const e = clip(toLab(est));
  return {
    f05: boundaryDetection(r.intervals, e.intervals, 0.5, true),
    f3: boundaryDetection(r.intervals, e.intervals, 3, true),
    pairwise: pairwiseF(r, e),
  };
}
