/**
 * Tuning: how far the music's A4 sits from 440 Hz. Every spectral peak's deviation from the nearest
 * equal-tempered semitone (in cents, a circular quantity on [-50, 50)) votes with its magnitude;
 * the circular mean is the tuning offset, and the mean resultant length says how consistent the
 * votes are: noise votes uniformly (length near 0), tuned instruments agree (length near 1).
 */
import type { SpectralPeaks } from './harmony-peaks';

export interface TuningEstimate {
  a4_hz: number;
  /** deviation from A440 in cents, in [-50, 50) */
  cents: number;
  /** mean resultant length of the weighted votes, 0..1 */
  consistency: number;
  /** how many peaks voted */
  votes: number;
}

export interface TuningOptions {
  fMin: number;
  fMax: number;
  /** below this consistency the peaks are not pitched material and no tuning is reported */
  minConsistency: number;
  minVotes: number;
}

/**
 * minConsistency: white noise reads 0.01–0.06 (≈ 1/√votes); rendered songs 0.8–0.9; real electronic
 * mixes with detuned or gliding synths 0.18–0.24 (colobot's soundtrack), which 0.25 refused.
 */
export const DEFAULT_TUNING: TuningOptions = { fMin: 80, fMax: 2000, minConsistency: 0.12, minVotes: 50 };

export function estimateTuning(
  peaks: SpectralPeaks,
  opts: TuningOptions = DEFAULT_TUNING,
): TuningEstimate | null {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  let votes = 0;
  const { freq, mag } = peaks;
  for (let i = 0; i < freq.length; i++) {
    const f = freq[i];
    if (f < opts.fMin || f > opts.fMax) continue;
    const semis = 12 * Math.log2(f / 440);
    const phase = 2 * Math.PI * (semis - Math.round(semis));
    // square-root weighting keeps one loud partial from outvoting the rest of the band
    const w = Math.sqrt(mag[i]);
    sx += w * Math.cos(phase);
    sy += w * Math.sin(phase);
    sw += w;
    votes++;
  }
  if (votes < opts.minVotes || sw === 0) return null;
  const consistency = Math.hypot(sx, sy) / sw;
  // a few random votes line up by chance (mean resultant ≈ 0.9 / √votes): ask for 3 / √votes at least
  if (consistency < Math.max(opts.minConsistency, 3 / Math.sqrt(votes))) return null;
  let cents = (Math.atan2(sy, sx) / (2 * Math.PI)) * 100;
  if (cents >= 50) cents -= 100;
  const a4 = 440 * Math.pow(2, cents / 1200);
  return { a4_hz: Math.round(a4 * 100) / 100, cents: Math.round(cents * 10) / 10, consistency, votes };
}
