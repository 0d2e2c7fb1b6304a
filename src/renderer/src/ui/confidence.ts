/**
 * Confidences in words a musician can act on. The engine's confidences are calibrated: each is the
 * estimated probability that the field is right. The thresholds live here and nowhere else.
 *
 * A missing confidence (an older song map, an optional field the engine did not fill) has no words:
 * every helper returns null for it, so the views show nothing rather than a made-up value.
 */

/** at or above: "likely right" */
export const LIKELY = 0.8;
/** below: "doubtful", and the field is flagged "check this" */
export const DOUBTFUL = 0.5;

export type ConfidenceLevel = 'likely' | 'unsure' | 'doubtful';

export const LEVEL_WORDS: Record<ConfidenceLevel, string> = {
  likely: 'likely right',
  unsure: 'unsure',
  doubtful: 'doubtful',
};

const known = (c: number | null | undefined): c is number => typeof c === 'number' && Number.isFinite(c);

/**
 * Whole percent, rounded down so the number never contradicts the words: 0.799 reads "unsure · 79 %",
 * never "unsure · 80 %"; 0.499 is "doubtful · 49 %". (The epsilon absorbs 0.29 * 100 = 28.999….)
 */
export function confidencePercent(c: number | null | undefined): number | null {
  if (!known(c)) return null;
  return Math.max(0, Math.min(100, Math.floor(c * 100 + 1e-9)));
}

export function confidenceLevel(c: number | null | undefined): ConfidenceLevel | null {
  const pct = confidencePercent(c);
  if (pct == null) return null;
  return pct >= LIKELY * 100 ? 'likely' : pct >= DOUBTFUL * 100 ? 'unsure' : 'doubtful';
}

/** below 0.5: the field deserves a look ("check this"); false when the confidence is missing */
export const isDoubtful = (c: number | null | undefined): boolean => confidenceLevel(c) === 'doubtful';

/** "likely right · 86 %", "unsure · 48 %" … or null when there is no confidence */
export function formatConfidence(c: number | null | undefined): string | null {
  const level = confidenceLevel(c);
  return level ? `${LEVEL_WORDS[level]} · ${confidencePercent(c)} %` : null;
}

/**
 * The tooltip / accessible text: what the number means. `what` names the value, e.g. "the tempo
 * (within 4 %)", "this chord".
 */
export function explainConfidence(c: number | null | undefined, what: string): string | null {
  const words = formatConfidence(c);
  return words ? `${words}: an estimated ${confidencePercent(c)} % chance that ${what} is right` : null;
}
