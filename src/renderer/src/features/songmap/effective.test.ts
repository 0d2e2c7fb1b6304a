import { describe, expect, it } from 'vitest';
import { barAt, beatsPerBar, effectiveMap, mainKeyConfidence, uniformGrid } from './effective';
import { makeSongMap } from '../../test/fakeApi';
import { mergeEdits } from './songStore';
import { beatsToSchedule } from './metronome';
import { doubtfulCounts, drawSongMap, hitTest, lanes, pickLevel, type Palette } from './draw';

const map = makeSongMap();

describe('effective song map', () => {
  it('is the detection itself when there are no edits', () => {
    const m = effectiveMap(map, null);
    expect(m.bpm).toBe(120);
    expect(m.beats).toBe(map.beats);
    expect(m.downbeats).toBe(map.downbeats);
    expect(m.key).toEqual({ tonic: 'A', mode: 'minor' });
    expect(m.edited).toMatchObject({ bpm: false, meter: false, key: false, downbeatOffset: false });
  });

  it('an edited BPM lays a constant grid through the song, in phase with the first downbeat', () => {
    const m = effectiveMap(map, { bpm: 60 });
    expect(m.beats[0]).toBeCloseTo(0.25, 6);
    expect(m.beats[1] - m.beats[0]).toBeCloseTo(1, 6);
    expect(m.beats.at(-1)!).toBeLessThanOrEqual(map.duration_sec);
    expect(m.downbeats[1] - m.downbeats[0]).toBeCloseTo(4, 6); // 4 beats of 1 s
    expect(m.tempoCurve).toEqual([[0, 60]]);
    expect(m.edited.bpm).toBe(true);
    expect(map.beats[1] - map.beats[0]).toBeCloseTo(0.5, 6); // the detection is untouched
  });

  it('a downbeat offset shifts the bars by whole beats; a meter edit regroups them', () => {
    const shifted = effectiveMap(map, { downbeatOffset: 1 });
    expect(shifted.downbeats[0]).toBeCloseTo(map.beats[1], 6);
    expect(shifted.downbeats[1]).toBeCloseTo(map.beats[5], 6);
    const back = effectiveMap(map, { downbeatOffset: -1 });
    expect(back.downbeats[0]).toBeCloseTo(map.beats[3], 6);
    const three = effectiveMap(map, { meter: { numerator: 3, denominator: 4 } });
    expect(three.downbeats.slice(0, 3)).toEqual([map.beats[0], map.beats[3], map.beats[6]]);
  });

  it('key and chord edits replace labels without touching timings', () => {
    const m = effectiveMap(map, { key: { tonic: 'C', mode: 'major' }, chords: { '3': 'G7' } });
    expect(m.keyRegions).toEqual([
      { start: 0, end: map.duration_sec, tonic: 'C', mode: 'major', conf: 1, camelot: '8B' },
    ]);
    expect(m.chords[3]).toEqual({ ...map.chords[3], label: 'G7' });
    expect([...m.edited.chords]).toEqual([3]);
  });

  it("carries the detection's confidences, none for a field the user edited or the map lacks", () => {
    expect(effectiveMap(map, null).confidence).toEqual({ tempo: 0.9, beats: null, key: 0.8 });
    const withBeats = { ...map, tempo: { ...map.tempo!, beat_confidence: 0.3 } };
    expect(effectiveMap(withBeats, null).confidence.beats).toBe(0.3);
    // an edited BPM lays its own grid: neither the tempo's nor the beats' confidence applies
    expect(effectiveMap(withBeats, { bpm: 100 }).confidence).toEqual({ tempo: null, beats: null, key: 0.8 });
    expect(effectiveMap(map, { key: { tonic: 'C', mode: 'major' } }).confidence.key).toBeNull();
    expect(effectiveMap({ ...map, tempo: null, key: [] }, null).confidence).toEqual({
      tempo: null,
      beats: null,
      key: null,
    });
  });

  it("the main key's confidence weighs its regions by length", () => {
    const r = (start: number, end: number, tonic: string, conf: number) =>
      ({ start, end, tonic, mode: 'major', conf }) as const;
    expect(mainKeyConfidence([r(0, 10, 'C', 0.2), r(10, 12, 'G', 0.9), r(12, 22, 'C', 0.6)])).toBeCloseTo(
      0.4,
      9,
    );
  });

  it('derives bars per bar from downbeat spacing when the meter is unknown, and counts bars', () => {
    expect(beatsPerBar(null, map.beats, map.downbeats)).toBe(4);
    expect(beatsPerBar(null, map.beats, [])).toBeNull();
    expect(barAt(map.downbeats, 0.1)).toBeNull();
    expect(barAt(map.downbeats, 2.25)).toBe(2);
    expect(barAt(map.downbeats, 2.3)).toBe(2);
    expect(barAt(map.downbeats, 100)).toBe(8);
    expect(uniformGrid(120, 1.1, 2)).toEqual([0.1, 0.6, 1.1, 1.6]);
  });

  it('merging edits drops reverted fields and returns null when nothing is left', () => {
    expect(mergeEdits({ bpm: 100 }, { bpm: undefined })).toBeNull();
    expect(mergeEdits({ bpm: 100 }, { downbeatOffset: 0 })).toEqual({ bpm: 100 });
    expect(mergeEdits(null, { chords: {} })).toBeNull();
    expect(mergeEdits({ bpm: 100 }, { key: { tonic: 'D', mode: 'minor' } })).toEqual({
      bpm: 100,
      key: { tonic: 'D', mode: 'minor' },
    });
  });
});

describe('metronome scheduling', () => {
  it('schedules each beat once, inside the look-ahead window', () => {
    const beats = [0, 0.5, 1, 1.5];
    expect(beatsToSchedule(beats, 0.45, -1, 0.15)).toEqual([0.5]);
    expect(beatsToSchedule(beats, 0.45, 0.5, 0.15)).toEqual([]);
    expect(beatsToSchedule(beats, 0.9, 0.5, 0.15)).toEqual([1]);
  });
});

/** records the canvas calls we care about */
function recorder() {
  const rects: { fill: string; x: number; y: number; w: number; h: number; alpha: number }[] = [];
  const texts: string[] = [];
  const strokes: { stroke: string; x: number; dash: number[] }[] = [];
  let dash: number[] = [];
  const ctx = {
    globalAlpha: 1,
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '',
    textBaseline: '',
    fillRect(x: number, y: number, w: number, h: number) {
      rects.push({ fill: String(this.fillStyle), x, y, w, h, alpha: this.globalAlpha });
    },
    fillText(t: string) {
      texts.push(t);
    },
    strokeRect(x: number) {
      strokes.push({ stroke: String(this.strokeStyle), x, dash });
    },
    setLineDash(d: number[]) {
      dash = d;
    },
    save() {},
    restore() {},
    beginPath() {},
    rect() {},
    clip() {},
    moveTo() {},
    lineTo() {},
    stroke() {},
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, rects, texts, strokes };
}
const P: Palette = {
  bg: 'bg',
  wave: 'wave',
  beat: 'beat',
  downbeat: 'down',
  text: 'text',
  muted: 'muted',
  cursor: 'cursor',
  tempo: 'tempo',
  laneBg: 'lane',
  selected: 'sel',
  doubtful: 'doubt',
};

describe('drawing', () => {
  it('draws waveform columns, every beat, bar numbers, section and chord labels and the cursor', () => {
    const m = effectiveMap(map, null);
    const { ctx, rects, texts } = recorder();
    const v = { start: 0, span: map.duration_sec, width: 650, height: 260 };
    drawSongMap(ctx, m, v, P, 3.0);
    expect(rects.filter((r) => r.fill === 'wave').length).toBeGreaterThan(100);
    expect(rects.filter((r) => r.fill === 'beat')).toHaveLength(32);
    expect(rects.filter((r) => r.fill === 'down')).toHaveLength(8);
    expect(texts).toEqual(
      expect.arrayContaining(['1', '8', 'A · verse', 'B · chorus', 'Am', 'E7', 'Am (8A)']),
    );
    const cursor = rects.find((r) => r.fill === 'cursor')!;
    expect(cursor.x).toBe(Math.round((3 / map.duration_sec) * 650) - 1);
  });

  it('marks chords and key regions under 50 % as doubtful: faded, dashed outline, "?" after the label', () => {
    const low = makeSongMap();
    low.chords[1].conf = 0.3; // F
    low.chords[2].conf = 0.49; // C, but relabelled by the user below
    low.chords[3].conf = 0.5; // G: unsure, not doubtful
    low.key[0].conf = 0.2;
    const m = effectiveMap(low, { chords: { '2': 'Cmaj7' } });
    const { ctx, rects, texts, strokes } = recorder();
    drawSongMap(ctx, m, { start: 0, span: low.duration_sec, width: 650, height: 260 }, P, null);
    expect(texts).toEqual(expect.arrayContaining(['Am', 'F?', 'Cmaj7', 'G', 'Am (8A)?']));
    expect(texts).not.toContain('Cmaj7?');
    const dashed = strokes.filter((s) => s.stroke === 'doubt' && s.dash.length > 0);
    expect(dashed).toHaveLength(2); // F and the key region
    expect(dashed.map((s) => Math.round(s.x))).toContain(
      Math.round((low.chords[1].start / low.duration_sec) * 650) + 1,
    );
    const chordFill = rects.filter((r) => r.fill === '#669bbc55');
    expect(chordFill.filter((r) => r.alpha < 1)).toHaveLength(1);
    expect(doubtfulCounts(m)).toEqual({ chords: 1, keys: 1 });
    expect(doubtfulCounts(effectiveMap(map, null))).toEqual({ chords: 0, keys: 0 });
  });

  it('zoomed in, only what is visible is drawn', () => {
    const m = effectiveMap(map, null);
    const { ctx, rects } = recorder();
    drawSongMap(ctx, m, { start: 4, span: 2, width: 400, height: 260 }, P, null);
    // beats at 4.25 … 5.75 → 4 beats, 1 downbeat (4.25), no cursor
    expect(rects.filter((r) => r.fill === 'beat')).toHaveLength(4);
    expect(rects.filter((r) => r.fill === 'down')).toHaveLength(1);
    expect(rects.some((r) => r.fill === 'cursor')).toBe(false);
  });

  it('hit-testing the chords lane finds the chord under the pointer; elsewhere only the time', () => {
    const m = effectiveMap(map, null);
    const v = { start: 0, span: 16, width: 1600, height: 260 };
    const L = lanes(260);
    const y = (L.chords[0] + L.chords[1]) / 2;
    expect(hitTest(m, v, 500, y)).toEqual({ time: 5, chord: 2, bar: 3 });
    expect(hitTest(m, v, 500, (L.wave[0] + L.wave[1]) / 2).chord).toBeNull();
  });

  it('picks the waveform level closest to one bucket per pixel', () => {
    const wf = {
      sample_rate: 1000,
      levels: [10, 100, 1000].map((s) => ({ samples_per_peak: s, min: [], max: [] })),
    };
    expect(pickLevel(wf, { start: 0, span: 100, width: 1000, height: 1 }).samples_per_peak).toBe(100);
    expect(pickLevel(wf, { start: 0, span: 1, width: 1000, height: 1 }).samples_per_peak).toBe(10);
    expect(pickLevel(wf, { start: 0, span: 10000, width: 1000, height: 1 }).samples_per_peak).toBe(1000);
  });
});
