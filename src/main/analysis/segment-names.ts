/**
 * Best-effort section names from the letter sequence, repetition counts and loudness:
 * the loudest repeated material is the chorus, the other most repeated one the verse, a leading
 * one-off the intro, a trailing one-off the outro, a one-off in the second half a bridge.
 */

export interface NamedSegment {
  group: number;
  start: number;
  end: number;
  energyDb: number;
}

export function nameSections(segs: readonly NamedSegment[]): string[] {
  const count = new Map<number, number>();
  const dur = new Map<number, number>();
  const loud = new Map<number, number>();
  for (const s of segs) {
    const d = s.end - s.start;
    count.set(s.group, (count.get(s.group) ?? 0) + 1);
    dur.set(s.group, (dur.get(s.group) ?? 0) + d);
    loud.set(s.group, (loud.get(s.group) ?? 0) + d * s.energyDb);
  }
  const meanLoud = (g: number): number => (loud.get(g) ?? 0) / (dur.get(g) || 1);
  const repeated = [...count.keys()].filter((g) => (count.get(g) ?? 0) >= 2);
  let chorus = -1;
  let verse = -1;
  if (repeated.length > 0) {
    chorus = repeated.reduce((a, b) =>
      meanLoud(b) > meanLoud(a) + 0.5 ||
      (Math.abs(meanLoud(b) - meanLoud(a)) <= 0.5 && (count.get(b) ?? 0) > (count.get(a) ?? 0))
        ? b
        : a,
    );
    const others = repeated.filter((g) => g !== chorus);
    if (others.length > 0)
      verse = others.reduce((a, b) => ((count.get(b) ?? 0) > (count.get(a) ?? 0) ? b : a));
  }
  const t0 = segs.length ? segs[0].start : 0;
  const t1 = segs.length ? segs[segs.length - 1].end : 0;
  return segs.map((s, i) => {
    if (s.group === chorus) return 'chorus';
    if (s.group === verse) return 'verse';
    const once = count.get(s.group) === 1;
    if (once && repeated.length > 0) {
      if (i === 0) return 'intro';
      if (i === segs.length - 1) return 'outro';
      if ((s.start + s.end) / 2 > (t0 + t1) / 2) return 'bridge';
    }
    return 'section';
  });
}

/** A, B, … Z, AA, AB … (the song map allows up to 3 characters). */
export function letterOf(g: number): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return g < 26 ? abc[g] : abc[Math.floor(g / 26) - 1] + abc[g % 26];
}
