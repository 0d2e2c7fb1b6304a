/**
 * Calibrated confidences: every confidence in the song map is the estimated probability that the
 * field is right, not a raw score. Each raw score (a monotone measure of how clear the evidence
 * was) goes through a monotone map fitted by isotonic regression on the tuning part of a generated
 * set and checked on the part never tuned on (bench/calibration.ts: reliability bins and the
 * expected calibration error). What "right" means, per field:
 *   tempo  bpm_global within 4 % of the truth (Acc1)
 *   beats  beat F-measure ≥ 0.9 against the true beats
 *   key    the key region's tonic and mode are the truth's at that time
 *   chord  the chord's root and major/minor quality are the truth's over its span (majmin)
 *   none   a stretch labelled N (no chord) inside the music has no chord in the truth either
 */
export type CalibratedField = 'tempo' | 'beats' | 'key' | 'chord' | 'none';

/** [raw, probability] knots, raw ascending; linear in between, flat beyond the ends. */
export type CalibrationMap = ReadonlyArray<readonly [number, number]>;

/**
 * Fitted on the tuning part (even ids, 208 songs) of `build.sh wide --count 560 --seed 7` (the ids
 * `bench/wide-ids.mjs` lists), analyzer 0.4.1: `npx tsx bench/tune.ts <wide> --part tune --raw --save
 * <maps>` then `npx tsx bench/calibration.ts <wide> --maps <maps> --fit`. A key the tuning songs never
 * got wrong still says 0.993, not certainty (smoothed rates). Tempo and beats refitted for analyzer
 * 0.4.7 (the readings harmony corrects are right far more often than the raw scores of 0.4.1 said).
 */
export const CALIBRATION: Record<CalibratedField, CalibrationMap> = {
  tempo: [
    [0.468, 0.853],
    [0.702, 0.882],
    [0.832, 0.953],
    [0.946, 0.99],
  ],
  beats: [
    [0.42, 0.769],
    [0.614, 0.8],
    [0.702, 0.882],
    [0.778, 0.917],
    [0.86, 0.95],
    [0.945, 0.99],
  ],
  key: [
    [0.695, 0.922],
    [0.926, 0.993],
  ],
  chord: [
    [0.128, 0.668],
    [0.165, 0.745],
    [0.194, 0.828],
    [0.213, 0.864],
    [0.229, 0.905],
    [0.243, 0.911],
    [0.255, 0.923],
    [0.264, 0.94],
    [0.272, 0.943],
    [0.284, 0.955],
    [0.305, 0.956],
    [0.328, 0.964],
    [0.348, 0.964],
    [0.362, 0.97],
    [0.388, 0.971],
    [0.452, 0.971],
  ],
  // a stretch of N inside the music: the truth always has a chord sounding there (rests under a held harmony)
  none: [[0.879, 0.003]],
};

let raw = false;
/** For fitting only (bench/calibration.ts): report raw scores instead of probabilities. */
export function reportRawConfidence(on: boolean): void {
  raw = on;
}

export function interpolate(map: CalibrationMap, x: number): number {
  if (!Number.isFinite(x) || map.length === 0) return 0;
  if (x <= map[0][0]) return map[0][1];
  const last = map[map.length - 1];
  if (x >= last[0]) return last[1];
  let i = 1;
  while (map[i][0] < x) i++;
  const [x0, y0] = map[i - 1];
  const [x1, y1] = map[i];
  return x1 > x0 ? y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) : y1;
}

/** The probability that a field with this raw score is right, rounded to 0.001. */
export function calibrate(field: CalibratedField, rawScore: number): number {
  const p = raw ? rawScore : interpolate(CALIBRATION[field], rawScore);
  return Math.round(Math.min(1, Math.max(0, p)) * 1000) / 1000;
}

/**
 * Isotonic regression (pool adjacent violators) of outcomes in 0..1 on scores, then reduced to knots
 * at the pooled blocks' mean scores. Blocks smaller than `minBlock` are merged with a neighbour so a
 * handful of songs cannot make a step, and each block's rate is smoothed towards ½ by one right and
 * one wrong pseudo-outcome (a block of 45 songs all right says 0.98, not certainty).
 */
export function fitIsotonic(
  points: Array<{ score: number; right: number }>,
  minBlock = 8,
): Array<[number, number]> {
  const pts = [...points].filter((p) => Number.isFinite(p.score)).sort((a, b) => a.score - b.score);
  if (pts.length === 0) return [];
  type Block = { sum: number; n: number; sx: number };
  const rate = (b: Block): number => (b.sum + 1) / (b.n + 2);
  const blocks: Block[] = [];
  for (const p of pts) {
    blocks.push({ sum: p.right, n: 1, sx: p.score });
    // pool while the means decrease, or the last block is still too small
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.sum / a.n >= b.sum / b.n || a.n < minBlock) {
        blocks.splice(blocks.length - 2, 2, { sum: a.sum + b.sum, n: a.n + b.n, sx: a.sx + b.sx });
      } else break;
    }
  }
  // a small last block joins the one before it
  while (blocks.length > 1 && blocks[blocks.length - 1].n < minBlock) {
    const b = blocks.pop()!;
    const a = blocks.pop()!;
    blocks.push({ sum: a.sum + b.sum, n: a.n + b.n, sx: a.sx + b.sx });
  }
  // smoothing favours big blocks: pool again wherever the smoothed rates would fall
  for (let i = 1; i < blocks.length;) {
    if (rate(blocks[i - 1]) >= rate(blocks[i])) {
      const a = blocks[i - 1];
      const b = blocks[i];
      blocks.splice(i - 1, 2, { sum: a.sum + b.sum, n: a.n + b.n, sx: a.sx + b.sx });
      i = Math.max(1, i - 1);
    } else i++;
  }
  return blocks.map((b) => [Math.round((b.sx / b.n) * 1000) / 1000, Math.round(rate(b) * 1000) / 1000]);
}

/**
 * Expected calibration error over equal-width bins of the stated probability, with each bin's
 * count, mean stated probability and observed accuracy.
 */
export function reliability(
  points: Array<{ p: number; right: number }>,
  nBins = 10,
): { ece: number; bins: Array<{ lo: number; hi: number; n: number; stated: number; observed: number }> } {
  const bins = Array.from({ length: nBins }, (_, i) => ({
    lo: i / nBins,
    hi: (i + 1) / nBins,
    n: 0,
    stated: 0,
    observed: 0,
  }));
  for (const { p, right } of points) {
    const b = bins[Math.min(nBins - 1, Math.max(0, Math.floor(p * nBins)))];
    b.n++;
    b.stated += p;
    b.observed += right;
  }
  let ece = 0;
  const total = points.length || 1;
  for (const b of bins) {
    if (b.n === 0) continue;
    b.stated /= b.n;
    b.observed /= b.n;
    ece += (b.n / total) * Math.abs(b.observed - b.stated);
  }
  return { ece, bins };
}
