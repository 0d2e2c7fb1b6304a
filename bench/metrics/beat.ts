/**
 * Beat metrics after mir_eval.beat: F-measure (±70 ms) and the continuity family (CMLc, CMLt,
 * AMLc, AMLt with 0.175 phase and period thresholds). Callers trim the first 5 s (`trimBeats`).
 */
import { eventFMeasure } from './events';

export const BEAT_WINDOW = 0.07;

export function beatFMeasure(ref: readonly number[], est: readonly number[], window = BEAT_WINDOW): number {
  return eventFMeasure(ref, est, window);
}

export interface Continuity {
  cmlc: number;
  cmlt: number;
  amlc: number;
  amlt: number;
}

/** mir_eval.beat._get_reference_beat_variations: as-is, off-beat, double, half (odd), half (even). */
export function referenceVariations(ref: readonly number[]): number[][] {
  const n = ref.length;
  // np.interp over indices 0, 0.5, 1, … n-1 (np.arange(0, n - 0.5, 0.5))
  const double: number[] = [];
  for (let k = 0; k * 0.5 < n - 0.5; k++) {
    const x = k * 0.5;
    const i = Math.floor(x);
    double.push(i + 1 < n ? ref[i] + (ref[i + 1] - ref[i]) * (x - i) : ref[i]);
  }
  return [
    [...ref],
    double.filter((_, k) => k % 2 === 1),
    double,
    ref.filter((_, k) => k % 2 === 0),
    ref.filter((_, k) => k % 2 === 1),
  ];
}

/** mir_eval.beat.continuity, line for line in behaviour (including its tie and edge rules). */
export function continuity(
  reference: readonly number[],
  est: readonly number[],
  phaseThreshold = 0.175,
  periodThreshold = 0.175,
): Continuity {
  if (reference.length <= 1 || est.length <= 1) return { cmlc: 0, cmlt: 0, amlc: 0, amlt: 0 };
  const cont: number[] = [];
  const total: number[] = [];
  for (const ref of referenceVariations(reference)) {
    const nAnn = Math.max(ref.length, est.length);
    const used = new Uint8Array(nAnn);
    const success = new Uint8Array(nAnn);
    for (let m = 0; m < est.length; m++) {
      // np.argmin: the first index of the minimum
      let nearest = 0;
      let minDiff = Infinity;
      for (let k = 0; k < ref.length; k++) {
        const d = Math.abs(est[m] - ref[k]);
        if (d < minDiff) {
          minDiff = d;
          nearest = k;
        }
      }
      if (used[nearest]) continue;
      let phase: number;
      let period: number;
      if (m === 0 || nearest === 0) {
        const refInterval =
          nearest + 1 < ref.length
            ? ref[nearest + 1] - ref[nearest]
            : // numpy's ref[-1] wraps around when a variation holds a single beat
              ref[nearest] - ref[(nearest - 1 + ref.length) % ref.length];
        phase = refInterval === 0 ? (minDiff === 0 ? 1 : Infinity) : Math.abs(minDiff / refInterval);
        const estInterval = m + 1 < est.length ? est[m + 1] - est[m] : est[m] - est[m - 1];
        period = refInterval === 0 ? (estInterval === 0 ? 0 : Infinity) : Math.abs(1 - estInterval / refInterval);
      } else {
        const refInterval = ref[nearest] - ref[nearest - 1];
        phase = Math.abs(minDiff / refInterval);
        period = Math.abs(1 - (est[m] - est[m - 1]) / refInterval);
      }
      if (phase < phaseThreshold && period < periodThreshold) {
        used[nearest] = 1;
        success[m] = 1;
      }
    }
    // longest run of successes among all nAnn slots (mir_eval pads with failures at both ends)
    let longest = 0;
    let run = 0;
    let sum = 0;
    for (let k = 0; k < nAnn; k++) {
      if (success[k]) {
        run++;
        sum++;
        if (run > longest) longest = run;
      } else run = 0;
    }
    cont.push(longest / nAnn);
    total.push(sum / nAnn);
  }
  return { cmlc: cont[0], cmlt: total[0], amlc: Math.max(...cont), amlt: Math.max(...total) };
}
