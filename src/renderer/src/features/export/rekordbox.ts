/**
 * rekordbox XML (DJ_PLAYLISTS) with one TRACK: TEMPO entries for the beat grid (one per tempo change,
 * each on a beat, with its position in the bar) and POSITION_MARK memory cues at the section starts.
 */
import type { EffectiveMap } from '../songmap/effective';
import { keyName } from '../songmap/effective';

export interface TrackMeta {
  title: string;
  artist?: string | null;
  path: string;
  sizeBytes?: number | null;
}

export const xmlEscape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );

const f3 = (n: number) => n.toFixed(3);

/** file://localhost/… as rekordbox writes locations (Windows drive paths get a leading slash) */
export function locationUrl(path: string): string {
  const p = path.replace(/\\/g, '/');
  return `file://localhost${p.startsWith('/') ? '' : '/'}${encodeURI(p).replace(/#/g, '%23').replace(/\?/g, '%3F')}`;
}

export function tempoEntries(m: EffectiveMap): { inizio: number; bpm: number; battito: number }[] {
  const perBar = m.meter?.numerator ?? 4;
  const downs = m.downbeats;
  const beats = m.beats;
  // the beat's position in its bar: 1 on downbeats, counting up from the previous downbeat
  const battito = (t: number): number => {
    let prevDown = -1;
    for (let i = 0; i < downs.length && downs[i] <= t + 1e-6; i++) prevDown = downs[i];
    if (prevDown < 0) return 1;
    const n = beats.filter((b) => b >= prevDown - 1e-6 && b < t - 1e-6).length;
    return (n % perBar) + 1;
  };
  const curve = m.tempoCurve.length ? m.tempoCurve : m.bpm != null ? [[0, m.bpm] as [number, number]] : [];
  const out: { inizio: number; bpm: number; battito: number }[] = [];
  curve.forEach(([t, bpm], i) => {
    // the grid starts at the first downbeat when there is one (rekordbox's "1" of bar 1)
    const anchor = i === 0 ? (downs[0] ?? beats[0] ?? t) : (beats.find((b) => b >= t - 1e-6) ?? t);
    if (out.length && out[out.length - 1].inizio >= anchor - 1e-6) return;
    out.push({ inizio: anchor, bpm, battito: i === 0 && downs.length ? 1 : battito(anchor) });
  });
  return out;
}

export function rekordboxXml(m: EffectiveMap, t: TrackMeta, appVersion = '0.1.0'): string {
  const attrs: [string, string][] = [
    ['TrackID', '1'],
    ['Name', t.title],
    ['Artist', t.artist ?? ''],
    ['TotalTime', String(Math.round(m.duration))],
    ['AverageBpm', m.bpm != null ? m.bpm.toFixed(2) : '0.00'],
    ['Tonality', m.key ? keyName(m.key) : ''],
    ['Location', locationUrl(t.path)],
  ];
  if (t.sizeBytes != null) attrs.push(['Size', String(t.sizeBytes)]);
  const metro = m.meter ? `${m.meter.numerator}/${m.meter.denominator}` : '4/4';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<DJ_PLAYLISTS Version="1.0.0">',
    `  <PRODUCT Name="Performia" Version="${xmlEscape(appVersion)}" Company="Performia"/>`,
    '  <COLLECTION Entries="1">',
    `    <TRACK ${attrs.map(([k, v]) => `${k}="${xmlEscape(v)}"`).join(' ')}>`,
    ...tempoEntries(m).map(
      (e) =>
        `      <TEMPO Inizio="${f3(e.inizio)}" Bpm="${e.bpm.toFixed(2)}" Metro="${metro}" Battito="${e.battito}"/>`,
    ),
    ...m.sections.map(
      (s) =>
        `      <POSITION_MARK Name="${xmlEscape(s.letter ? `${s.label} (${s.letter})` : s.label)}" Type="0" Start="${f3(s.start)}" Num="-1"/>`,
    ),
    '    </TRACK>',
    '  </COLLECTION>',
    '  <PLAYLISTS>',
    '    <NODE Type="0" Name="ROOT" Count="0"/>',
    '  </PLAYLISTS>',
    '</DJ_PLAYLISTS>',
    '',
  ];
  return lines.join('\n');
}
