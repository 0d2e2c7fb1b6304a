/**
 * Standard MIDI File (format 1, 480 ticks per quarter):
 *   track 0 "Performia tempo map": time signature, key signature, tempo changes, section markers;
 *   track 1 "Chords": the chord tones (channel 1, C3 upwards) and each chord's label as a text event.
 * Seconds are turned into ticks by integrating the tempo map, so a DAW importing the file puts every
 * section marker and chord at the same time as in the audio.
 */
import { Chord, Key, Note } from '@tonaljs/tonal';
import type { EffectiveMap } from '../songmap/effective';
import { keyName } from '../songmap/effective';

export const PPQ = 480;
const DEFAULT_BPM = 120; // only for songs with no tempo at all; then times are still exact in seconds

interface Ev {
  tick: number;
  order: number;
  bytes: number[];
}

export function vlq(n: number): number[] {
  let v = Math.max(0, Math.round(n));
  const out = [v & 0x7f];
  while ((v >>= 7) > 0) out.unshift((v & 0x7f) | 0x80);
  return out;
}
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n: number) => [(n >>> 8) & 255, n & 255];
const text = (s: string) => Array.from(new TextEncoder().encode(s));
const meta = (type: number, data: number[]) => [0xff, type, ...vlq(data.length), ...data];

/** tempo segments in quarter-note terms: [startSec, µs per quarter] */
export function tempoSegments(m: EffectiveMap): [number, number][] {
  const den = m.meter?.denominator ?? 4;
  // song map tempi are beats of the meter; a MIDI tempo is per quarter note
  const usPerQuarter = (bpm: number) => Math.round((60_000_000 / bpm) * (den / 4));
  const curve = m.tempoCurve.length
    ? m.tempoCurve
    : m.bpm != null
      ? [[0, m.bpm] as [number, number]]
      : [[0, DEFAULT_BPM] as [number, number]];
  const segs: [number, number][] = [];
  for (const [t, bpm] of curve) {
    const us = usPerQuarter(bpm);
    const at = segs.length === 0 ? 0 : t; // the first tempo holds from the very start
    if (segs.length && Math.abs(segs[segs.length - 1][0] - at) < 1e-9) segs[segs.length - 1][1] = us;
    else if (!segs.length || segs[segs.length - 1][1] !== us) segs.push([at, us]);
  }
  return segs;
}

export function secondsToTicks(segs: [number, number][], t: number): number {
  let ticks = 0;
  for (let i = 0; i < segs.length; i++) {
    const [s, us] = segs[i];
    const e = i + 1 < segs.length ? segs[i + 1][0] : Infinity;
    if (t <= s) break;
    ticks += ((Math.min(t, e) - s) * 1e6 * PPQ) / us;
  }
  return Math.round(ticks);
}

/** the chord's tones as MIDI notes rising from C3; an unknown label sounds nothing (its text still marks it) */
export function chordNotes(label: string): number[] {
  const c = Chord.get(label);
  if (c.empty) return [];
  const out: number[] = [];
  let prev = -1;
  for (const n of c.notes) {
    let midi = Note.midi(`${n}3`) ?? -1;
    if (midi < 0) continue;
    while (midi <= prev) midi += 12;
    out.push(midi);
    prev = midi;
  }
  return out;
}

function keySignature(m: EffectiveMap): number[] | null {
  if (!m.key) return null;
  const alt =
    m.key.mode === 'major' ? Key.majorKey(m.key.tonic).alteration : Key.minorKey(m.key.tonic).alteration;
  if (!Number.isFinite(alt) || Math.abs(alt) > 7) return null;
  return meta(0x59, [alt & 255, m.key.mode === 'minor' ? 1 : 0]);
}

function track(events: Ev[]): number[] {
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const body: number[] = [];
  let last = 0;
  for (const e of events) {
    body.push(...vlq(e.tick - last), ...e.bytes);
    last = e.tick;
  }
  body.push(0, ...meta(0x2f, []));
  return [...text('MTrk'), ...u32(body.length), ...body];
}

export function songMapMidi(m: EffectiveMap, title: string): Uint8Array {
  const segs = tempoSegments(m);
  const tick = (t: number) => secondsToTicks(segs, t);

  const conductor: Ev[] = [{ tick: 0, order: 0, bytes: meta(0x03, text(title)) }];
  if (m.meter) {
    const dd = Math.round(Math.log2(m.meter.denominator));
    conductor.push({ tick: 0, order: 1, bytes: meta(0x58, [m.meter.numerator, dd, 24, 8]) });
  }
  const ks = keySignature(m);
  if (ks) conductor.push({ tick: 0, order: 2, bytes: ks });
  for (const [s, us] of segs)
    conductor.push({
      tick: tick(s),
      order: 3,
      bytes: meta(0x51, [(us >> 16) & 255, (us >> 8) & 255, us & 255]),
    });
  for (const s of m.sections)
    conductor.push({
      tick: tick(s.start),
      order: 4,
      bytes: meta(0x06, text(s.letter ? `${s.label} (${s.letter})` : s.label)),
    });
  if (m.key) conductor.push({ tick: 0, order: 5, bytes: meta(0x01, text(`Key: ${keyName(m.key)}`)) });

  const chords: Ev[] = [{ tick: 0, order: 0, bytes: meta(0x03, text('Chords')) }];
  for (const c of m.chords) {
    if (c.label === 'N') continue;
    const on = tick(c.start);
    const off = Math.max(on + 1, tick(c.end));
    chords.push({ tick: on, order: 2, bytes: meta(0x01, text(c.label)) });
    for (const n of chordNotes(c.label)) {
      chords.push({ tick: on, order: 3, bytes: [0x90, n, 80] });
      chords.push({ tick: off, order: 1, bytes: [0x80, n, 0] }); // offs before the next chord's ons at the same tick
    }
  }

  const header = [...text('MThd'), ...u32(6), ...u16(1), ...u16(2), ...u16(PPQ)];
  return new Uint8Array([...header, ...track(conductor), ...track(chords)]);
}
