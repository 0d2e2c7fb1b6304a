/**
 * Key metrics: mir_eval.key.weighted_score (MIREX) and its time-weighted form over the music
 * region for songs whose key changes.
 */

export type Mode = 'major' | 'minor';
export interface KeySpan {
  start: number;
  end: number;
  tonic: string;
  mode: string;
}

const LETTER: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

/** Pitch class of a tonic name such as C, F#, Eb, Cb; null when it is not a pitch name. */
export function tonicToPc(tonic: string): number | null {
  const m = /^([A-Ga-g])([#b♯♭]*)$/.exec(tonic.trim());
  if (!m) return null;
  let pc = LETTER[m[1].toLowerCase()];
  for (const ch of m[2]) pc += ch === '#' || ch === '♯' ? 1 : -1;
  return ((pc % 12) + 12) % 12;
}

/**
 * mir_eval.key.weighted_score: 1 same key; 0.5 when the estimate is a perfect fifth ABOVE the
 * reference in the same mode; 0.3 relative (minor 9 semitones above a major reference, or major
 * 3 above a minor one); 0.2 parallel; else 0.
 */
export function keyWeightedScore(refPc: number, refMode: string, estPc: number, estMode: string): number {
  if (refPc === estPc && refMode === estMode) return 1;
  const d = (((estPc - refPc) % 12) + 12) % 12;
  if (estMode === refMode && d === 7) return 0.5;
  if (estMode !== refMode && refMode === 'major' && d === 9) return 0.3;
  if (estMode !== refMode && refMode === 'minor' && d === 3) return 0.3;
  if (estMode !== refMode && refPc === estPc) return 0.2;
  return 0;
}

function keyAt(spans: readonly KeySpan[], t: number): KeySpan | null {
  for (const s of spans) if (t >= s.start && t < s.end) return s;
  return null;
}

/**
 * Time-weighted MIREX score and exact-match fraction over [start, end). Each elementary piece
 * between consecutive boundaries of either sequence is scored; time with no predicted key scores 0.
 */
export function keyOverTime(
  ref: readonly KeySpan[],
  est: readonly KeySpan[],
  start: number,
  end: number,
): { weighted: number; exact: number } {
  if (end <= start) return { weighted: 0, exact: 0 };
  const cuts = new Set<number>([start, end]);
  for (const s of [...ref, ...est]) {
    if (s.start > start && s.start < end) cuts.add(s.start);
    if (s.end > start && s.end < end) cuts.add(s.end);
  }
  const ts = [...cuts].sort((a, b) => a - b);
  let w = 0;
  let x = 0;
  let total = 0;
  for (let i = 0; i + 1 < ts.length; i++) {
    const dur = ts[i + 1] - ts[i];
    const mid = (ts[i] + ts[i + 1]) / 2;
    const r = keyAt(ref, mid);
    if (!r) continue; // no truth here: not scored
    total += dur;
    const e = keyAt(est, mid);
    if (!e) continue;
    const rp = tonicToPc(r.tonic);
    const ep = tonicToPc(e.tonic);
    if (rp === null || ep === null) continue;
    const s = keyWeightedScore(rp, r.mode, ep, e.mode);
    w += s * dur;
    if (s === 1) x += dur;
  }
  return total > 0 ? { weighted: w / total, exact: x / total } : { weighted: 0, exact: 0 };
}
