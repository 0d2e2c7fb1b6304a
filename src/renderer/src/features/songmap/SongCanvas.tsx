/**
 * The canvas: waveform, grid and lanes, with a playback cursor that follows the audio. Click seeks (or
 * selects a chord in the chords lane); the wheel scrolls, Ctrl/Cmd+wheel zooms around the pointer.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EffectiveMap } from './effective';
import { doubtfulCounts, drawSongMap, hitTest, type Palette, type Viewport } from './draw';
import { explainConfidence } from '../../ui/confidence';

/** the tooltip over a chord: its label and its confidence in words (none for the user's own label) */
export function chordTooltip(map: EffectiveMap, i: number | null): string | undefined {
  const c = i != null ? map.chords[i] : undefined;
  if (!c || c.label === 'N') return undefined;
  if (map.edited.chords.has(i!)) return `${c.label} (your label)`;
  const words = explainConfidence(c.conf, 'this chord');
  return words ? `${c.label} — ${words}` : c.label;
}

function palette(el: Element): Palette {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--canvas-bg', '#101418'),
    wave: v('--wave', '#4f9dde'),
    beat: v('--beat', 'rgba(127,127,127,0.25)'),
    downbeat: v('--downbeat', 'rgba(240,240,240,0.55)'),
    text: v('--text', '#e8e8e8'),
    muted: v('--muted', '#8a8f98'),
    cursor: v('--cursor', '#ff4d4d'),
    tempo: v('--tempo', '#f3a712'),
    laneBg: v('--lane-bg', 'rgba(127,127,127,0.08)'),
    selected: v('--accent', '#4f9dde'),
    doubtful: v('--flag', '#ffc46b'),
  };
}

/** calls `cb` whenever the page's theme may have changed; returns the unsubscribe */
export function onThemeChange(cb: () => void): () => void {
  const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  mq?.addEventListener('change', cb);
  const mo = typeof MutationObserver === 'function' ? new MutationObserver(() => cb()) : null;
  mo?.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'data-scheme', 'class'] });
  return () => {
    mq?.removeEventListener('change', cb);
    mo?.disconnect();
  };
}

export interface SongCanvasProps {
  map: EffectiveMap;
  audio: HTMLAudioElement | null;
  start: number;
  span: number;
  onViewChange(start: number, span: number): void;
  onSeek(t: number): void;
  selectedChord: number | null;
  onSelectChord(i: number | null): void;
}

export const MIN_SPAN = 2;

export function clampView(start: number, span: number, duration: number): { start: number; span: number } {
  const s = Math.max(MIN_SPAN, Math.min(span, Math.max(MIN_SPAN, duration)));
  return { start: Math.max(0, Math.min(start, Math.max(0, duration - s))), span: s };
}

export function SongCanvas(props: SongCanvasProps): React.JSX.Element {
  const { map, audio, start, span, onViewChange, onSeek, selectedChord, onSelectChord } = props;
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 900, height: 260 });
  const [hoverChord, setHoverChord] = useState<number | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;

  useEffect(() => {
    const el = wrap.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([entry]) => {
      const w = Math.max(200, Math.floor(entry.contentRect.width));
      setSize((s) => (s.width === w ? s : { ...s, width: w }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const paint = useCallback(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const p = propsRef.current;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const v: Viewport = { start: p.start, span: p.span, width: size.width, height: size.height };
    drawSongMap(ctx, p.map, v, palette(c), p.audio ? p.audio.currentTime : null, p.selectedChord);
  }, [size]);

  useEffect(() => {
    paint();
  }, [paint, map, start, span, selectedChord]);

  // the palette comes from CSS variables: a theme switch (Settings, or the system's when the theme
  // follows it) changes them without any prop changing, so repaint on either
  useEffect(() => onThemeChange(paint), [paint]);

  // while playing: repaint every frame and keep the cursor in view (page forward near the right edge)
  useEffect(() => {
    if (!audio) return;
    let raf = 0;
    const loop = (): void => {
      const p = propsRef.current;
      const t = audio.currentTime;
      if (t > p.start + p.span * 0.92 || t < p.start) {
        const next = clampView(t - p.span * 0.08, p.span, p.map.duration);
        p.onViewChange(next.start, next.span);
      }
      paint();
      if (!audio.paused) raf = requestAnimationFrame(loop);
    };
    const onPlay = () => (raf = requestAnimationFrame(loop));
    const onStop = () => {
      cancelAnimationFrame(raf);
      paint();
    };
    audio.addEventListener('play', onPlay);
    audio.addEventListener('pause', onStop);
    audio.addEventListener('seeked', onStop);
    return () => {
      cancelAnimationFrame(raf);
      audio.removeEventListener('play', onPlay);
      audio.removeEventListener('pause', onStop);
      audio.removeEventListener('seeked', onStop);
    };
  }, [audio, paint]);

  const onWheel = (e: React.WheelEvent): void => {
    const rect = e.currentTarget.getBoundingClientRect();
    const frac = (e.clientX - rect.left) / rect.width;
    if (e.ctrlKey || e.metaKey) {
      const factor = e.deltaY > 0 ? 1.25 : 0.8;
      const t = start + frac * span;
      const next = clampView(t - frac * span * factor, span * factor, map.duration);
      onViewChange(next.start, next.span);
    } else {
      const d = (Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY) / rect.width;
      const next = clampView(start + d * span, span, map.duration);
      onViewChange(next.start, next.span);
    }
  };

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const rect = e.currentTarget.getBoundingClientRect();
    const hit = hitTest(
      map,
      { start, span, width: rect.width, height: rect.height },
      e.clientX - rect.left,
      e.clientY - rect.top,
    );
    if (hit.chord != null) onSelectChord(hit.chord);
    onSeek(hit.time);
  };

  const onMouseMove = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const rect = e.currentTarget.getBoundingClientRect();
    const { chord } = hitTest(
      map,
      { start, span, width: rect.width, height: rect.height },
      e.clientX - rect.left,
      e.clientY - rect.top,
    );
    if (chord !== hoverChord) setHoverChord(chord);
  };

  const doubtful = doubtfulCounts(map);
  return (
    <div ref={wrap} className="song-canvas" onWheel={onWheel}>
      <canvas
        ref={canvas}
        data-testid="songmap-canvas"
        width={Math.round(size.width * (typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1))}
        height={Math.round(size.height * (typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1))}
        style={{ width: size.width, height: size.height }}
        role="img"
        aria-label={
          `Song map: waveform with ${map.downbeats.length} bars, ${map.sections.length} sections and ` +
          `${map.chords.length} chords${doubtful.chords ? ` (${doubtful.chords} doubtful, drawn dashed)` : ''}. ` +
          'Click to seek.'
        }
        title={chordTooltip(map, hoverChord)}
        onClick={onClick}
        onMouseMove={onMouseMove}
        onMouseLeave={() => setHoverChord(null)}
      />
    </div>
  );
}
