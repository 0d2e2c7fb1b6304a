/**
 * Backbeat: the beat is the level at which kick and snare take turns. Rock, pop, funk and most
 * dance-band drumming put the kick on 1 and 3 and the snare on 2 and 4, so low-band onsets (kick) and
 * high-band onsets (the snare's crack) alternate from one beat to the next. Read on a grid twice as fast (beats and the
 * points halfway between), the same drumming gives kick-hat-snare-hat: no alternation. This decides
 * the octave where the autocorrelation cannot: a 218 BPM song with a backbeat and a 109 BPM song
 * with its snare on every off-beat have the same periodicities, but only one reading alternates.
 * The low band also fixes the phase: beats the kick and bass keep hitting between are half a beat off.
 */

/** Alternation at least this strong on the doubled grid… */
export const BACKBEAT_MIN = 0.6;
/** …and this much stronger than on the tracked beats, to double the tempo. */
export const BACKBEAT_MARGIN = 0.3;

/**
 * A drum kit makes the onsets above 3 kHz sharp and sparse: their 95th percentile stands this many
 * times above their median (drum tracks 26–69 on the tuned part and the dev set; keys, strings and
 * pads without drums 2–12, one 6/8 song 24). Without it, bass and chords taking turns are no backbeat.
 */
export const MIN_PERCUSSIVE = 15;

/** 95th over 50th percentile of the high-band onset envelope. */
export function percussiveness(high: Float32Array): number {
  if (high.length === 0) return 0;
  const s = Float32Array.from(high).sort();
  const p50 = s[Math.floor(0.5 * s.length)];
  const p95 = s[Math.floor(0.95 * s.length)];
  return p50 > 0 ? p95 / p50 : p95 > 0 ? Infinity : 0;
}

/**
 * The weaker of the two alternating positions carries at least this share of the stronger one's
 * broadband onset strength: a snare is about as loud as a kick, while the off-beat of a kick-on-every-beat
 * groove holds only a hat, and the midpoints of a ternary beat hold nothing.
 */
const MIN_PRESENCE = 0.6;

/**
 * The snare's side carries at least this much of the kick side's high-band onset strength. Hats as
 * bright between the kicks as on them read as a snare (a kick's own click makes real kick sides a
 * little brighter): a kick on every beat under unaccented, loud eighth-note hats is doubled. On the
 * tuned part 1.0 keeps a boogie with accented hats at its tempo and fixes 209–212 BPM backbeats whose
 * snare adds no more above 3 kHz than the hats do; 1.2 loses those.
 */
const CRACK_MIN = 1.0;

/** Strongest value within ±`reach` frames of a fractional frame position. */
function peakNear(env: Float32Array, f: number, reach = 2): number {
  const c = Math.round(f);
  let m = 0;
  for (let k = c - reach; k <= c + reach; k++) if (k >= 0 && k < env.length && env[k] > m) m = env[k];
  return m;
}

/**
 * How strictly low-band and high-band onsets take turns along a grid (positions in onset frames):
 * with z_i = low_i / mean(low) − high_i / mean(high), the even and the odd positions must lean to
 * opposite sides; the score is the weaker side's mean lean over the mean |z|. 1 = kick, snare,
 * kick, snare …; 0 = no pattern that flips every position (or one side that is simply empty, as
 * the points between the beats of a ternary subdivision). Returns 0 for fewer than 8 positions.
 */
export function alternation(
  grid: number[],
  low: Float32Array,
  high: Float32Array,
  /** broadband onset strength, for the presence test (default: the two bands, each normalised) */
  all?: Float32Array,
): number {
  if (grid.length < 8) return 0;
  const L = grid.map((f) => peakNear(low, f));
  const M = grid.map((f) => peakNear(high, f));
  const A = all ? grid.map((f) => peakNear(all, f)) : null;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ml = mean(L);
  const mm = mean(M);
  if (!(ml > 0) || !(mm > 0)) return 0;
  let even = 0;
  let odd = 0;
  let total = 0;
  let hitsEven = 0;
  let hitsOdd = 0;
  // band sums by side, for the crack test below
  const low2 = [0, 0];
  const high2 = [0, 0];
  for (let i = 0; i < grid.length; i++) {
    const z = L[i] / ml - M[i] / mm;
    const hit = A ? A[i] : L[i] / ml + M[i] / mm;
    if (i % 2 === 0) {
      even += z;
      hitsEven += hit;
    } else {
      odd += z;
      hitsOdd += hit;
    }
    low2[i % 2] += L[i];
    high2[i % 2] += M[i];
    total += Math.abs(z);
  }
  const nEven = Math.ceil(grid.length / 2);
  const nOdd = grid.length - nEven;
  const e = even / nEven;
  const o = odd / nOdd;
  // a backbeat hits every position about as hard: the snare is no quieter than the kick
  const presence = hitsOdd / nOdd / (hitsEven / nEven);
  if (e * o >= 0 || total <= 0 || !(presence >= MIN_PRESENCE && presence <= 1 / MIN_PRESENCE)) return 0;
  // the snare's crack: the side without the kick is at least as bright as the kick's side (hats
  // sound on both; a kick on every beat with accented hats between is no backbeat)
  const n2 = [nEven, nOdd];
  const kickSide = low2[0] / nEven >= low2[1] / nOdd ? 0 : 1;
  if (high2[1 - kickSide] / n2[1 - kickSide] < CRACK_MIN * (high2[kickSide] / n2[kickSide])) return 0;
  return Math.min(Math.abs(e), Math.abs(o)) / (total / grid.length);
}

/** The tracked beats with the points halfway between them. */
export function doubledGrid(beats: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < beats.length; i++) {
    out.push(beats[i]);
    if (i + 1 < beats.length) out.push((beats[i] + beats[i + 1]) / 2);
  }
  return out;
}

/**
 * True when there are drums (percussiveness) and they alternate on the doubled grid and not on the
 * beats: the tracked level is half the beat. (Alternation also survives on any odd multiple of the beat — kick, snare, kick
 * sampled every third beat still alternates — so only the step to the doubled grid is decided here.)
 */
export function backbeatSaysDouble(
  beats: number[],
  low: Float32Array,
  high: Float32Array,
  all?: Float32Array,
): boolean {
  if (percussiveness(high) < MIN_PERCUSSIVE) return false;
  const a1 = alternation(beats, low, high, all);
  const a2 = alternation(doubledGrid(beats), low, high, all);
  return a2 >= BACKBEAT_MIN && a2 - a1 >= BACKBEAT_MARGIN;
}

/**
 * True when there are drums and kick and snare take turns along these pulses: they group in twos
 * (a backbeat), whatever their broadband accents say.
 */
export function pulsesAlternate(
  pulses: number[],
  low: Float32Array,
  high: Float32Array,
  all?: Float32Array,
): boolean {
  return percussiveness(high) >= MIN_PERCUSSIVE && alternation(pulses, low, high, all) >= BACKBEAT_MIN;
}

/** Mean strength of an envelope on the pulses at each phase (0 … k − 1) of a cycle of `k` pulses. */
function phaseMeans(pulses: number[], env: Float32Array, k: number): number[] {
  const sum = new Array<number>(k).fill(0);
  const n = new Array<number>(k).fill(0);
  pulses.forEach((f, i) => {
    sum[i % k] += peakNear(env, f);
    n[i % k]++;
  });
  return sum.map((v, p) => v / Math.max(1, n[p]));
}

/**
 * Drum hits on only one phase of every `k` pulses, hats on the rest: the other phases carry at most
 * this share of the hit phase's broadband onset strength.
 */
export const SPARSE_MAX = 0.4;

/**
 * The tracked pulses are a subdivision when the drums hit only one phase of every 2 (or 3) of them
 * and the others hold only hats or nothing (a slow 4/4 or 6/8 whose eighth-note hats made the
 * fastest strong level): returns 2 or 3, the number of pulses to a beat, or 1.
 */
export function drumsGroupPulses(pulses: number[], high: Float32Array, all: Float32Array): 1 | 2 | 3 {
  if (pulses.length < 24 || percussiveness(high) < MIN_PERCUSSIVE) return 1;
  for (const k of [2, 3] as const) {
    const means = phaseMeans(pulses, all, k);
    const hit = Math.max(...means);
    // one phase carries the hits, every other one is at most SPARSE_MAX of it
    if (hit > 0 && means.filter((m) => m <= SPARSE_MAX * hit).length === k - 1) return k;
  }
  return 1;
}

/**
 * Low-band onset strength between the beats over that on them at or above which the beats are on the
 * off-beat. The kick and the bass mark the beat in drummed music; a tracker drawn to the strongest
 * broadband onsets can lock half a beat off when those are off-beat chords or hats. On the tuned part,
 * an independent set and the dev set (332 songs) every right reading measures ≤ 1.54, on the funk sets
 * and a set of real MIDI arrangements ≤ 1.20; real MIDI arrangements with drums locked to their
 * off-beats 1.75, 1.98 (one song, kick on 1, snare on 2 and 4, bass and chords pushed to the & of 2)
 * and 2.33.
 */
export const OFF_BEAT_LOW = 1.6;

/** Mean low-band onset strength at the midpoints between the beats over that at the beats. */
export function lowOffBeatRatio(beats: number[], low: Float32Array): number {
  let on = 0;
  let off = 0;
  for (let i = 0; i + 1 < beats.length; i++) {
    on += peakNear(low, beats[i], 1);
    off += peakNear(low, (beats[i] + beats[i + 1]) / 2, 1);
  }
  return on > 0 ? off / on : off > 0 ? Infinity : 0;
}

/**
 * The beats moved half a beat when there are drums and the kick and bass hit clearly more between
 * the tracked beats than on them (`OFF_BEAT_LOW`); null when the beats stand. Positions in onset
 * frames; the last beat is carried on by half its interval while it stays before `nFrames`.
 */
export function beatsOnTheKick(
  beats: number[],
  low: Float32Array,
  high: Float32Array,
  nFrames: number,
): number[] | null {
  if (beats.length < 8 || percussiveness(high) < MIN_PERCUSSIVE) return null;
  if (!(lowOffBeatRatio(beats, low) >= OFF_BEAT_LOW)) return null;
  const out: number[] = [];
  for (let i = 0; i + 1 < beats.length; i++) out.push((beats[i] + beats[i + 1]) / 2);
  const n = beats.length;
  const next = beats[n - 1] + (beats[n - 1] - beats[n - 2]) / 2;
  if (next < nFrames) out.push(next);
  return out;
}

/**
 * Onset strength halfway between the tracked beats and at their thirds, over that on them, at or
 * below which nothing sounds between the beats: they are the fastest pulse of the music. On the
 * tuning sets the eighths of slow rock grooves read as beats measure 0.03–0.12; straight grooves
 * with eighths or sixteenths between their beats ≥ 0.31.
 */
export const NOTHING_BETWEEN = 0.2;
/**
 * The kick and bass repeat every 4 tracked beats at least this strongly (autocorrelation of their
 * onset strength on the beats), and not every 2 (≤ 0)… On the tuning sets: eighths of slow rock read as beats 0.54–0.82;
 * waltzes, whose low band repeats every 3 beats, −0.45 to −0.14.
 */
export const LOW_REPEATS_4 = 0.4;
/**
 * …in a pattern of more than one hit: of the 4 phases, the second strongest stands above the weakest
 * by at least this share of the strongest's low-band onset strength (eighths of slow rock read as
 * beats: 0.49–0.75). One kick every 4 pulses says nothing of eighths (it is as much a kick once a bar
 * under a snare on every beat), whether the other three pulses are empty or all carry the low end of
 * a snare.
 */
export const LOW_SECOND_HIT = 0.25;

/** Mean broadband onset strength halfway between the beats and at their thirds (the larger) over that on them. */
export function betweenBeats(beats: number[], all: Float32Array): number {
  let on = 0;
  let half = 0;
  let third = 0;
  for (let i = 0; i + 1 < beats.length; i++) {
    const a = beats[i];
    const d = beats[i + 1] - a;
    on += peakNear(all, a);
    half += peakNear(all, a + d / 2);
    third += Math.max(peakNear(all, a + d / 3), peakNear(all, a + (2 * d) / 3));
  }
  return on > 0 ? Math.max(half, third) / on : Infinity;
}

/** Autocorrelation (mean removed, 1 at lag 0) of an envelope's strength on the pulses, at `lag` pulses. */
export function pulseAutocorrelation(pulses: number[], env: Float32Array, lag: number): number {
  const x = pulses.map((f) => peakNear(env, f));
  const mean = x.reduce((a, b) => a + b, 0) / Math.max(1, x.length);
  let c0 = 0;
  for (const v of x) c0 += (v - mean) ** 2;
  let c = 0;
  for (let i = lag; i < x.length; i++) c += (x[i] - mean) * (x[i - lag] - mean);
  return c0 > 0 ? c / c0 : 0;
}

/**
 * True when the tracked pulses are the eighths of a slower beat: with drums, nothing sounds
 * between them (`NOTHING_BETWEEN`: they are the fastest pulse), and the kick and bass play a pattern
 * of eighths: more than one hit in every 4 pulses (`LOW_SECOND_HIT`), repeating every 4 pulses
 * (`LOW_REPEATS_4`) but not every 2 (autocorrelation at 2 pulses ≤ 0). A rock kick on 1, the & of 1
 * and the & of 2, sampled on the eighths, does exactly that; a groove really read on its quarters with
 * nothing between them repeats its bass every 2 beats (the boom-chick of a country two-beat, a
 * march) or every 3 (a waltz).
 */
export function pulsesAreEighths(
  pulses: number[],
  low: Float32Array,
  high: Float32Array,
  all: Float32Array,
): boolean {
  if (pulses.length < 24 || percussiveness(high) < MIN_PERCUSSIVE) return false;
  if (!(betweenBeats(pulses, all) <= NOTHING_BETWEEN)) return false;
  const [first, second, , last] = phaseMeans(pulses, low, 4).sort((a, b) => b - a);
  if (!(second - last >= LOW_SECOND_HIT * first)) return false;
  return pulseAutocorrelation(pulses, low, 4) >= LOW_REPEATS_4 && pulseAutocorrelation(pulses, low, 2) <= 0;
}
