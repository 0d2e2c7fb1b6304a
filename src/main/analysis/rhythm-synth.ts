/**
 * Deterministic test audio for the rhythm engine: clicks, kicks, subdivision ticks and sustained
 * chords placed at exact times, so tests know the true beats, downbeats and meter.
 */
import { prng } from '../lib/prng';

export type HitKind = 'click' | 'kick' | 'tick';

export interface SynthSpec {
  sr: number;
  duration: number;
  hits: { t: number; kind: HitKind; gain?: number }[];
  /** chords as frequency lists, each sounding from t until the next chord */
  chords?: { t: number; freqs: number[] }[];
  seed?: number;
}

export { prng };

export function synth(spec: SynthSpec): Float32Array {
  const { sr } = spec;
  const n = Math.round(spec.duration * sr);
  const out = new Float32Array(n);
  const rnd = prng(spec.seed ?? 1);
  for (const h of spec.hits) {
    const start = Math.round(h.t * sr);
    const g = h.gain ?? 1;
    if (h.kind === 'kick') {
      // pitched-down sine thump: energy below 150 Hz, like a kick drum
      const len = Math.round(0.25 * sr);
      for (let i = 0; i < len && start + i < n; i++) {
        const tt = i / sr;
        const f = 50 + 60 * Math.exp(-tt / 0.03);
        out[start + i] += g * 0.8 * Math.exp(-tt / 0.08) * Math.sin(2 * Math.PI * f * tt);
      }
    } else {
      // noise burst: broadband attack (click louder and longer than a subdivision tick)
      const tau = h.kind === 'click' ? 0.012 : 0.006;
      const amp = h.kind === 'click' ? 0.5 : 0.2;
      const len = Math.round(tau * 6 * sr);
      for (let i = 0; i < len && start + i < n; i++)
        out[start + i] += g * amp * Math.exp(-i / sr / tau) * (rnd() * 2 - 1);
    }
  }
  const chords = spec.chords ?? [];
  for (let c = 0; c < chords.length; c++) {
    const s = Math.round(chords[c].t * sr);
    const e = c + 1 < chords.length ? Math.round(chords[c + 1].t * sr) : n;
    for (const f of chords[c].freqs) {
      for (let i = s; i < e && i < n; i++) {
        const tt = (i - s) / sr;
        // piano-like: struck at the chord change, then decaying
        out[i] += 0.06 * Math.exp(-tt / 0.7) * Math.sin(2 * Math.PI * f * tt);
      }
    }
  }
  return out;
}

/** White noise at the given RMS level. */
export function whiteNoise(sr: number, duration: number, rms: number, seed = 7): Float32Array {
  const rnd = prng(seed);
  const out = new Float32Array(Math.round(sr * duration));
  const k = rms * Math.sqrt(3);
  for (let i = 0; i < out.length; i++) out[i] = k * (rnd() * 2 - 1);
  return out;
}

const midiHz = (m: number): number => 440 * 2 ** ((m - 69) / 12);
/** I–vi–IV–V in C, one chord per bar: chords change on downbeats as in most songs. */
export const PROGRESSION = [
  [60, 64, 67, 48],
  [57, 60, 64, 45],
  [53, 57, 60, 41],
  [55, 59, 62, 43],
].map((c) => c.map(midiHz));

export interface MeteredTrack {
  audio: Float32Array;
  beats: number[];
  downbeats: number[];
}

/**
 * A metered pattern: kick + chord change on each downbeat, a click on every beat, ticks on the
 * subdivisions (`sub` per beat: 2 binary, 3 ternary).
 */
export function meteredTrack(opts: {
  sr: number;
  bpm: number;
  beatsPerBar: number;
  sub: number;
  bars: number;
  start?: number;
  /** RMS of a continuous noise floor (room tone): without it every hit starts from digital silence */
  floor?: number;
}): MeteredTrack {
  const start = opts.start ?? 0.5;
  const ibi = 60 / opts.bpm;
  const hits: SynthSpec['hits'] = [];
  const beats: number[] = [];
  const downbeats: number[] = [];
  const chords: { t: number; freqs: number[] }[] = [];
  for (let b = 0; b < opts.bars; b++) {
    for (let k = 0; k < opts.beatsPerBar; k++) {
      const t = start + (b * opts.beatsPerBar + k) * ibi;
      beats.push(t);
      hits.push({ t, kind: 'click', gain: k === 0 ? 1 : 0.7 });
      if (k === 0) {
        downbeats.push(t);
        hits.push({ t, kind: 'kick' });
        chords.push({ t, freqs: PROGRESSION[b % PROGRESSION.length] });
      }
      for (let s = 1; s < opts.sub; s++) hits.push({ t: t + (s * ibi) / opts.sub, kind: 'tick' });
    }
  }
  const duration = start + opts.bars * opts.beatsPerBar * ibi + 1;
  const audio = synth({ sr: opts.sr, duration, hits, chords });
  if (opts.floor) {
    const nz = whiteNoise(opts.sr, duration, opts.floor, 11);
    for (let i = 0; i < audio.length; i++) audio[i] += nz[i];
  }
  return { audio, beats, downbeats };
}

/**
 * Legato soft-attack music without percussion (bowed strings, choir): a melody note on every beat and
 * a chord per bar, each fading in over `attackSec` while the note before fades out, so the overall
 * level stays nearly flat and the pulse lives only in the pitch changes. With `randomTimes` the
 * notes change at random moments instead (no pulse: ambient, rubato), the same number of changes.
 */
export function softLegato(opts: {
  sr: number;
  bpm: number;
  bars: number;
  beatsPerBar?: number;
  attackSec?: number;
  randomTimes?: boolean;
  seed?: number;
}): MeteredTrack {
  const { sr, bpm, bars } = opts;
  const bpb = opts.beatsPerBar ?? 4;
  const attack = opts.attackSec ?? 0.25;
  const rnd = prng(opts.seed ?? 3);
  const start = 0.5;
  const ibi = 60 / bpm;
  const nBeats = bars * bpb;
  const duration = start + nBeats * ibi + 1;
  let times = Array.from({ length: nBeats }, (_, i) => start + i * ibi);
  if (opts.randomTimes) times = times.map(() => start + rnd() * nBeats * ibi).sort((a, b) => a - b);
  // stepwise: a tone or a semitone up or down, so neighbouring notes share their mel bands
  const scale = [0, 2, 4, 5, 7, 9, 11, 12, 14, 16];
  let deg = 4;
  const out = new Float32Array(Math.round(duration * sr));
  // a sustained voice from t0 to t1 with raised-cosine fades, three harmonics, light vibrato
  const voice = (f: number, t0: number, t1: number, amp: number): void => {
    const a = Math.round(t0 * sr);
    const b = Math.min(out.length, Math.round((t1 + attack) * sr));
    for (let i = a; i < b; i++) {
      const t = i / sr;
      const up = Math.min(1, (t - t0) / attack);
      const down = t > t1 ? Math.max(0, 1 - (t - t1) / attack) : 1;
      const env = amp * (0.5 - 0.5 * Math.cos(Math.PI * up)) * (0.5 - 0.5 * Math.cos(Math.PI * down));
      const ph = 2 * Math.PI * f * (t - t0) + 0.3 * Math.sin(2 * Math.PI * 5.5 * t);
      out[i] += env * (Math.sin(ph) + 0.5 * Math.sin(2 * ph) + 0.25 * Math.sin(3 * ph));
    }
  };
  for (let k = 0; k < times.length; k++) {
    deg = Math.max(0, Math.min(scale.length - 1, deg + (rnd() < 0.5 ? -1 : 1)));
    const m = 72 + scale[deg];
    voice(midiHz(m), times[k], k + 1 < times.length ? times[k + 1] : duration - 1, 0.05);
  }
  const chordTimes = times.filter((_, i) => i % bpb === 0);
  for (let c = 0; c < chordTimes.length; c++) {
    const end = c + 1 < chordTimes.length ? chordTimes[c + 1] : duration - 1;
    for (const f of PROGRESSION[c % PROGRESSION.length]) voice(f, chordTimes[c], end, 0.03);
  }
  const beats = opts.randomTimes ? [] : times;
  return { audio: out, beats, downbeats: beats.filter((_, i) => i % bpb === 0) };
}

/** A 4/4 groove (kick on 1, clicks on every beat, ticks on the eighths) changing tempo at `at` s. */
export function grooveWithJump(
  sr: number,
  bpms: [number, number],
  at: number,
  end: number,
  eighths = 0.5,
): {
  audio: Float32Array;
  beats: number[];
} {
  const hits: SynthSpec['hits'] = [];
  const beats: number[] = [];
  let k = 0;
  for (let t = 0.5; t < end; k++) {
    const ibi = 60 / (t < at ? bpms[0] : bpms[1]);
    beats.push(t);
    hits.push({ t, kind: 'click', gain: k % 4 === 0 ? 1 : 0.7 });
    if (k % 4 === 0) hits.push({ t, kind: 'kick' });
    if (eighths > 0) hits.push({ t: t + ibi / 2, kind: 'tick', gain: eighths });
    t += ibi;
  }
  const audio = synth({ sr, duration: end + 1, hits });
  const floor = whiteNoise(sr, end + 1, 0.01, 5);
  for (let i = 0; i < audio.length; i++) audio[i] += floor[i];
  return { audio, beats };
}
