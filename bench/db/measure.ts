/** Timing helpers for the DB benchmark: medians of several runs, printed as markdown tables. */

export interface Timing {
  /** median µs per op over the runs */
  us: number;
  runs: number[];
}

/**
 * Runs `ops` calls of fn per run, `runs` times (after one untimed warm-up call), and returns the
 * median µs/op. fn gets a global op counter so every call can use fresh data.
 */
export function timeOps(fn: (i: number) => void, ops: number, runs: number): Timing {
  let counter = 0;
  fn(counter++);
  const perRun: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) fn(counter++);
    const ns = Number(process.hrtime.bigint() - t0);
    perRun.push(ns / 1000 / ops);
  }
  return { us: median(perRun), runs: perRun };
}

export async function timeAsync(fn: (run: number) => Promise<number>, runs: number): Promise<number> {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) out.push(await fn(r));
  return median(out);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmtUs(us: number): string {
  if (us >= 100_000) return `${(us / 1000).toFixed(0)} ms`;
  if (us >= 10_000) return `${(us / 1000).toFixed(1)} ms`;
  if (us >= 100) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  return us.toFixed(2);
}

export function table(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

/**
 * Like timeOps for several variants of one operation, their runs interleaved (A B C A B C …) so
 * load swings on a shared machine hit every variant alike; returns one median per variant.
 */
export function timeInterleaved(fns: ((i: number) => void)[], ops: number, runs: number): Timing[] {
  let counter = 0;
  for (const fn of fns) fn(counter++);
  const perRun: number[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) fn(counter++);
      perRun[k].push(Number(process.hrtime.bigint() - t0) / 1000 / ops);
    });
  }
  return perRun.map((xs) => ({ us: median(xs), runs: xs }));
}
