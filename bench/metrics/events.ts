/**
 * Event matching shared by the beat, downbeat and boundary metrics (mir_eval.util conventions).
 */

/** mir_eval.util.f_measure: harmonic mean, 0 when both precision and recall are 0. */
export function fMeasure(precision: number, recall: number, beta = 1): number {
  if (precision === 0 && recall === 0) return 0;
  const b2 = beta * beta;
  return ((1 + b2) * precision * recall) / (b2 * precision + recall);
}

/** mir_eval.beat.trim_beats: drop events before `minTime` (the first 5 s by convention). */
export function trimBeats(events: readonly number[], minTime = 5.0): number[] {
  return events.filter((t) => t >= minTime);
}

/**
 * Size of a maximum matching between `ref` and `est` where a pair may match when
 * |ref[i] - est[j]| <= window (inclusive, like mir_eval's `_fast_hit_windows`). Each event matches
 * at most once. A greedy nearest-neighbour pass can undercount when windows overlap, so this
 * uses augmenting paths (Kuhn), which finds the same maximum cardinality as mir_eval's matcher.
 */
export function matchEvents(ref: readonly number[], est: readonly number[], window: number): Array<[number, number]> {
  const refOrder = ref.map((_, i) => i).sort((a, b) => ref[a] - ref[b]);
  const sorted = refOrder.map((i) => ref[i]);
  const adj: number[][] = est.map((e) => {
    const lo = lowerBound(sorted, e - window);
    const hi = upperBound(sorted, e + window);
    const out: number[] = [];
    for (let k = lo; k < hi; k++) out.push(refOrder[k]);
    return out;
  });
  const refMatch = new Int32Array(ref.length).fill(-1);
  for (let j = 0; j < est.length; j++) {
    if (adj[j].length === 0) continue;
    const seen = new Uint8Array(ref.length);
    augment(j, adj, refMatch, seen);
  }
  const pairs: Array<[number, number]> = [];
  refMatch.forEach((j, i) => {
    if (j >= 0) pairs.push([i, j]);
  });
  return pairs;
}

function augment(j: number, adj: number[][], refMatch: Int32Array, seen: Uint8Array): boolean {
  for (const i of adj[j]) {
    if (seen[i]) continue;
    seen[i] = 1;
    if (refMatch[i] < 0 || augment(refMatch[i], adj, refMatch, seen)) {
      refMatch[i] = j;
      return true;
    }
  }
  return false;
}

/** first index with a[k] >= x (numpy searchsorted side='left') */
export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** first index with a[k] > x (numpy searchsorted side='right') */
export function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Event F-measure (mir_eval.beat.f_measure / onset): 0 when either side is empty. */
export function eventFMeasure(ref: readonly number[], est: readonly number[], window: number): number {
  if (ref.length === 0 || est.length === 0) return 0;
  const n = matchEvents(ref, est, window).length;
  return fMeasure(n / est.length, n / ref.length);
}
