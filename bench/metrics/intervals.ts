/**
 * Labelled-interval helpers after mir_eval.util: adjust_intervals, merge_labeled_intervals,
 * intervals_to_samples. Intervals are [start, end] pairs in seconds.
 */
import { lowerBound, upperBound } from './events';

export type Interval = [number, number];
export interface Labelled {
  intervals: Interval[];
  labels: string[];
}

/**
 * mir_eval.util.adjust_intervals: drop intervals wholly outside [tMin, tMax], clip the rest, and pad
 * with `startLabel` / `endLabel` intervals where the data does not reach tMin / tMax.
 */
export function adjustIntervals(
  input: Labelled,
  tMin: number,
  tMax: number,
  startLabel: string,
  endLabel: string,
): Labelled {
  let intervals = input.intervals.map(([a, b]) => [a, b] as Interval);
  let labels = [...input.labels];
  if (intervals.length === 0) return { intervals: [[tMin, tMax]], labels: [startLabel] };
  const first = intervals.findIndex(([, b]) => b >= tMin);
  if (first >= 0) {
    intervals = intervals.slice(first);
    labels = labels.slice(first);
  }
  intervals = intervals.map(([a, b]) => [Math.max(tMin, a), Math.max(tMin, b)]);
  const lo = Math.min(...intervals.flat());
  if (lo > tMin) {
    intervals.unshift([tMin, lo]);
    labels.unshift(startLabel);
  }
  const last = intervals.findIndex(([a]) => a > tMax);
  if (last >= 0) {
    intervals = intervals.slice(0, last);
    labels = labels.slice(0, last);
  }
  intervals = intervals.map(([a, b]) => [Math.min(tMax, a), Math.min(tMax, b)]);
  const hi = Math.max(...intervals.flat());
  if (hi < tMax) {
    intervals.push([hi, tMax]);
    labels.push(endLabel);
  }
  return { intervals, labels };
}

/**
 * mir_eval.util.merge_labeled_intervals: cut both sequences at the union of their boundaries;
 * each piece takes the label of the last interval that starts at or before it (so a gap inherits
 * the previous label, as in mir_eval).
 */
export function mergeLabeledIntervals(
  x: Labelled,
  y: Labelled,
): { intervals: Interval[]; xLabels: string[]; yLabels: string[] } {
  const bounds = [...new Set([...x.intervals.flat(), ...y.intervals.flat()])].sort((a, b) => a - b);
  const intervals: Interval[] = [];
  const xLabels: string[] = [];
  const yLabels: string[] = [];
  const pick = (seq: Labelled, t0: number): string => {
    let idx = -1;
    seq.intervals.forEach(([a], i) => {
      if (t0 >= a) idx = i;
    });
    // numpy's x_idx[-1] on an empty selection would raise; aligned inputs never hit it
    return seq.labels[Math.max(0, idx)];
  };
  for (let i = 0; i + 1 < bounds.length; i++) {
    intervals.push([bounds[i], bounds[i + 1]]);
    xLabels.push(pick(x, bounds[i]));
    yLabels.push(pick(y, bounds[i]));
  }
  return { intervals, xLabels, yLabels };
}

/**
 * mir_eval.util.intervals_to_samples: sample times k * frame (float32 arithmetic, as numpy does
 * with its float32 index array), k < floor(max / frame); a time outside every interval gets `fill`.
 */
export function intervalsToSamples(seq: Labelled, frame: number, fill: string | null): Array<string | null> {
  const max = Math.max(...seq.intervals.flat());
  const n = Math.floor(max / frame);
  const f32 = Math.fround(frame);
  const times: number[] = [];
  for (let k = 0; k < n; k++) times.push(Math.fround(k * f32));
  const out: Array<string | null> = new Array<string | null>(n).fill(fill);
  seq.intervals.forEach(([a, b], i) => {
    const s = lowerBound(times, a);
    const e = upperBound(times, b);
    for (let k = s; k < e; k++) out[k] = seq.labels[i];
  });
  return out;
}
