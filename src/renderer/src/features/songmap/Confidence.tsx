/** A confidence in words ("unsure · 62 %") and the "check this" flag for a doubtful field. */
import { confidenceLevel, explainConfidence, formatConfidence, isDoubtful } from '../../ui/confidence';

/**
 * "likely right · 86 %", with the meaning as tooltip and accessible name. Nothing at all when the
 * confidence is missing. `what` names the value in the explanation: "the tempo (within 4 %)".
 */
export function ConfidenceTag({
  c,
  what,
  testId,
  plain = false,
}: {
  c: number | null | undefined;
  what: string;
  testId?: string;
  /** no warning colour: for alternatives, which are expected to be less likely than the detection */
  plain?: boolean;
}): React.JSX.Element | null {
  const words = formatConfidence(c);
  const explain = explainConfidence(c, what);
  if (!words || !explain) return null;
  return (
    <span
      className={plain ? 'conf' : `conf conf-${confidenceLevel(c)}`}
      role="note"
      aria-label={explain}
      title={explain}
      data-testid={testId}
    >
      {words}
    </span>
  );
}

/** ⚠ check this — only when the confidence is below 0.5; `field` reads "the tempo", "the key" … */
export function CheckFlag({
  c,
  field,
  what,
  testId,
}: {
  c: number | null | undefined;
  field: string;
  what: string;
  testId?: string;
}): React.JSX.Element | null {
  if (!isDoubtful(c)) return null;
  const label = `Check ${field}: ${explainConfidence(c, what)}`;
  return (
    <span className="check-flag" role="note" aria-label={label} title={label} data-testid={testId}>
      <span aria-hidden="true">⚠</span> check this
    </span>
  );
}
