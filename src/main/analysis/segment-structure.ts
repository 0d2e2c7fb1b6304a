/**
 * Structure from bar features: a bar-by-bar self-similarity matrix, an optimal contiguous
 * segmentation by dynamic programming (blocks of mutually similar bars), and grouping of the
 * segments into letters by how well they line up along the diagonal (= repeated material).
 */
import type { BarFeatures } from './segment-features';

export interface StructureParams {
  /** weight of chroma against timbre in the bar similarity */
  chromaWeight: number;
  /** half-width (bars) of the diagonal smoothing that favours repeated sequences */
  diagHalfWidth: number;
  /** quantile of the off-diagonal similarities used as the "same block" threshold */
  blockQuantile: number;
  /** per-segment penalty, in standard deviations of the song's similarities (discourages fragments) */
  segmentPenalty: number;
  /** extra penalty for a section whose length is not a multiple of 4 bars (half of it for 2), same units */
  phrasePenalty: number;
  minBars: number;
  maxBars: number;
  /** average-linkage threshold (segment similarity) for two segments to share a letter */
  letterThreshold: number;
  /** bars compared on each side of a cut when lining it up with its repeats (one 4-bar phrase) */
  seqBars: number;
  /** bars a cut may move to line up with where its repeats start/end (0 = off) */
  refineReach: number;
  /** gain in mean aligned similarity a moved cut must bring over staying put */
  refineMargin: number;
  /** weight of the structure-feature (lag) similarity in the matrix the DP cuts */
  lagWeight: number;
  /** half-width (bars) of the chord-sequence match behind the recurrence matrix */
  lagSeqHalf: number;
  /** recurrences kept per bar */
  lagNeighbours: number;
  /** time smoothing (± bars) of the lag vectors */
  lagSmooth: number;
  /** "same block" quantile of the lag similarity */
  lagQuantile: number;
  /**
   * timbre continuity (neighbour similarity above the mean, in spreads) at which timbre gets its
   * full weight; below it, its weight shrinks in proportion
   */
  timbreContinuityRef: number;
  /**
   * how much more novelty (in spreads of the song's bar novelty) the bars at 2 mod 4 must carry than
   * those at 0 mod 4 for the phrase grid to be anchored two bars in (a 2-bar intro); Infinity = never
   */
  phaseMargin: number;
  /** half-width (bars) of the checkerboard kernel that measures the novelty at each bar line */
  phaseKernel: number;
  /**
   * how much more the segmentation objective (in segment penalties) a 6-bar phrase grid must reach
   * than the 4-bar one for the song to be read in 6-bar phrases; Infinity = never
   */
  periodMargin: number;
}

/**
 * Tuned on the development corpus (18 songs with sections), coarse grid only. Reading: about 30 %
 * of bar pairs in a pop form are the same material (τ at the 70th percentile); a new segment must
 * pay for itself with 16 standard deviations of similarity (the middle of a flat optimum, 12–20);
 * timbre/loudness separates sections better than per-beat chroma, which mostly confirms it.
 * The lag (structure-feature) matrix of 5-bar chord sequences (a 4-bar phrase plus a bar of slack,
 * 4 recurrences kept per bar, smoothed over ±2 bars) takes 0.45 of the weight (0.2–0.45 about as
 * good on average, 0.55 falls off), and all of it when timbre shows no continuity (one groove
 * throughout, as in the MMA songs); its "same block" level sits at the 82.5th percentile (0.8–0.85
 * flat). Cuts then move ≤ 2 bars to where their repeats start.
 *
 * The phrase phase (phaseMargin 0.5, phaseKernel 2: the middle of a flat region, 0.25–0.75 and 1–2 bars within
 * 0.005) was chosen on the wide set's tuned part: F@3 s 0.734 → 0.758, pairwise 0.816 → 0.825, F@0.5 s
 * 0.657 → 0.684 on 200 songs, the development set unchanged. Letting the grid start 1 or 3 bars in as well
 * did worse (tuned 0.756 with the dev set's F@3 s 0.813 → 0.802): pickups of one bar are rarer than a
 * 2-bar intro and are easily faked by noise or by a beat read at half tempo.
 *
 * 6-bar phrases (periodMargin 2: the middle of a flat region, 1–3 within 0.001) were chosen on the tuned
 * part: F@3 s 0.758 → 0.775, pairwise 0.825 → 0.838, F@0.5 s 0.684 → 0.703 (10 songs better, 1 worse by
 * 0.08); the dev set's F@3 s 0.813 → 0.826, pairwise 0.909 → 0.917. Choosing the 4-bar phase the same
 * way, by the objective instead of the novelty comb, did worse at every margin (0.746–0.760).
 *
 * Chosen with bench/segment-tune.ts. segmentPenalty 16 → 8 with phrasePenalty 32 was chosen on the wide
 * set's tuned part (F@3 s 0.683 → 0.742, pairwise 0.735 → 0.802, F@0.5 s 0.48 → 0.68 on 84 songs) and
 * checked on the dev set (F@3 s 0.818 → 0.813, pairwise 0.875 → 0.909); lagWeight 0.3 did better on the
 * tuned part and worse on the dev set, and was left at 0.45.
 */
export const DEFAULT_PARAMS: StructureParams = {
  chromaWeight: 0.15,
  diagHalfWidth: 0,
  blockQuantile: 0.7,
  segmentPenalty: 8,
  phrasePenalty: 32,
  minBars: 2,
  maxBars: 32,
  letterThreshold: 0.25,
  seqBars: 4,
  refineReach: 2,
  refineMargin: 0.3,
  lagWeight: 0.45,
  lagSeqHalf: 2,
  lagNeighbours: 4,
  lagSmooth: 2,
  lagQuantile: 0.825,
  timbreContinuityRef: 0.25,
  phaseMargin: 0.5,
  phaseKernel: 2,
  periodMargin: 2,
};

/** Square matrix, row-major. */
export interface Matrix {
  n: number;
  v: Float64Array;
}

const at = (m: Matrix, i: number, j: number): number => m.v[i * m.n + j];

/** Per-slot chroma cosine between bars, centred on the song's mean chroma, in [-1, 1]. */
export function chromaSimilarity(f: BarFeatures): Matrix {
  const { n } = f;
  const dc = f.slots * 12;
  const mean = new Float64Array(dc);
  for (let i = 0; i < n; i++) for (let d = 0; d < dc; d++) mean[d] += f.chroma[i * dc + d] / n;
  const cen = new Float64Array(n * dc);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dc; d++) {
      const x = f.chroma[i * dc + d] - mean[d];
      cen[i * dc + d] = x;
      s += x * x;
    }
    norm[i] = Math.sqrt(s) || 1;
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const c = dot(cen, i * dc, j * dc, dc);
      out[i * n + j] = out[j * n + i] = i === j ? 1 : c / (norm[i] * norm[j]);
    }
  return { n, v: out };
}

/** Dot product of x[a … a + len) and x[b … b + len) (a function of its own, optimised once for every pair). */
function dot(x: Float64Array, a: number, b: number, len: number): number {
  let c = 0;
  for (let d = 0; d < len; d++) c += x[a + d] * x[b + d];
  return c;
}

/** Bar similarity in about [-1, 1]: mean-centred chroma cosine blended with timbre/loudness closeness. */
export function barSimilarity(
  f: BarFeatures,
  chromaWeight: number,
  chroma: Matrix = chromaSimilarity(f),
): Matrix {
  const { n } = f;
  // timbre + loudness, each dimension standardised over the song
  const dt = f.timbre.length / Math.max(1, n);
  const dims = dt + 1;
  const z = new Float64Array(n * dims);
  for (let d = 0; d < dims; d++) {
    const get = (i: number): number => (d < dt ? f.timbre[i * dt + d] : f.energyDb[i]);
    let m = 0;
    for (let i = 0; i < n; i++) m += get(i) / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (get(i) - m) ** 2 / n;
    const sd = Math.sqrt(v) || 1;
    // loudness counts as much as all cepstra together: arrangements change with sections
    const w = d < dt ? 1 : Math.sqrt(dt) / 2;
    for (let i = 0; i < n; i++) z[i * dims + d] = (w * (get(i) - m)) / sd;
  }
  const dist = new Float64Array(n * n);
  const all = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += (z[i * dims + d] - z[j * dims + d]) ** 2;
      dist[i * n + j] = dist[j * n + i] = Math.sqrt(s);
      all[k++] = Math.sqrt(s);
    }
  all.sort();
  const med = all.length ? all[all.length >> 1] || 1 : 1;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const c = chroma.v[i * n + j];
      const t = Math.max(-1, 1 - dist[i * n + j] / med);
      out[i * n + j] = i === j ? 1 : chromaWeight * c + (1 - chromaWeight) * t;
    }
  return { n, v: out };
}

/** Mean along diagonals over ±h bars: repeated sequences stand out, chance matches fade. */
export function diagonalSmooth(s: Matrix, h: number): Matrix {
  const { n } = s;
  if (h <= 0) return s;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let c = 0;
      for (let k = -h; k <= h; k++) {
        const a = i + k;
        const b = j + k;
        if (a < 0 || b < 0 || a >= n || b >= n) continue;
        sum += at(s, a, b);
        c++;
      }
      out[i * n + j] = sum / c;
    }
  return { n, v: out };
}

export function offDiagonalQuantile(s: Matrix, q: number): number {
  const vals = new Float64Array((s.n * (s.n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < s.n; i++) for (let j = i + 1; j < s.n; j++) vals[k++] = at(s, i, j);
  if (vals.length === 0) return 0;
  vals.sort();
  return vals[Math.min(vals.length - 1, Math.floor(q * vals.length))];
}

/**
 * Checkerboard novelty (Foote 2000) at each bar line b = 1..n−1: the mean similarity within the `k`
 * bars before and within the `k` bars after, minus the mean across them. High where a section starts.
 */
export function barNovelty(s: Matrix, k: number): Float64Array {
  const { n } = s;
  const out = new Float64Array(n + 1);
  for (let b = 1; b < n; b++) {
    let within = 0;
    let nWithin = 0;
    let across = 0;
    let nAcross = 0;
    const lo = Math.max(0, b - k);
    const hi = Math.min(n, b + k);
    for (let i = lo; i < hi; i++)
      for (let j = lo; j < hi; j++) {
        if (i === j) continue;
        if (i < b === j < b) {
          within += at(s, i, j);
          nWithin++;
        } else {
          across += at(s, i, j);
          nAcross++;
        }
      }
    out[b] = (nWithin ? within / nWithin : 0) - (nAcross ? across / nAcross : 0);
  }
  return out;
}

/**
 * Where the song's 4-bar phrase grid starts: 0, or 2 when the bar lines at 2 mod 4 carry clearly
 * more novelty than those at 0 mod 4 (`margin`, in spreads of the song's novelty) — a 2-bar intro
 * puts every later section line there, and a prior anchored at bar 0 would then pull each cut two
 * bars off, all of them the same way.
 */
export function phrasePhase(nov: Float64Array, n: number, margin: number): 0 | 2 {
  if (!Number.isFinite(margin) || n < 12) return 0;
  let m = 0;
  let m2 = 0;
  for (let b = 1; b < n; b++) {
    m += nov[b];
    m2 += nov[b] ** 2;
  }
  m /= n - 1;
  const sd = Math.sqrt(Math.max(1e-12, m2 / (n - 1) - m * m));
  const mean = (first: number): number => {
    let sum = 0;
    let cnt = 0;
    for (let b = first; b < n; b += 4) {
      sum += nov[b];
      cnt++;
    }
    return cnt ? sum / cnt : 0;
  };
  return (mean(2) - mean(4)) / sd >= margin ? 2 : 0;
}

/**
 * Contiguous segmentation maximising Σ_segments Σ_{i≠j in segment} (S_ij − τ)/σ − penalty, σ the
 * spread of the song's bar similarities: bars more alike than τ want to share a segment. Returns
 * segment start indices plus n. `phase` anchors the phrase prior: with 2, the first section may be a
 * 2-bar intro for free and later sections are counted from there.
 */
export function segmentBars(s: Matrix, tau: number, p: StructureParams, phase: 0 | 2 = 0): number[] {
  return segmentScored(s, tau, p, { period: 4, phase }).cuts;
}

/** Sections run in multiples of `period` bars, counted from bar `phase` (the bars before it are an intro). */
export interface PhraseGrid {
  period: 4 | 6;
  phase: 0 | 2;
}

/** segmentBars on any phrase grid, with the objective its cuts reach (in the penalties' units). */
export function segmentScored(
  s: Matrix,
  tau: number,
  p: StructureParams,
  grid: PhraseGrid,
): { cuts: number[]; score: number } {
  const { n } = s;
  const { period, phase } = grid;
  // in units of the song's own spread of similarities, so one penalty fits songs of any contrast
  let sum = 0;
  let sum2 = 0;
  let cnt = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      sum += at(s, i, j);
      sum2 += at(s, i, j) ** 2;
      cnt++;
    }
  const scale = cnt > 1 ? Math.sqrt(Math.max(1e-12, sum2 / cnt - (sum / cnt) ** 2)) : 1;
  // 2-D prefix sums of (S − τ) with a zero diagonal
  const P = new Float64Array((n + 1) * (n + 1));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = i === j ? 0 : (at(s, i, j) - tau) / scale;
      P[(i + 1) * (n + 1) + j + 1] =
        x + P[i * (n + 1) + j + 1] + P[(i + 1) * (n + 1) + j] - P[i * (n + 1) + j];
    }
  const block = (a: number, b: number): number =>
    P[b * (n + 1) + b] - P[a * (n + 1) + b] - P[b * (n + 1) + a] + P[a * (n + 1) + a];
  const minBars = Math.min(p.minBars, n);
  const best = new Float64Array(n + 1).fill(-Infinity);
  const from = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  for (let b = 1; b <= n; b++) {
    for (let len = minBars; len <= Math.min(p.maxBars, b); len++) {
      const a = b - len;
      if (best[a] === -Infinity) continue;
      // sections run in phrases of 4 (or 6, or 2) bars: other lengths pay extra, except the last section
      // (the song may stop anywhere)
      // (with a phrase phase, the first section runs to the first phrase line: an intro of any length)
      const l = a === 0 && phase > 0 ? b - phase : len;
      const offPhrase = b === n || l === 0 || l % period === 0 ? 0 : l % 2 === 0 ? 0.5 : 1;
      const v = best[a] + block(a, b) - p.segmentPenalty - offPhrase * p.phrasePenalty;
      if (v > best[b]) {
        best[b] = v;
        from[b] = a;
      }
    }
  }
  if (from[n] < 0) return { cuts: [0, n], score: -Infinity };
  const cuts: number[] = [n];
  for (let b = n; b > 0; b = from[b]) cuts.push(from[b]);
  return { cuts: cuts.reverse(), score: best[n] };
}

/**
 * The segmentation on the song's phrase grid: 4-bar phrases from `phase`, unless 6-bar phrases (from
 * bar 0 or after a 2-bar intro) reach a clearly better objective — by `periodMargin` segment
 * penalties, so that a song must show several 6-bar sections the 4-bar grid can only fit at a cost.
 * Songs under 18 bars (three 6-bar phrases) keep the 4-bar grid.
 */
export function segmentOnPhrases(
  s: Matrix,
  tau: number,
  p: StructureParams,
  phase: 0 | 2,
): { cuts: number[]; grid: PhraseGrid } {
  const four: PhraseGrid = { period: 4, phase };
  const base = segmentScored(s, tau, p, four);
  if (!Number.isFinite(p.periodMargin) || s.n < 18) return { cuts: base.cuts, grid: four };
  let six: { cuts: number[]; score: number; grid: PhraseGrid } | null = null;
  for (const ph of [0, 2] as const) {
    const grid: PhraseGrid = { period: 6, phase: ph };
    const r = segmentScored(s, tau, p, grid);
    if (!six || r.score > six.score) six = { ...r, grid };
  }
  return six && six.score - base.score >= p.periodMargin * p.segmentPenalty
    ? { cuts: six.cuts, grid: six.grid }
    : { cuts: base.cuts, grid: four };
}

/** How well two bar ranges line up as the same material: best diagonal mean over alignments. */
export function segmentSimilarity(s: Matrix, a0: number, a1: number, b0: number, b1: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  const [s0, sl, l0, ll, shortIsA] = la <= lb ? [a0, la, b0, lb, true] : [b0, lb, a0, la, false];
  let best = -Infinity;
  for (let o = 0; o + sl <= ll; o++) {
    let sum = 0;
    for (let k = 0; k < sl; k++) sum += shortIsA ? at(s, s0 + k, l0 + o + k) : at(s, l0 + o + k, s0 + k);
    best = Math.max(best, sum / sl);
  }
  return best;
}

/** Average-linkage grouping of segments; returns a group index per segment in first-seen order. */
export function groupSegments(
  s: Matrix,
  cuts: readonly number[],
  threshold: number,
): { groups: number[]; sim: number[][] } {
  const k = cuts.length - 1;
  const sim: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(1));
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++)
      sim[i][j] = sim[j][i] = segmentSimilarity(s, cuts[i], cuts[i + 1], cuts[j], cuts[j + 1]);
  let clusters: number[][] = Array.from({ length: k }, (_, i) => [i]);
  for (;;) {
    let bi = -1;
    let bj = -1;
    let bv = -Infinity;
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        let sum = 0;
        for (const x of clusters[i]) for (const y of clusters[j]) sum += sim[x][y];
        const v = sum / (clusters[i].length * clusters[j].length);
        if (v > bv) {
          bv = v;
          bi = i;
          bj = j;
        }
      }
    if (bi < 0 || bv < threshold) break;
    clusters[bi] = [...clusters[bi], ...clusters[bj]];
    clusters = clusters.filter((_, i) => i !== bj);
  }
  const groupOf = new Array<number>(k).fill(-1);
  clusters.forEach((c, g) => c.forEach((x) => (groupOf[x] = g)));
  // renumber by first appearance
  const order = new Map<number, number>();
  const groups = groupOf.map((g) => {
    if (!order.has(g)) order.set(g, order.size);
    return order.get(g) as number;
  });
  return { groups, sim };
}

/** Mean of S along the diagonal from (i, j) over offsets [from, to), skipping cells outside. */
function diagMean(s: Matrix, i: number, j: number, from: number, to: number): number {
  let sum = 0;
  let cnt = 0;
  for (let d = from; d < to; d++) {
    const a = i + d;
    const b = j + d;
    if (a < 0 || b < 0 || a >= s.n || b >= s.n) continue;
    sum += at(s, a, b);
    cnt++;
  }
  return cnt ? sum / cnt : 0;
}

/**
 * Moves each cut by up to `reach` bars to where the repeated material really starts or ends. A
 * section's start should line up with its repeats' starts (the K bars after match, the K bars before
 * do not); the previous section's end likewise with its repeats' ends. Timbre alone puts a cut where
 * the arrangement changes, which in pop is often a bar or two before the new chord sequence starts.
 */
export function refineCuts(
  s: Matrix,
  cuts: readonly number[],
  groups: readonly number[],
  k: number,
  reach: number,
  minBars: number,
  margin: number,
): number[] {
  const out = [...cuts];
  const segs = groups.length;
  for (let c = 1; c < segs; c++) {
    // a cut inside a run of one letter (a doubled chorus) has no neighbour to trade bars with
    if (groups[c] === groups[c - 1]) continue;
    const starts: number[] = [];
    const ends: number[] = [];
    for (let j = 0; j < segs; j++) {
      if (j !== c && groups[j] === groups[c]) starts.push(out[j]);
      if (j !== c - 1 && groups[j] === groups[c - 1]) ends.push(out[j + 1]);
    }
    if (starts.length + ends.length === 0) continue;
    const score = (x: number): number => {
      let v = 0;
      for (const p of starts) v += diagMean(s, x, p, 0, k) - diagMean(s, x, p, -k, 0);
      for (const p of ends) v += diagMean(s, x, p, -k, 0) - diagMean(s, x, p, 0, k);
      return v / (starts.length + ends.length);
    };
    const base = score(out[c]);
    let bestX = out[c];
    let bestV = base + margin;
    for (let d = -reach; d <= reach; d++) {
      const x = out[c] + d;
      if (d === 0 || x - out[c - 1] < minBars || out[c + 1] - x < minBars) continue;
      const v = score(x);
      if (v > bestV) {
        bestV = v;
        bestX = x;
      }
    }
    out[c] = bestX;
  }
  return out;
}

/**
 * Structure-feature similarity (after Serra et al. 2014): each bar is described by where its
 * material recurs (its row of a sparse recurrence matrix, read as lags), smoothed over a few bars;
 * bars of one section occurrence recur at the same lags, so sections whose bars differ from each
 * other (a chord sequence) still form a block. Values in [-1, 1].
 */
export function lagSimilarity(q: Matrix, neighbours: number, smooth: number, maxLag: number): Matrix {
  const { n } = q;
  // mutual k-nearest neighbours of each bar (excluding itself and its immediate neighbours)
  const kth = new Float64Array(n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) if (Math.abs(i - j) > 1) row[m++] = at(q, i, j);
    const sorted = row.subarray(0, m).sort();
    kth[i] = m ? sorted[Math.max(0, m - neighbours)] : Infinity;
  }
  const L = Math.min(maxLag, n - 1);
  const dim = 2 * L + 1;
  const lag = new Float64Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let l = -L; l <= L; l++) {
      const j = i + l;
      if (j < 0 || j >= n || Math.abs(l) <= 1) continue;
      const v = at(q, i, j);
      if (v >= kth[i] && v >= kth[j]) lag[i * dim + l + L] = 1;
    }
  // smooth each lag along time (box of ±smooth bars) so a missed recurrence does not break a block
  const sm = new Float64Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let d = -smooth; d <= smooth; d++) {
      const a = i + d;
      if (a < 0 || a >= n) continue;
      for (let x = 0; x < dim; x++) sm[i * dim + x] += lag[a * dim + x];
    }
  // each bar keeps a handful of recurrences, so dot products run over the non-zero lags only
  const norm = new Float64Array(n);
  const nz: number[][] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    const idx: number[] = [];
    for (let x = 0; x < dim; x++) {
      const v = sm[i * dim + x];
      if (v === 0) continue;
      s += v * v;
      idx.push(x);
    }
    norm[i] = Math.sqrt(s);
    nz.push(idx);
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      if (i === j) {
        out[i * n + j] = 1;
        continue;
      }
      let c = 0;
      for (const x of nz[j]) c += sm[i * dim + x] * sm[j * dim + x];
      const cos = norm[i] > 0 && norm[j] > 0 ? c / (norm[i] * norm[j]) : 0;
      out[i * n + j] = out[j * n + i] = 2 * cos - 1;
    }
  return { n, v: out };
}

/** (1 − w)·a + w·b, element-wise. */
export function blend(a: Matrix, b: Matrix, w: number): Matrix {
  if (w <= 0) return a;
  const v = new Float64Array(a.v.length);
  for (let i = 0; i < v.length; i++) v[i] = (1 - w) * a.v[i] + w * b.v[i];
  return { n: a.n, v };
}

/** (m − its off-diagonal q-quantile) / its off-diagonal spread: "same block" above 0, in spreads. */
export function standardise(m: Matrix, q: number): Matrix {
  const tau = offDiagonalQuantile(m, q);
  let s1 = 0;
  let s2 = 0;
  let c = 0;
  for (let i = 0; i < m.n; i++)
    for (let j = i + 1; j < m.n; j++) {
      s1 += at(m, i, j);
      s2 += at(m, i, j) ** 2;
      c++;
    }
  const sd = c > 1 ? Math.sqrt(Math.max(1e-12, s2 / c - (s1 / c) ** 2)) : 1;
  const v = new Float64Array(m.v.length);
  for (let i = 0; i < v.length; i++) v[i] = (m.v[i] - tau) / sd;
  return { n: m.n, v };
}

/**
 * How much more alike neighbouring bars are than bars in general, in the matrix's own spread: a view
 * that sees sections sees long runs of alike bars; one that sees only noise scores about 0.
 */
export function continuity(m: Matrix): number {
  const { n } = m;
  if (n < 3) return 0;
  let all = 0;
  let c = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      all += at(m, i, j);
      s2 += at(m, i, j) ** 2;
      c++;
    }
  const mean = all / c;
  const sd = Math.sqrt(Math.max(1e-12, s2 / c - mean * mean));
  let nb = 0;
  for (let i = 0; i + 1 < n; i++) nb += at(m, i, i + 1);
  return (nb / (n - 1) - mean) / sd;
}
