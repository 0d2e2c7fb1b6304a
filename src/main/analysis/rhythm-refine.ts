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
  const tail = beats.slice(-8);
  const ibis = tail
    .slice(1)
    .map((t, i) => t - tail[i])
    .sort((x, y) => x - y);
  const ibi = ibis[Math.floor(ibis.length / 2)];
  // the song's median level over 100 ms windows, one per second
  const win = Math.round(0.1 * sr);
  const levels: number[] = [];
  for (let i = 0; i + win <= samples.length; i += sr) levels.push(rms(samples, i, i + win));
  levels.sort((x, y) => x - y);
  const floor = (levels[Math.floor(levels.length / 2)] ?? 0) * 10 ** (SOUNDING_DB / 20);
  const end = samples.length / sr;
  const out = beats.slice();
  for (let k = 1; k <= missing; k++) {
    const t = beats[beats.length - 1] + k * ibi;
    const c = Math.round(t * sr);
    const half = Math.round(win / 2);
    if (t > end - 0.05 || !(floor > 0) || !(rms(samples, c - half, c + half) >= floor)) break;
    out.push(Math.round(t * 10000) / 10000);
  }
  return out.length === beats.length ? beats : out;
}
