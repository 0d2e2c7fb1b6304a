/**
 * Painting the song map on a canvas. Pure: everything it needs comes in as parameters, so the same
 * function draws the live view and can be tested against a recording 2D context.
 */
import type { EffectiveMap } from './effective';
import { barAt } from './effective';
import type { SongMap } from '../../../../shared/songmap';
import { isDoubtful } from '../../ui/confidence';

/** a detected chord the user has not relabelled, with under 50 % estimated chance of being right */
export const chordIsDoubtful = (m: EffectiveMap, i: number): boolean =>
  m.chords[i].label !== 'N' && !m.edited.chords.has(i) && isDoubtful(m.chords[i].conf);

/** how many chords and key regions the lanes mark as doubtful (the legend's counts) */
export function doubtfulCounts(m: EffectiveMap): { chords: number; keys: number } {
  return {
    chords: m.chords.filter((_, i) => chordIsDoubtful(m, i)).length,
    keys: m.keyRegions.filter((k) => isDoubtful(k.conf)).length,
  };
}

export interface Viewport {
  /** seconds at the left edge and the visible span */
  start: number;
  span: number;
  width: number;
  height: number;
}

export interface Palette {
  bg: string;
  wave: string;
  beat: string;
  downbeat: string;
  text: string;
  muted: string;
  cursor: string;
  tempo: string;
  laneBg: string;
  selected: string;
  /** the dashed outline of a doubtful chord or key region */
  doubtful: string;
}

export interface Lanes {
  ruler: [number, number];
  wave: [number, number];
  sections: [number, number];
  chords: [number, number];
  key: [number, number];
  tempo: [number, number];
}

/** vertical layout: a ruler with bar numbers, the waveform, then one lane per layer */
export function lanes(height: number): Lanes {
  const ruler = 18;
  const lane = 22;
  const tempo = 40;
  const waveH = Math.max(40, height - ruler - 3 * lane - tempo - 8);
  let y = 0;
  const take = (h: number): [number, number] => {
    const r: [number, number] = [y, y + h];
    y += h + 2;
    return r;
  };
  return {
    ruler: take(ruler),
    wave: take(waveH),
    sections: take(lane),
    chords: take(lane),
    key: take(lane),
    tempo: take(tempo),
  };
}

export const SECTION_COLOURS = [
  '#e4572e',
  '#29335c',
  '#f3a712',
  '#669bbc',
  '#a8c686',
  '#8e7dbe',
  '#d17a22',
  '#2a9d8f',
];
export function letterColour(letter: string | undefined, fallbackIndex: number): string {
  const code = letter ? letter.toUpperCase().charCodeAt(0) - 65 : fallbackIndex;
  return SECTION_COLOURS[((code % SECTION_COLOURS.length) + SECTION_COLOURS.length) % SECTION_COLOURS.length];
}

export const timeToX = (t: number, v: Viewport): number => ((t - v.start) / v.span) * v.width;
export const xToTime = (x: number, v: Viewport): number => v.start + (x / v.width) * v.span;

/** the waveform level whose buckets are closest to one per pixel (never coarser than needed) */
export function pickLevel(
  wf: NonNullable<SongMap['waveform']>,
  v: Viewport,
): NonNullable<SongMap['waveform']>['levels'][number] {
  const samplesPerPx = (v.span * wf.sample_rate) / Math.max(1, v.width);
  let best = wf.levels[0];
  for (const l of wf.levels) {
    if (l.samples_per_peak <= samplesPerPx && l.samples_per_peak > best.samples_per_peak) best = l;
    if (best.samples_per_peak > samplesPerPx && l.samples_per_peak < best.samples_per_peak) best = l;
  }
  return best;
}

function drawWave(
  ctx: CanvasRenderingContext2D,
  map: SongMap,
  v: Viewport,
  top: number,
  bottom: number,
  p: Palette,
): void {
  const wf = map.waveform;
  const mid = (top + bottom) / 2;
  const half = (bottom - top) / 2;
  if (!wf) {
    ctx.fillStyle = p.muted;
    ctx.fillText('No waveform (the waveform stage did not run)', 8, mid);
    return;
  }
  const level = pickLevel(wf, v);
  const secPerBucket = level.samples_per_peak / wf.sample_rate;
  ctx.fillStyle = p.wave;
  for (let x = 0; x < v.width; x++) {
    const t0 = xToTime(x, v);
    const t1 = xToTime(x + 1, v);
    const b0 = Math.max(0, Math.floor(t0 / secPerBucket));
    const b1 = Math.min(level.max.length, Math.max(b0 + 1, Math.ceil(t1 / secPerBucket)));
    if (b0 >= level.max.length) break;
    let lo = 1;
    let hi = -1;
    for (let b = b0; b < b1; b++) {
      if (level.min[b] < lo) lo = level.min[b];
      if (level.max[b] > hi) hi = level.max[b];
    }
    if (hi < lo) continue;
    const y0 = mid - hi * half;
    const y1 = mid - lo * half;
    ctx.fillRect(x, y0, 1, Math.max(1, y1 - y0));
  }
}

export function drawSongMap(
  ctx: CanvasRenderingContext2D,
  m: EffectiveMap,
  v: Viewport,
  p: Palette,
  cursor: number | null,
  selectedChord: number | null = null,
): void {
  const L = lanes(v.height);
  const visible = (t0: number, t1: number) => t1 >= v.start && t0 <= v.start + v.span;
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, v.width, v.height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';

  drawWave(ctx, m.source, v, L.wave[0], L.wave[1], p);

  // beat grid: thin lines for beats, strong lines and bar numbers for downbeats; thinned when zoomed out
  const pxPerBeat = m.bpm ? (60 / m.bpm / v.span) * v.width : 10;
  if (pxPerBeat >= 4) {
    ctx.fillStyle = p.beat;
    for (const b of m.beats)
      if (visible(b, b)) ctx.fillRect(Math.round(timeToX(b, v)), L.wave[0], 1, L.wave[1] - L.wave[0]);
  }
  const barEvery = Math.max(1, Math.ceil(28 / Math.max(1e-6, pxPerBeat * (m.meter?.numerator ?? 4))));
  m.downbeats.forEach((d, i) => {
    if (!visible(d, d)) return;
    const x = Math.round(timeToX(d, v));
    ctx.fillStyle = p.downbeat;
    ctx.fillRect(x, L.ruler[0] + 4, 1, L.wave[1] - L.ruler[0] - 4);
    if (i % barEvery === 0) {
      ctx.fillStyle = p.text;
      ctx.fillText(String(i + 1), x + 3, (L.ruler[0] + L.ruler[1]) / 2);
    }
  });

  const lane = (
    y: [number, number],
    t0: number,
    t1: number,
    fill: string,
    label: string,
    outline?: string,
    doubtful = false,
  ): void => {
    if (!visible(t0, t1)) return;
    const x0 = Math.max(0, timeToX(t0, v));
    const x1 = Math.min(v.width, timeToX(t1, v));
    // doubtful: a faded fill inside a dashed outline, and a "?" after the label (see the legend)
    ctx.globalAlpha = doubtful ? 0.4 : 1;
    ctx.fillStyle = fill;
    ctx.fillRect(x0, y[0], Math.max(1, x1 - x0 - 1), y[1] - y[0]);
    ctx.globalAlpha = 1;
    if (outline || doubtful) {
      ctx.strokeStyle = outline ?? p.doubtful;
      ctx.lineWidth = outline ? 2 : 1.5;
      ctx.setLineDash(outline ? [] : [4, 3]);
      ctx.strokeRect(x0 + 1, y[0] + 1, Math.max(1, x1 - x0 - 3), y[1] - y[0] - 2);
      ctx.setLineDash([]);
    }
    if (x1 - x0 > 18) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0, y[0], x1 - x0 - 2, y[1] - y[0]);
      ctx.clip();
      ctx.fillStyle = p.text;
      ctx.fillText(doubtful ? `${label}?` : label, x0 + 4, (y[0] + y[1]) / 2);
      ctx.restore();
    }
  };

  for (const y of [L.sections, L.chords, L.key]) {
    ctx.fillStyle = p.laneBg;
    ctx.fillRect(0, y[0], v.width, y[1] - y[0]);
  }
  m.sections.forEach((s, i) =>
    lane(
      L.sections,
      s.start,
      s.end,
      letterColour(s.letter, i) + '99',
      s.letter ? `${s.letter} · ${s.label}` : s.label,
    ),
  );
  m.chords.forEach((c, i) => {
    if (c.label === 'N') return;
    lane(
      L.chords,
      c.start,
      c.end,
      m.edited.chords.has(i) ? '#f3a71266' : '#669bbc55',
      c.label,
      i === selectedChord ? p.selected : undefined,
      chordIsDoubtful(m, i),
    );
  });
  for (const k of m.keyRegions)
    lane(
      L.key,
      k.start,
      k.end,
      k.mode === 'minor' ? '#8e7dbe66' : '#a8c68666',
      `${k.tonic}${k.mode === 'minor' ? 'm' : ''}${k.camelot ? ` (${k.camelot})` : ''}`,
      undefined,
      isDoubtful(k.conf),
    );

  // tempo curve: a step line scaled to the visible range of tempi
  if (m.tempoCurve.length) {
    const [t0, t1] = L.tempo;
    const bpms = m.tempoCurve.map(([, b]) => b);
    const lo = Math.min(...bpms) - 5;
    const hi = Math.max(...bpms) + 5;
    const y = (b: number) => t1 - ((b - lo) / (hi - lo)) * (t1 - t0);
    ctx.strokeStyle = p.tempo;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    m.tempoCurve.forEach(([t, b], i) => {
      const x = Math.max(0, timeToX(t, v));
      if (i === 0) ctx.moveTo(x, y(b));
      else {
        // a step: hold the previous tempo up to this point, then jump
        ctx.lineTo(x, y(m.tempoCurve[i - 1][1]));
        ctx.lineTo(x, y(b));
      }
    });
    ctx.lineTo(v.width, y(m.tempoCurve[m.tempoCurve.length - 1][1]));
    ctx.stroke();
    ctx.fillStyle = p.muted;
    ctx.fillText(`${Math.round(hi - 5)} BPM`, 4, t0 + 7);
  }

  if (cursor != null && visible(cursor, cursor)) {
    ctx.fillStyle = p.cursor;
    ctx.fillRect(Math.round(timeToX(cursor, v)) - 1, 0, 2, v.height);
  }
}

/** what is under a click: a chord index in the chords lane, or just a time to seek to */
export function hitTest(
  m: EffectiveMap,
  v: Viewport,
  x: number,
  y: number,
): { time: number; chord: number | null; bar: number | null } {
  const t = xToTime(x, v);
  const L = lanes(v.height);
  let chord: number | null = null;
  if (y >= L.chords[0] && y <= L.chords[1]) {
    const i = m.chords.findIndex((c) => c.start <= t && t < c.end);
    chord = i >= 0 ? i : null;
  }
  return { time: Math.max(0, Math.min(m.duration, t)), chord, bar: barAt(m.downbeats, t) };
}
