/**
 * Test signals for the harmony engine: notes with a harmonic series (like a real instrument, so
 * the engine must cope with partials), chords as bass + treble voicing, seeded white noise.
 */
export const SR = 22050;

export const midiHz = (m: number, a4 = 440): number => a4 * Math.pow(2, (m - 69) / 12);

/** Add a note with `partials` harmonics (amplitude 1/h) and a short fade in/out to avoid clicks. */
export function addNote(
  buf: Float32Array,
  sr: number,
  midi: number,
  start: number,
  dur: number,
  amp: number,
  a4 = 440,
  partials = 6,
): void {
  const f0 = midiHz(midi, a4);
  const i0 = Math.round(start * sr);
  const n = Math.min(Math.round(dur * sr), buf.length - i0);
  const fade = Math.round(0.01 * sr);
  for (let h = 1; h <= partials; h++) {
    const f = f0 * h;
    if (f > sr / 2 - 500) break;
    const w = (2 * Math.PI * f) / sr;
    const a = amp / h;
    for (let i = 0; i < n; i++) {
      const env = Math.min(1, i / fade, (n - i) / fade);
      buf[i0 + i] += a * env * Math.sin(w * i);
    }
  }
}

export interface ChordSpec {
  /** MIDI notes of the treble voicing */
  notes: number[];
  /** MIDI bass note (root), or null for no bass */
  bass: number | null;
}

/** Render chords back to back, `chordSec` each, after `leadIn` seconds of silence. */
export function renderChords(
  chords: ChordSpec[],
  chordSec: number,
  opts: { a4?: number; leadIn?: number; tail?: number } = {},
): Float32Array {
  const a4 = opts.a4 ?? 440;
  const leadIn = opts.leadIn ?? 0.5;
  const tail = opts.tail ?? 0.5;
  const buf = new Float32Array(Math.round((leadIn + chords.length * chordSec + tail) * SR));
  chords.forEach((c, i) => {
    const t = leadIn + i * chordSec;
    for (const m of c.notes) addNote(buf, SR, m, t, chordSec, 0.12, a4);
    if (c.bass !== null) addNote(buf, SR, c.bass, t, chordSec, 0.2, a4);
  });
  return buf;
}

/** Beat grid every `step` seconds from `start` to `end`. */
export function beatGrid(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let t = start; t < end - 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

/** Deterministic white noise (xorshift), amplitude ±amp. */
export function whiteNoise(n: number, amp: number, seed = 12345): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = amp * ((x / 0xffffffff) * 2 - 1);
  }
  return out;
}
