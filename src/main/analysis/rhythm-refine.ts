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

export function refineBeats(samples: Float32Array, sr: number, beats: number[], opts: RefineOptions = {}): number[] {
  const before = Math.round((opts.before ?? 0.03) * sr);
  const after = Math.round((opts.after ?? 0.045) * sr);
  const side = Math.max(8, Math.round((opts.side ?? 0.01) * sr));
  const minRise = opts.minRise ?? Math.log(4);
  const n = samples.length;
  // cumulative energy of the first difference: emphasises attacks over sustained low notes
  const cum = new Float64Array(n + 1);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const d = samples[i] - prev;
    prev = samples[i];
    cum[i + 1] = cum[i] + d * d;
  }
  const energy = (a: number, b: number): number => cum[Math.min(n, Math.max(0, b))] - cum[Math.min(n, Math.max(0, a))];
  const floor = (cum[n] / Math.max(1, n)) * side * 1e-4 + 1e-12;
  return beats.map((t) => {
    const c = Math.round(t * sr);
    let best = -Infinity;
    let bestI = c;
    // a step of 1/4 ms is finer than any beat tolerance and keeps the search cheap
    const step = Math.max(1, Math.round(sr / 4000));
    for (let i = c - before; i <= c + after; i += step) {
      if (i - side < 0 || i + side > n) continue;
      const rise = Math.log((energy(i, i + side) + floor) / (energy(i - side, i) + floor));
      if (rise > best) {
        best = rise;
        bestI = i;
      }
    }
    return best >= minRise ? bestI / sr : t;
  });
}
