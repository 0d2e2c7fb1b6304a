/**
 * Tempo metrics (corpus README conventions): Acc1 within ±4 %, Acc2 also at ×2, ×3, ½, ⅓, and
 * `curve4`, the fraction of the music (sampled every 0.1 s) where the local tempo is within 4 %.
 */

export const TEMPO_TOLERANCE = 0.04;
const ACC2_FACTORS = [1, 2, 3, 1 / 2, 1 / 3];

/** Inclusive, like mir_eval.tempo.detection: |est - ref| <= tol * ref. */
export function withinTolerance(est: number, ref: number, tol = TEMPO_TOLERANCE): boolean {
  return Math.abs(est - ref) <= tol * ref;
}

export function tempoAcc1(est: number, ref: number): number {
  return withinTolerance(est, ref) ? 1 : 0;
}

/** Acc2: the estimate matches the truth scaled by one of the metrical factors. */
export function tempoAcc2(est: number, ref: number): number {
  return ACC2_FACTORS.some((f) => withinTolerance(est, ref * f)) ? 1 : 0;
}

export type TempoCurve = ReadonlyArray<readonly [number, number]>;

/** Step lookup: the tempo holds from a point until the next; before the first point, the first. */
export function tempoAt(curve: TempoCurve, t: number): number {
  let bpm = curve[0][1];
  for (const [ti, b] of curve) {
    if (ti <= t) bpm = b;
    else break;
  }
  return bpm;
}

/**
 * Fraction of sample times start, start+0.1, … (< end) where the predicted local tempo is within
 * 4 % of the truth's. `predCurve` empty → the constant `predGlobal` is used.
 */
export function tempoCurve4(
  refCurve: TempoCurve,
  predCurve: TempoCurve,
  predGlobal: number,
  start: number,
  end: number,
  step = 0.1,
): number {
  if (refCurve.length === 0 || end <= start) return 0;
  const ref = [...refCurve].sort((a, b) => a[0] - b[0]);
  const pred = [...predCurve].sort((a, b) => a[0] - b[0]);
  let hits = 0;
  let n = 0;
  for (let k = 0; start + k * step < end; k++) {
    const t = start + k * step;
    const p = pred.length > 0 ? tempoAt(pred, t) : predGlobal;
    if (withinTolerance(p, tempoAt(ref, t))) hits++;
    n++;
  }
  return hits / n;
}
