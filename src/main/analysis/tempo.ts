/**
 * Tempo from the onset envelope: a windowed autocorrelation tempogram; a smooth local-period path
 * (Viterbi over log-period states, so ramps and jumps are followed); the metrical levels read
 * along that path, from which the beat level is chosen (the fastest strongly periodic pulse that a
 * listener would still tap); confidences; and a tempo curve read back from the tracked beats.
 */
import FFT from 'fft.js';
import { throwIfAborted } from './types';

export interface Tempogram {
  fps: number;
  /** frames of the onset envelope between two tempogram columns */
  hop: number;
  win: number;
  nWin: number;
  /** autocorrelation lags 0..maxLag (frames) */
  maxLag: number;
  /** nWin * (maxLag + 1), each column normalised by its lag-0 value */
  acf: Float32Array;
  /** onset energy of each window, to weight the global average */
  energy: Float32Array;
}

/** Removes the slowly varying part of the onset envelope so autocorrelation sees only pulses. */
export function detrend(env: Float32Array, fps: number): Float32Array {
  const half = Math.max(1, Math.round(fps * 0.5));
  const n = env.length;
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + env[i];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    const v = env[i] - (cum[b] - cum[a]) / (b - a);
    out[i] = v > 0 ? v : 0;
  }
  return out;
}

const BLUR = [0.25, 0.75, 1, 0.75, 0.25];
const CLIP_QUANTILE = 0.98;

/** q-quantile of the values (copy-sorted; the envelope is a few thousand frames). */
export function quantile(x: Float32Array, q: number): number {
  if (x.length === 0) return 0;
  const s = Float32Array.from(x).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export function acfTempogram(
  od: Float32Array,
  fps: number,
  opts: { winSec?: number; hopSec?: number; minBpm?: number; signal?: AbortSignal } = {},
): Tempogram {
  const win = Math.round((opts.winSec ?? 8) * fps);
  const hop = Math.max(1, Math.round((opts.hopSec ?? 0.5) * fps));
  const maxLag = Math.min(win - 1, Math.ceil((60 * fps) / (opts.minBpm ?? 25)));
  const sm = clippedBlur(od);
  const nWin = Math.max(1, Math.ceil(od.length / hop));
  const acf = new Float32Array(nWin * (maxLag + 1));
  const energy = new Float32Array(nWin);
  const windowAcf = new WindowAcf(win, maxLag);
  for (let w = 0; w < nWin; w++) {
    if ((w & 31) === 0) throwIfAborted(opts.signal);
    energy[w] = windowAcf.read(sm, w * hop - (win >> 1), acf, w * (maxLag + 1));
  }
  return { fps, hop, win, nWin, maxLag, acf, energy };
}

/**
 * The envelope with rare huge onsets clipped (the first note after silence, a crash: one such peak
 * would own a whole window's autocorrelation) and a light blur: a sharp onset falls between frames,
 * and without it the autocorrelation at periods of a non-integer number of frames depends on
 * rounding, not on the music.
 */
function clippedBlur(od: Float32Array): Float32Array {
  const n = od.length;
  const cap = quantile(od, CLIP_QUANTILE);
  const sm = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let w = 0;
    for (let k = -2; k <= 2; k++) {
      const j = i + k;
      if (j < 0 || j >= n) continue;
      const c = BLUR[k + 2];
      s += c * (cap > 0 && od[j] > cap ? cap : od[j]);
      w += c;
    }
    sm[i] = s / w;
  }
  return sm;
}

/**
 * Autocorrelation of one tempogram window: the window is taken from the envelope, its mean removed
 * and a Hann taper applied (windows overlap heavily, the taper keeps columns smooth in time), then
 * transformed by FFT (Wiener–Khinchin), zero-padded so lags up to maxLag see no circular
 * wrap-around. The buffers and the FFT are made once per tempogram and reused for every window; the
 * per-window work being one short method also lets V8 optimise it after a few windows.
 */
class WindowAcf {
  private readonly buf: Float32Array;
  private readonly taper: Float32Array;
  private readonly fft: FFT;
  // fft.js works on plain arrays (it is slowest on typed arrays)
  private readonly frame: number[];
  private readonly spec: number[];
  private readonly back: number[];

  constructor(
    private readonly win: number,
    private readonly maxLag: number,
  ) {
    this.buf = new Float32Array(win);
    let nfft = 1;
    while (nfft < win + maxLag + 1) nfft *= 2;
    this.fft = new FFT(nfft);
    this.frame = new Array<number>(nfft).fill(0);
    this.spec = this.fft.createComplexArray() as number[];
    this.back = this.fft.createComplexArray() as number[];
    this.taper = new Float32Array(win);
    for (let i = 0; i < win; i++) this.taper[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / win);
  }

  /**
   * Writes the unbiased autocorrelation at lags 0..maxLag, normalised by lag 0, of the window of
   * `sm` starting at frame `start` (zero outside the envelope) to out[offset …], and returns the
   * window's energy. A silent window (energy ≤ 1e-12) leaves `out` untouched.
   */
  read(sm: Float32Array, start: number, out: Float32Array, offset: number): number {
    const { win, maxLag, buf, taper, fft, frame, spec, back } = this;
    const n = sm.length;
    let mean = 0;
    for (let i = 0; i < win; i++) {
      const j = start + i;
      const v = j >= 0 && j < n ? sm[j] : 0;
      buf[i] = v;
      mean += v;
    }
    mean /= win;
    let e = 0;
    for (let i = 0; i < win; i++) {
      buf[i] = (buf[i] - mean) * taper[i];
      e += buf[i] * buf[i];
    }
    if (e <= 1e-12) return e;
    const nfft = frame.length;
    for (let i = 0; i < nfft; i++) frame[i] = i < win ? buf[i] : 0;
    fft.realTransform(spec, frame);
    fft.completeSpectrum(spec);
    for (let k = 0; k < nfft; k++) {
      const re = spec[2 * k];
      const im = spec[2 * k + 1];
      spec[2 * k] = re * re + im * im;
      spec[2 * k + 1] = 0;
    }
    fft.inverseTransform(back, spec);
    for (let L = 0; L <= maxLag; L++) {
      // unbiased: long lags see fewer products
      out[offset + L] = (back[2 * L] / e) * (win / (win - L));
    }
    return e;
  }
}

/** Linear interpolation of a lag function at a fractional lag. */
const at = (f: Float64Array | Float32Array, off: number, len: number, lag: number): number => {
  if (lag < 0 || lag > len - 1) return 0;
  const i = Math.floor(lag);
  const fr = lag - i;
  return i + 1 < len ? f[off + i] * (1 - fr) + f[off + i + 1] * fr : f[off + i];
};

/**
 * Local beat period per tempogram column: Viterbi over log-spaced periods in `range` (frames),
 * penalising changes so the path only moves when the evidence does (a ramp moves step by step, a
 * jump moves once). A narrow range (±40 % around one level, see `around`) keeps the path on one
 * metrical level; a wide one follows whichever pulse is strongest.
 */
export function periodPath(
  tg: Tempogram,
  range: [number, number],
  opts: {
    step?: number;
    jumpCost?: number;
    /**
     * per tempogram column, a factor the range is multiplied by there (`tempoSteps`): the range
     * follows a sudden tempo change instead of holding the path at a relative of the new tempo
     */
    scale?: Float32Array;
    signal?: AbortSignal;
  } = {},
): Float32Array {
  const step = opts.step ?? 0.005; // in log2 units: 0.35 % per state
  const jumpCost = opts.jumpCost ?? 6;
  const scale = opts.scale;
  let sMin = 1;
  let sMax = 1;
  for (const f of scale ?? []) {
    sMin = Math.min(sMin, f);
    sMax = Math.max(sMax, f);
  }
  const lo = Math.log2(Math.max(2, range[0] * sMin));
  const hi = Math.log2(Math.max(Math.max(2, range[0] * sMin), Math.min(range[1] * sMax, tg.maxLag - 1)));
  const nS = Math.max(1, Math.floor((hi - lo) / step) + 1);
  const periods = new Float64Array(nS);
  for (let s = 0; s < nS; s++) periods[s] = 2 ** (lo + s * step);
  const L1 = tg.maxLag + 1;
  const medEnergy = quantile(tg.energy, 0.5);
  let prev = new Float64Array(nS);
  let cur = new Float64Array(nS);
  const back = new Int32Array(tg.nWin * nS);
  const obs = new Float64Array(nS);
  const bestV = new Float64Array(nS);
  const bestI = new Int32Array(nS);
  // a change of one octave costs jumpCost
  const costPerState = jumpCost * step;
  // the per-column work is in functions of their own, which V8 optimises after a few columns and
  // keeps for the next path; this loop only calls them
  for (let w = 0; w < tg.nWin; w++) {
    if ((w & 63) === 0) throwIfAborted(opts.signal);
    // the autocorrelation is already normalised by lag 0, so it is comparable between windows:
    // a window without a pulse (a held chord, the lead-in) has low evidence everywhere and does not
    // steer the path; a quiet window (little onset energy) is trusted less
    const trust = Math.min(1, tg.energy[w] / (medEnergy || 1));
    columnEvidence(tg.acf, w * L1, L1, periods, trust, obs);
    if (scale && scale[w] !== undefined)
      forbidOutside(periods, range[0] * scale[w], range[1] * scale[w], obs);
    if (w === 0) {
      cur.set(obs);
    } else {
      const tmp = cur;
      cur = prev;
      prev = tmp;
      viterbiStep(prev, obs, costPerState, bestV, bestI, cur, back, w * nS);
    }
  }
  let s = 0;
  for (let k = 1; k < nS; k++) if (cur[k] > cur[s]) s = k;
  const path = new Float32Array(tg.nWin);
  for (let w = tg.nWin - 1; w >= 0; w--) {
    path[w] = periods[s];
    if (w > 0) s = back[w * nS + s];
  }
  return path;
}

const OUT_OF_RANGE = -1e6;

/**
 * Evidence for each period state in one tempogram column (acf[off … off + len)): the
 * autocorrelation at the period plus half that at its double (which keeps the path on the same
 * metrical level), at least 0, times the column's trust.
 */
function columnEvidence(
  acf: Float32Array,
  off: number,
  len: number,
  periods: Float64Array,
  trust: number,
  obs: Float64Array,
): void {
  const nS = periods.length;
  for (let s = 0; s < nS; s++) {
    const p = periods[s];
    const v = at(acf, off, len, p) + 0.5 * at(acf, off, len, 2 * p);
    obs[s] = v > 0 ? v : 0;
  }
  for (let s = 0; s < nS; s++) obs[s] *= trust;
}

/** Periods outside a column's (scaled) range [a, b]: as good as forbidden. */
function forbidOutside(periods: Float64Array, a: number, b: number, obs: Float64Array): void {
  for (let s = 0; s < periods.length; s++)
    if (periods[s] < a * 0.999 || periods[s] > b * 1.001) obs[s] = OUT_OF_RANGE;
}

/**
 * One Viterbi step of the period path: cur[s] = obs[s] + the best prev[s'] − cost × |s − s'|, a
 * distance-transform style max in two linear passes (O(nS)), the chosen s' going to back[off + s].
 * bestV and bestI are scratch.
 */
function viterbiStep(
  prev: Float64Array,
  obs: Float64Array,
  costPerState: number,
  bestV: Float64Array,
  bestI: Int32Array,
  cur: Float64Array,
  back: Int32Array,
  off: number,
): void {
  const nS = prev.length;
  bestV.set(prev);
  for (let s = 0; s < nS; s++) bestI[s] = s;
  for (let s = 1; s < nS; s++) {
    const c = bestV[s - 1] - costPerState;
    if (c > bestV[s]) {
      bestV[s] = c;
      bestI[s] = bestI[s - 1];
    }
  }
  for (let s = nS - 2; s >= 0; s--) {
    const c = bestV[s + 1] - costPerState;
    if (c > bestV[s]) {
      bestV[s] = c;
      bestI[s] = bestI[s + 1];
    }
  }
  for (let s = 0; s < nS; s++) {
    cur[s] = bestV[s] + obs[s];
    back[off + s] = bestI[s];
  }
}

/**
 * Sudden tempo changes in a wide period path (one that follows the strongest pulse): a step of the
 * path counts when, over STEP_SPAN columns on each side, each side has a clear pulse, the old period
 * has died after it and the new one was not there before (both below DEAD × the live one). A path
 * hopping between two metrical levels that both run through the song is no tempo change. Returns, per
 * column, the factor by which the period has changed since the start: all ones for a song in one
 * tempo (or a smooth ramp, which a narrow path follows by itself).
 */
export function tempoSteps(tg: Tempogram, wide: Float32Array): Float32Array {
  const n = Math.min(tg.nWin, wide.length);
  const steps = new Float32Array(n).fill(1);
  let factor = 1;
  let last = -STEP_SPAN;
  for (let w = 1; w < n; w++) {
    const r = wide[w] / wide[w - 1];
    if (r < STEP_MIN && r > 1 / STEP_MIN) continue;
    if (w - last < STEP_SPAN || w < STEP_SPAN / 2 || n - w < STEP_SPAN / 2) continue;
    const A: [number, number] = [Math.max(last, w - STEP_SPAN, 0), w];
    const B: [number, number] = [w, Math.min(n, w + STEP_SPAN)];
    const a = median(Array.from(wide.subarray(A[0], A[1])));
    const b = median(Array.from(wide.subarray(B[0], B[1])));
    if (b / a < STEP_MIN && b / a > 1 / STEP_MIN) continue;
    const oldAfter = periodSalience(tg, B, a);
    const newAfter = periodSalience(tg, B, b);
    const newBefore = periodSalience(tg, A, b);
    const oldBefore = periodSalience(tg, A, a);
    // a clear pulse on both sides (rubato passages of orchestral music make the wide path wander
    // between faint periods), and neither period on the other side
    if (!(oldBefore >= STEP_LIVE && newAfter >= STEP_LIVE)) continue;
    if (!(oldAfter < DEAD * newAfter && newBefore < DEAD * oldBefore)) continue;
    // two readings of the step: the wide path's and the fastest strong pulse's on each side; either
    // may take another level of the new tempo than of the old (the wide path the half before and the
    // beat after; the fastest pulse the eighths before and the beat after). When they differ, the
    // smaller change is the one that kept its level.
    const byPath = b / a;
    const byPulse = fastestStrong(tg, B, b) / fastestStrong(tg, A, a);
    factor *= Math.abs(Math.log(byPulse)) < Math.abs(Math.log(byPath)) ? byPulse : byPath;
    steps.fill(factor, w);
    last = w;
  }
  return steps;
}

/** a step smaller than this ratio is drift, which the narrow path follows anyway */
const STEP_MIN = 1.08;
/** columns (0.5 s each) on each side of a step that must agree */
const STEP_SPAN = 16;
const DEAD = 0.3;
/**
 * …and each side's own period must be at least this periodic: generated songs read 0.72–0.95 on
 * both sides of their jumps, the faint wandering pulses of real orchestral tracks 0.13–0.49
 */
const STEP_LIVE = 0.5;

/** Energy-weighted mean autocorrelation at one fixed period (±2 %) over columns [from, to). */
const periodSalience = (tg: Tempogram, span: [number, number], period: number): number =>
  salienceOver(tg, span, () => period);

/** fastest pulse considered a level of the beat when a step carries the levels over */
const MAX_LEVEL_BPM = 330;

/** The shortest period among the metrical relatives of `period` that is a strong level over the columns. */
function fastestStrong(tg: Tempogram, span: [number, number], period: number): number {
  const minPeriod = (60 * tg.fps) / MAX_LEVEL_BPM;
  const cands = LEVEL_FACTORS.map((f) => period / f).filter((p) => p >= minPeriod && p <= tg.maxLag - 1);
  const sal = cands.map((p) => periodSalience(tg, span, p));
  const max = Math.max(0, ...sal);
  let best = period;
  cands.forEach((p, i) => {
    if (sal[i] >= STRONG_LEVEL * max && p < best) best = p;
  });
  return best;
}

/** The median period of a path with its tempo steps taken out: the level the path stays on. */
export const levelPeriod = (path: Float32Array, steps: Float32Array): number =>
  median(Array.from(path, (p, w) => p / (steps[w] ?? 1)));

/** a column-to-column change beyond this ratio (tempo steps taken out) is a hop, not drift */
const HOP_RATIO = 1.06;

/**
 * The drift of a period path as a per-column factor around its level (path / level), for paths that
 * never hop between metrical levels: a narrow path scaled by it follows a ramp or a ritardando on
 * any level of the same pulse. Null when the path hops somewhere (then its shape is no drift).
 */
export function smoothDrift(
  path: Float32Array,
  steps: Float32Array,
  /** the path's level, when the caller has it already */
  level = levelPeriod(path, steps),
): Float32Array | null {
  for (let w = 1; w < path.length; w++) {
    const r = path[w] / (steps[w] ?? 1) / (path[w - 1] / (steps[w - 1] ?? 1));
    if (r > HOP_RATIO || r < 1 / HOP_RATIO) return null;
  }
  return path.map((p) => p / level);
}

/** The period range ±`span` (ratio) around one period: a path that stays on one metrical level. */
export const around = (period: number, span = 1.4): [number, number] => [period / span, period * span];

/** Beat period for every onset frame, from the tempogram columns (linear in between). */
export function periodPerFrame(path: Float32Array, tgHop: number, nFrames: number): Float32Array {
  const out = new Float32Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const x = t / tgHop;
    const i = Math.min(path.length - 1, Math.floor(x));
    const j = Math.min(path.length - 1, i + 1);
    const f = x - i;
    out[t] = path[i] * (1 - f) + path[j] * f;
  }
  return out;
}

/**
 * Tempo curve from beat times. The local tempo at each beat is the slope of a line fitted to the
 * beats around it (robust to onset jitter); of three windows (left, centred, right) the one that
 * fits best is used, so a sudden jump stays sharp instead of being smeared over the window (an
 * edge-preserving filter). A new point is emitted only when the local tempo leaves the current one
 * by more than `tol` (relative): a steady song gets one point, a ramp one point per step.
 */
export function curveFromBeats(
  beats: number[],
  opts: { half?: number; tol?: number } = {},
): { curve: [number, number][]; local: number[] } {
  const half = opts.half ?? 4;
  const tol = opts.tol ?? 0.015;
  const n = beats.length;
  const local: number[] = [];
  if (n < 2) return { curve: [], local };
  const fit = (a: number, b: number): { bpm: number; err: number } => {
    const m = b - a + 1;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let k = a; k <= b; k++) {
      sx += k;
      sy += beats[k];
      sxx += k * k;
      sxy += k * beats[k];
    }
    const slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    const icpt = (sy - slope * sx) / m;
    let e = 0;
    for (let k = a; k <= b; k++) e += (beats[k] - (icpt + slope * k)) ** 2;
    return { bpm: 60 / slope, err: m > 2 ? e / (m - 2) : Infinity };
  };
  for (let i = 0; i < n; i++) {
    const windows: [number, number][] = [
      [i - 2 * half, i],
      [i - half, i + half],
      [i, i + 2 * half],
    ];
    let best: { bpm: number; err: number } | null = null;
    for (const [a0, b0] of windows) {
      const a = Math.max(0, a0);
      const b = Math.min(n - 1, b0);
      if (b - a < Math.min(2, n - 1)) continue;
      const f = fit(a, b);
      // a fit over fewer beats must be clearly better to win (the 5 % keeps steady songs centred)
      if (!best || f.err < best.err * 0.95) best = f;
    }
    local.push(best ? best.bpm : 60 / (beats[Math.min(n - 1, i + 1)] - beats[Math.max(0, i - 1)]) / 2);
  }
  const curve: [number, number][] = [];
  let cur = 0;
  for (let i = 0; i < n; i++) {
    const v = local[i];
    if (curve.length === 0 || Math.abs(v / cur - 1) > tol) {
      cur = v;
      curve.push([round3(beats[i]), round2(cur)]);
    }
  }
  return { curve, local };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const round2 = (x: number): number => Math.round(x * 100) / 100;

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** tempi within this ratio of each other count as the same played tempo */
const SAME_TEMPO = 1.04;
/** the median sits in a gap between tempi when fewer than this share of the beats were played near it */
const GAP_SHARE = 0.1;

/** the beats around the median's held tempo must outnumber those around the median by this much */
const TAIL_RATIO = 1.5;
/** at most this many steps from the median to the tempo it belongs to (each moves by under 4 %) */
const SETTLE_STEPS = 20;

/**
 * The global tempo as a listener counts it from beat-to-beat tempi: their median, unless it sits in
 * a tail or a gap. About as many beats in each of two tempi put the median in the gap, on the few
 * beats across the change: then the tempo held by the most beats. A few more beats in one of two
 * loosely played tempi put it in that tempo's tail (72 beats at 108 ± 5 % and 71 at 144 gave 114):
 * then the tempo it belongs to, found by moving to the median of the beats near it until it settles,
 * when clearly more beats were played near that. A ramp or a steady song keeps its median.
 */
export function playedTempo(ibiBpm: number[]): number {
  const m = median(ibiBpm);
  const near = (c: number): number[] => ibiBpm.filter((x) => x < c * SAME_TEMPO && x > c / SAME_TEMPO);
  const atMedian = near(m);
  if (atMedian.length >= GAP_SHARE * ibiBpm.length) {
    const held = settle(m, near);
    return near(held).length >= TAIL_RATIO * atMedian.length ? held : m;
  }
  let best: number[] = atMedian;
  for (const x of ibiBpm) {
    const held = near(x);
    if (held.length > best.length) best = held;
  }
  return median(best);
}

/** from `start`, the median of the values near it, repeated until it no longer moves */
function settle(start: number, near: (c: number) => number[]): number {
  let c = start;
  for (let i = 0; i < SETTLE_STEPS; i++) {
    const next = median(near(c));
    // settled, or nothing near (the median of none is NaN)
    if (!(Math.abs(next - c) > 1e-9 * c)) break;
    c = next;
  }
  return c;
}

export interface MetricalLevel {
  /** BPM multiplier relative to the path the levels were measured along */
  factor: number;
  /** median BPM of the level along the path */
  bpm: number;
  /** drift-tolerant mean autocorrelation of the level */
  salience: number;
}

export const LEVEL_FACTORS = [1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4, 1, 3 / 2, 2, 3, 4, 6];

/**
 * Saliences of the metrical relatives of a period path. Each window is read at its own local
 * period (±2 %), so a song whose tempo drifts keeps its peaks: a fixed-lag average would smear them.
 */
export function metricalLevels(
  tg: Tempogram,
  path: Float32Array,
  range: { minBpm: number; maxBpm: number },
): MetricalLevel[] {
  const pathBpm = median(Array.from(path, (p) => (60 * tg.fps) / p));
  const out: MetricalLevel[] = [];
  for (const factor of LEVEL_FACTORS) {
    const bpm = pathBpm * factor;
    if (bpm < range.minBpm || bpm > range.maxBpm) continue;
    out.push({ factor, bpm, salience: salienceAlong(tg, path, factor) });
  }
  return out;
}

/**
 * Mean autocorrelation (energy-weighted over windows, ≥ 0) at the period path[w] / factor, each
 * window read at its own local period ±2 %. `path` has one period (frames) per tempogram column.
 */
export function salienceAlong(tg: Tempogram, path: Float32Array, factor: number): number {
  return salienceOver(tg, [0, Math.min(tg.nWin, path.length)], (w) => path[w] / factor);
}

/** The same over the columns [from, to) at the period `periodAt(column)` (frames). */
function salienceOver(tg: Tempogram, [from, to]: [number, number], periodAt: (w: number) => number): number {
  const L1 = tg.maxLag + 1;
  let s = 0;
  let wsum = 0;
  for (let w = from; w < to; w++) {
    const e = tg.energy[w];
    if (e <= 0) continue;
    const p = periodAt(w);
    if (p < 2 || p > tg.maxLag - 1) continue;
    let m = 0;
    const lo = Math.max(2, Math.floor(p * 0.98));
    const hi = Math.min(tg.maxLag, Math.ceil(p * 1.02));
    for (let q = lo; q <= hi; q++) if (tg.acf[w * L1 + q] > m) m = tg.acf[w * L1 + q];
    const wt = Math.sqrt(e);
    s += wt * m;
    wsum += wt;
  }
  return wsum > 0 ? s / wsum : 0;
}

/** Strong = at least this fraction of the strongest level's salience. */
export const STRONG_LEVEL = 0.5;
/**
 * How strong a fast pulse must be, relative to the pulse it would be grouped into (its half or
 * third), to count as the beat: nothing asked up to RELAXED_BPM, then a ramp to parity at
 * PARITY_BPM and beyond. Listeners tap fast pulses only when they are as clear as the slower one;
 * the faster the pulse, the more it is heard as a subdivision.
 */
export const RELAXED_BPM = 120;
export const PARITY_BPM = 200;
const RAMP_START = 0.3;
/** A ternary grouping of the tatum must beat the binary one by this much (compound meter). */
const TERNARY_MARGIN = 1.1;

export const fastPulseNeed = (bpm: number): number =>
  bpm <= RELAXED_BPM ? 0 : RAMP_START + ((1 - RAMP_START) * (bpm - RELAXED_BPM)) / (PARITY_BPM - RELAXED_BPM);

/**
 * The beat is the fastest strongly periodic level: anything slower that is periodic is also periodic
 * at the beat (its autocorrelation is no evidence on its own), anything faster is a subdivision.
 * A fast level is grouped by two (or three, when its accents say so) unless it is about as periodic
 * as the grouped level (fastPulseNeed).
 */
export function chooseBeatLevel(
  levels: MetricalLevel[],
  /** decides how a too-fast tatum groups (true: threes); without it, the stronger level wins */
  groupsInThrees?: (tatum: MetricalLevel) => boolean,
  /**
   * second opinion on a fast level that passed the salience test: false when the harmony says a
   * bar would hold far more than 4 of its pulses (then they are subdivisions)
   */
  barSupports?: (fast: MetricalLevel) => boolean,
): MetricalLevel | null {
  if (levels.length === 0) return null;
  const max = levels.reduce((m, l) => Math.max(m, l.salience), 0);
  if (max <= 0) return null;
  const strong = levels.filter((l) => l.salience >= STRONG_LEVEL * max).sort((a, b) => b.bpm - a.bpm);
  const near = (bpm: number): MetricalLevel | undefined =>
    levels.find((l) => Math.abs(l.bpm / bpm - 1) < 0.02);
  let cur = strong[0];
  // at most two groupings (a 16th tatum to the beat); each step slows the level by 2 or 3
  for (let step = 0; step < 2; step++) {
    const need = fastPulseNeed(cur.bpm);
    if (need === 0) return cur;
    const half = near(cur.bpm / 2);
    const third = near(cur.bpm / 3);
    if (!half && !third) return cur;
    const ref = Math.max(half?.salience ?? 0, third?.salience ?? 0);
    if (cur.salience >= need * ref) {
      if (half && barSupports && !barSupports(cur)) return half;
      return cur;
    }
    let next: MetricalLevel;
    if (half && third) {
      const threes = groupsInThrees ? groupsInThrees(cur) : third.salience > TERNARY_MARGIN * half.salience;
      next = threes ? third : half;
    } else next = (half ?? third)!;
    cur = next;
  }
  return cur;
}

/**
 * A bar holds a whole number of beats. A reading on a dotted beat (3 or 5 of the true beat's eighths,
 * as a 3+3+2 groove invites) has the song's bar at 8/3 or 8/5 of its beat, where no whole number of
 * its beats lands. When the onsets repeat at least WHOLE_BAR_MARGIN times as strongly at 2, 3 or 4
 * beats of the pulse 3/2 (5/2) times as fast as at 2, 3 or 4 of the reading's own beats, and that
 * pulse is strong (STRONG_LEVEL of the reading), the beat is that pulse. On the tuning sets no
 * reading right at its tempo scores above 1.00 there (two of its beats are three of the 3/2 pulse,
 * so the ratio is 1 wherever that lag is the strongest); the two funk grooves read on a dotted beat
 * score 2.3 and 2.2, the misreads it leaves alone (three songs read at a third of their tempo, a MIDI
 * arrangement with even eighths read at 2/3) 1.05–1.19, the generated groove of rhythm.test.ts 1.4.
 */
export const WHOLE_BAR_MARGIN = 1.3;
export const DOTTED_FACTORS = [3 / 2, 5 / 2];

/** The factor (3/2, 5/2) by which a reading on a dotted beat must speed up; 1 when its bars are whole. */
export function dottedBeatFactor(tg: Tempogram, path: Float32Array, bpm: number, maxBpm: number): number {
  const s = (f: number): number => salienceAlong(tg, path, f);
  const bar = (f: number): number => Math.max(s(f / 2), s(f / 3), s(f / 4));
  const own = s(1);
  let best = 1;
  let bestBar = WHOLE_BAR_MARGIN * bar(1);
  for (const f of DOTTED_FACTORS) {
    if (bpm * f > maxBpm || s(f) < STRONG_LEVEL * own) continue;
    // the alternative whose bars repeat the most: a reading on five eighths also has a relative at
    // 3/2 of its tempo (10/3 eighths) whose bars repeat more than its own, less than the quarter's
    const b = bar(f);
    if (b > 0 && b >= bestBar) [best, bestBar] = [f, b];
  }
  return best;
}

export const ALTERNATIVE_FACTORS = [0.5, 2, 2 / 3, 3 / 2];

/**
 * Confidence of the chosen beat level and of its metrical alternatives, from the saliences of
 * the levels measured along the final period path (factor 1 = the chosen beat). A level that is
 * as periodic as the beat makes the choice less certain; a weak pulse makes everything uncertain.
 * `beat` is the factor of the beat among the levels when it is not the path's own (a reading
 * corrected later, at twice or three times the path's tempo); the alternatives are relative to it.
 */
export function levelConfidences(
  levels: MetricalLevel[],
  beat = 1,
): {
  confidence: number;
  alternatives: { factor: number; confidence: number }[];
} {
  const sal = (f: number): number =>
    levels.find((l) => Math.abs(l.factor / (f * beat) - 1) < 1e-6)?.salience ?? 0;
  const sc = Math.max(0, sal(1));
  const alternatives = ALTERNATIVE_FACTORS.map((factor) => {
    const sa = Math.max(0, sal(factor));
    return { factor, confidence: sc + sa > 0 ? clamp01(sa * (sa / (sc + sa))) : 0 };
  });
  const rival = alternatives.reduce((m, a) => Math.max(m, sal(a.factor)), 0);
  const confidence = sc > 0 ? clamp01(sc * (sc / (sc + Math.max(0, rival)))) * 2 : 0;
  return { confidence: clamp01(confidence), alternatives };
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Metrical relatives a window's own strongest period may take and still agree with the path. */
const CONSISTENT_FACTORS = [1, 2, 1 / 2, 3, 1 / 3, 4, 1 / 4];

/**
 * How steadily the pulse holds over the song: the energy-weighted share of tempogram windows whose
 * own strongest period (within `bpmRange`) is the path's period or a metrical relative of it
 * (±4 %). A real pulse keeps pointing at the same grid even where it is faint; chance peaks in
 * noise or in notes at random moments point anywhere (white noise reads 0.3–0.6).
 */
export function pulseConsistency(tg: Tempogram, path: Float32Array, bpmRange: [number, number]): number {
  const L1 = tg.maxLag + 1;
  const lo = Math.max(2, Math.ceil((60 * tg.fps) / bpmRange[1]));
  const hi = Math.min(tg.maxLag, Math.floor((60 * tg.fps) / bpmRange[0]));
  let hit = 0;
  let total = 0;
  for (let w = 0; w < tg.nWin && w < path.length; w++) {
    const e = tg.energy[w];
    if (e <= 0 || hi < lo) continue;
    let best = lo;
    for (let q = lo + 1; q <= hi; q++) if (tg.acf[w * L1 + q] > tg.acf[w * L1 + best]) best = q;
    const r = best / path[w];
    const wt = Math.sqrt(e);
    total += wt;
    if (CONSISTENT_FACTORS.some((f) => Math.abs(r / f - 1) < 0.04)) hit += wt;
  }
  return total > 0 ? hit / total : 0;
}
