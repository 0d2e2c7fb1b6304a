/**
 * Sample-accurate beat placement. The STFT flux (hop 23 ms, window 93 ms) locates a beat only to a
 * frame, and it peaks before a sharp attack because the centred window reaches it early. Here each
 * beat moves to the strongest energy rise of the pre-emphasised signal near it (the attack itself),
 * if there is a clear one; otherwise it stays where the tracker put it.
 */

export interface RefineOptions {
  /** search from beat - before to beat + after, seconds */
  before?: number;
  after?: number;
  /** energy window on each side of a candidate onset, seconds */
  side?: number;
  /** minimum rise in natural-log energy (ln 4 ≈ 1.4: four times the energy) */
  minRise?: number;
}

export function refineBeats(
  samples: Float32Array,
  sr: number,
  beats: number[],
  opts: RefineOptions = {},
): number[] {
  const before = Math.round((opts.before ?? 0.03) * sr);
  const after = Math.round((opts.after ?? 0.045) * sr);
  const side = Math.max(8, Math.round((opts.side ?? 0.01) * sr));
  const search: Search = {
    before,
    after,
    side,
    minRise: opts.minRise ?? Math.log(4),
    step: Math.max(1, Math.round(sr / 4000)),
    span: before + after + 2 * side + 2,
  };
  const cum = new Float64Array(search.span + 1);
  return beats.map((t) => refineBeat(samples, sr, t, search, cum));
}

/** The search around one beat, in samples. */
interface Search {
  before: number;
  after: number;
  side: number;
  minRise: number;
  /** candidate onsets are tried every `step` samples */
  step: number;
  /** samples whose first-difference energy is accumulated around a beat */
  span: number;
}

/**
 * One beat's time moved to the strongest energy rise near it, or kept. `cum` is scratch of length
 * span + 1. A module-level function rather than a closure inside refineBeats: V8 keeps its
 * optimised code from call to call, where a closure made per call would be compiled again each time.
 */
function refineBeat(samples: Float32Array, sr: number, t: number, search: Search, cum: Float64Array): number {
  const { before, after, side, minRise, step, span } = search;
  const n = samples.length;
  const c = Math.round(t * sr);
  const s0 = c - before - side - 1;
  // energy of the first difference (emphasises attacks over sustained low notes), accumulated
  // only around the beat: the whole signal is never touched twice
  cum[0] = 0;
  for (let k = 0; k < span; k++) {
    const i = s0 + k;
    const d = i >= 1 && i < n ? samples[i] - samples[i - 1] : 0;
    cum[k + 1] = cum[k] + d * d;
  }
  const level = cum[span] / span;
  // a floor relative to the local level: silence before a faint note is not an infinite rise
  const floor = level * side * 1e-3 + 1e-12;
  let best = -Infinity;
  let bestI = c;
  for (let i = c - before; i <= c + after; i += step) {
    if (i - side < 1 || i + side > n) continue;
    const k = i - s0;
    const rise = Math.log((cum[k + side] - cum[k] + floor) / (cum[k] - cum[k - side] + floor));
    if (rise > best) {
      best = rise;
      bestI = i;
    }
  }
  return best >= minRise ? bestI / sr : t;
}

/**
 * A held final chord still belongs to its bar: the tracker stops at the last onset, so a song that ends
 * on a chord ringing through its last bar loses that bar's remaining beats (on the tuned part, 3 beats
 * at the end of most generated songs that close that way). The bar is completed at the last beats'
 * median interval while the audio still sounds there (`SOUNDING_DB` under the song's median level),
 * never past its end, never beyond the one bar.
 */
export const SOUNDING_DB = -30;

/** RMS of samples [from, to) (clamped to the signal). */
function rms(samples: Float32Array, from: number, to: number): number {
  const a = Math.max(0, from);
  const b = Math.min(samples.length, to);
  let e = 0;
  for (let i = a; i < b; i++) e += samples[i] * samples[i];
  return b > a ? Math.sqrt(e / (b - a)) : 0;
}

/**
 * The beats with the last bar completed (the same array when nothing is added). `lastDownbeat` is the
 * index of the last bar's first beat, `beatsPerBar` the beats a bar holds.
 */
export function completeLastBar(
  samples: Float32Array,
  sr: number,
  beats: number[],
  lastDownbeat: number,
  beatsPerBar: number,
): number[] {
  const missing = beatsPerBar - (beats.length - lastDownbeat);
  if (beats.length < 8 || missing < 1 || missing >= beatsPerBar) return beats;
  const ibi = medianInterval(beats.slice(-8));
  const floor = medianLevel(samples, sr) * 10 ** (SOUNDING_DB / 20);
  const end = samples.length / sr;
  const out = beats.slice();
  for (let k = 1; k <= missing; k++) {
    const t = beats[beats.length - 1] + k * ibi;
    if (t > end - 0.05 || !sounds(samples, sr, t, floor)) break;
    out.push(Math.round(t * 10000) / 10000);
  }
  return out.length === beats.length ? beats : out;
}

/** the median interval between consecutive beats */
function medianInterval(beats: number[]): number {
  const ibis = beats
    .slice(1)
    .map((t, i) => t - beats[i])
    .sort((x, y) => x - y);
  return ibis[Math.floor(ibis.length / 2)];
}

/** the song's median level: RMS over 100 ms windows, one per second */
function medianLevel(samples: Float32Array, sr: number): number {
  const win = Math.round(0.1 * sr);
  const levels: number[] = [];
  for (let i = 0; i + win <= samples.length; i += sr) levels.push(rms(samples, i, i + win));
  levels.sort((x, y) => x - y);
  return levels[Math.floor(levels.length / 2)] ?? 0;
}

/** whether the 100 ms around `t` (seconds) is at least `floor` loud */
function sounds(samples: Float32Array, sr: number, t: number, floor: number): boolean {
  const c = Math.round(t * sr);
  const half = Math.round(0.05 * sr);
  return floor > 0 && rms(samples, c - half, c + half) >= floor;
}

/**
 * A soft intro still counts from the song's first note: the tracker drops beats much weaker than the
 * song's (a pad fading in under no drums: on the tuning sets, 31 of 365 songs lost their first 1–8
 * beats). The beats are carried back from the first tracked one, at the first beats' median
 * interval, when the music's start (the first 10 ms within `START_DB` of the song's median level)
 * falls on that grid (from `START_EARLY` before a beat to `START_LATE` after it: a pad's attack
 * reaches the level tens of ms after the note's onset), at most `MAX_LEAD_BARS` bars back, and the
 * audio sounds (`SOUNDING_DB`) at every carried beat after the first note. Otherwise nothing is added:
 * an intro that starts off the grid is in free time or a pickup, and no beat is invented there.
 */
export const START_DB = -50;
export const START_EARLY = 0.03;
export const START_LATE = 0.07;
export const MAX_LEAD_BARS = 2;

/** The beats with the lead-in bars before the first tracked beat completed (the same array when none). */
export function completeFirstBars(
  samples: Float32Array,
  sr: number,
  beats: number[],
  beatsPerBar: number,
): number[] {
  if (beats.length < 8) return beats;
  const ibi = medianInterval(beats.slice(0, 8));
  const level = medianLevel(samples, sr);
  const start = musicStart(samples, sr, level * 10 ** (START_DB / 20), beats[0]);
  if (start === null) return beats;
  const k = Math.round((beats[0] - start) / ibi);
  if (k < 1 || k > MAX_LEAD_BARS * beatsPerBar) return beats;
  // the level crosses during the first note's attack: at or after its onset, never well before it
  const late = start - (beats[0] - k * ibi);
  if (late < -Math.min(START_EARLY, 0.1 * ibi) || late > Math.min(START_LATE, 0.25 * ibi)) return beats;
  const floor = level * 10 ** (SOUNDING_DB / 20);
  const lead: number[] = [];
  for (let j = k; j >= 1; j--) {
    const t = beats[0] - j * ibi;
    if (j < k && !sounds(samples, sr, t, floor)) return beats;
    lead.push(Math.round(Math.max(0, t) * 10000) / 10000);
  }
  return [...lead, ...beats];
}

/** the first 10 ms window before `before` (seconds) at least `floor` loud, in seconds; null if none */
function musicStart(samples: Float32Array, sr: number, floor: number, before: number): number | null {
  const win = Math.round(0.01 * sr);
  const end = Math.min(samples.length, Math.round(before * sr));
  if (!(floor > 0)) return null;
  for (let i = 0; i + win <= end; i += win) if (rms(samples, i, i + win) >= floor) return i / sr;
  return null;
}
