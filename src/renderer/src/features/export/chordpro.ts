/**
 * ChordPro chart: metadata directives, then one block per section with the chords bar by bar
 * ("| C . G . | Am . F . |" style, four bars a line). Chords are placed in the bar where they start.
 */
import type { EffectiveMap } from '../songmap/effective';
import { barAt, keyName } from '../songmap/effective';

const BARS_PER_LINE = 4;
const ENVIRONMENTS: Record<string, string> = { verse: 'verse', chorus: 'chorus', bridge: 'bridge' };

export function chordPro(m: EffectiveMap, meta: { title: string; artist?: string | null }): string {
  const out: string[] = [`{title: ${meta.title}}`];
  if (meta.artist) out.push(`{artist: ${meta.artist}}`);
  if (m.key) out.push(`{key: ${keyName(m.key)}}`);
  if (m.bpm != null) out.push(`{tempo: ${Math.round(m.bpm * 10) / 10}}`);
  if (m.meter) out.push(`{time: ${m.meter.numerator}/${m.meter.denominator}}`);
  out.push('');

  const chords = m.chords.filter((c) => c.label !== 'N');
  const barsOf = (t0: number, t1: number): string[] => {
    if (m.downbeats.length === 0) {
      // no bar grid: the chord sequence of the span, one line
      const seq = chords.filter((c) => c.start >= t0 - 1e-6 && c.start < t1).map((c) => `[${c.label}]`);
      return seq.length ? [seq.join(' ')] : [];
    }
    const first = barAt(m.downbeats, Math.max(t0, m.downbeats[0])) ?? 1;
    const last = barAt(m.downbeats, Math.max(t0, t1 - 1e-3)) ?? first;
    const bars: string[] = [];
    let carry: string | null = null;
    for (const c of chords) if (c.start < m.downbeats[first - 1] - 1e-6) carry = c.label;
    for (let b = first; b <= last; b++) {
      const bs = m.downbeats[b - 1];
      const be = m.downbeats[b] ?? m.duration;
      const inBar = chords.filter((c) => c.start >= bs - 1e-6 && c.start < be - 1e-6).map((c) => c.label);
      // a bar where nothing new starts repeats the chord still sounding
      const labels = inBar.length ? inBar : carry ? [carry] : [];
      if (inBar.length) carry = inBar[inBar.length - 1];
      bars.push(labels.length ? labels.map((l) => `[${l}]`).join(' ') : '[N.C.]');
    }
    const lines: string[] = [];
    for (let i = 0; i < bars.length; i += BARS_PER_LINE)
      lines.push(`| ${bars.slice(i, i + BARS_PER_LINE).join(' | ')} |`);
    return lines;
  };

  const sections = m.sections.length
    ? m.sections
    : [{ start: 0, end: m.duration, label: 'song', letter: undefined }];
  for (const s of sections) {
    const name = s.letter ? `${s.label} (${s.letter})` : s.label;
    // verse/chorus/bridge have their own ChordPro environments; other sections get a labelled comment
    const env = ENVIRONMENTS[s.label.toLowerCase()];
    if (env) out.push(`{start_of_${env}: ${name}}`, ...barsOf(s.start, s.end), `{end_of_${env}}`, '');
    else out.push(`{comment: ${name}}`, ...barsOf(s.start, s.end), '');
  }
  return out.join('\n');
}
