import { afterEach, describe, expect, it, vi } from 'vitest';
import { PersistGate, ProgressEmitter, StageProgress } from './progress';
import type { ProgressUpdate } from './progress';

describe('StageProgress', () => {
  it('is monotonic across stages and never reaches 1 before completion', () => {
    const p = new StageProgress();
    const seen: number[] = [];
    for (const stage of ['probe', 'decode', 'rhythm', 'harmony', 'sections']) {
      for (let f = 0; f <= 1; f += 0.25) seen.push(p.update(stage, f));
    }
    seen.push(p.update('decode', 0)); // a stage reported again must not move progress back
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
    expect(p.current).toBeGreaterThan(0.5);
    expect(p.current).toBeLessThan(1);
  });

  it('ignores NaN and out-of-range fractions', () => {
    const p = new StageProgress();
    expect(p.update('decode', Number.NaN)).toBe(0);
    expect(p.update('decode', 7)).toBeLessThanOrEqual(0.99);
    expect(p.update('decode', -3)).toBe(p.current);
  });
});

describe('ProgressEmitter', () => {
  afterEach(() => vi.useRealTimers());

  it('emits at most one update per interval overall, coalescing per job, round-robin', () => {
    vi.useFakeTimers();
    const out: ProgressUpdate[] = [];
    const em = new ProgressEmitter(
      (u) => out.push(u),
      100,
      () => Date.now(),
    );
    // 3 jobs × 1000 updates within one simulated second
    for (let t = 0; t < 1000; t++) {
      for (const id of ['a', 'b', 'c']) em.push({ id, progress: t / 1000, stage: 'decode' });
      vi.advanceTimersByTime(1);
    }
    expect(out.length).toBeGreaterThanOrEqual(9);
    expect(out.length).toBeLessThanOrEqual(11);
    // every job got its turn
    expect(new Set(out.map((u) => u.id))).toEqual(new Set(['a', 'b', 'c']));
    // coalesced: the emitted value is the newest one at emission time, not a stale first one
    const last = out[out.length - 1] as ProgressUpdate;
    expect(last.progress).toBeGreaterThan(0.8);
    em.close();
  });

  it('drop() discards a pending update', () => {
    vi.useFakeTimers();
    const out: ProgressUpdate[] = [];
    const em = new ProgressEmitter(
      (u) => out.push(u),
      100,
      () => Date.now(),
    );
    em.push({ id: 'a', progress: 0.1, stage: 'x' });
    em.push({ id: 'b', progress: 0.1, stage: 'x' });
    em.drop('b');
    vi.advanceTimersByTime(1000);
    expect(out.map((u) => u.id)).toEqual(['a']);
  });
});

describe('PersistGate', () => {
  it('lets one write per job per interval through', () => {
    let now = 0;
    const g = new PersistGate(1000, () => now);
    let writes = 0;
    for (now = 0; now < 5000; now += 10) if (g.shouldWrite('a')) writes++;
    expect(writes).toBe(5);
    expect(g.shouldWrite('b')).toBe(true);
  });
});
