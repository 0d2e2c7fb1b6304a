/**
 * UI benchmark (not a timed test; opt-in with PERFORMIA_UI_BENCH=1): seeds 100,000 jobs into a fresh
 * database, starts the built headless server on it and measures in Chromium, through the Performance API,
 *   - history first paint: navigation start → first rows on screen;
 *   - search latency: keystroke → rows updated (includes the 150 ms typing debounce), and the list
 *     query round trip + store update alone;
 *   - scroll frame times while scrolling the table continuously (p50 / p95 / max).
 * Targets from issue 4: first paint ≤ 300 ms, search ≤ 50 ms, p95 frame ≤ 16 ms.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { startHeadless } from './fixtures';
import { seedFile } from '../bench/db/seed';

const N = Number(process.env.PERFORMIA_UI_BENCH_JOBS ?? 100_000);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}
/** thread CPU time (tdur) of the renderer main thread's tasks and of the display compositor's draws, per animation frame of the run */
function cpuPerFrame(trace: { traceEvents: TraceEvent[] }, frames: number): { main: number; viz: number } {
  const names = new Map<string, string>();
  for (const e of trace.traceEvents)
    if (e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name);
  let main = 0;
  let viz = 0;
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X') continue;
    const thread = names.get(`${e.pid}:${e.tid}`);
    const ms = (e.tdur ?? e.dur ?? 0) / 1000;
    if (thread === 'CrRendererMain' && e.name === 'RunTask') main += ms;
    else if (thread === 'VizCompositorThread' && e.name === 'Display::DrawAndSwap') viz += ms;
  }
  return { main: main / Math.max(1, frames), viz: viz / Math.max(1, frames) };
}

test.describe('history benchmark', () => {
  // Skipped on purpose in `npm test`: this is a benchmark (100,000 seeded jobs, several minutes, figures
  // to read, no pass/fail on timings), not a test. Its figures are in e2e/README.md.
  test.skip(
    process.env.PERFORMIA_UI_BENCH !== '1',
    'benchmark: run with PERFORMIA_UI_BENCH=1 npx playwright test e2e/history.bench.spec.ts',
  );
  test.setTimeout(600_000);

  test(`history with ${N.toLocaleString('en')} jobs`, async ({ page }, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'performia-uibench-'));
    // every job finished: the runner stays idle, so the figures are the history's alone
    await seedFile(join(dataDir, 'performia.sqlite'), N, { allFinished: true });
    const server = await startHeadless(dataDir);
    try {
      const paints: number[] = [];
      for (let run = 0; run < 5; run++) {
        await page.goto(server.url);
        await expect(page.getByTestId('history-row').first()).toBeVisible({ timeout: 60_000 });
        paints.push(
          await page.evaluate(() => performance.getEntriesByName('history:first-rows')[0]?.startTime ?? NaN),
        );
      }
      await expect(page.getByTestId('history-total')).toContainText(N.toLocaleString('en'));

      // search: type a term, wait for the total to change, time it in the page
      const searches: number[] = [];
      const queries: number[] = [];
      for (const term of ['Night', 'Track 42', 'Artist 17', 'zzz-no-match', 'Blue']) {
        const r = await page.evaluate(async (t) => {
          const g = globalThis as unknown as {
            document: {
              querySelector(
                s: string,
              ): { value: string; dispatchEvent(e: unknown): boolean; textContent: string } | null;
            };
            Event: new (t: string, o: { bubbles: boolean }) => unknown;
            HTMLInputElement: { prototype: object };
            requestAnimationFrame(cb: () => void): number;
          };
          const input = g.document.querySelector('input[type="search"]')!;
          const total = () => g.document.querySelector('[data-testid="history-total"]')!.textContent;
          const before = total();
          performance.clearMeasures('history:reload');
          const setter = Object.getOwnPropertyDescriptor(g.HTMLInputElement.prototype, 'value')!.set!;
          const t0 = performance.now();
          setter.call(input, t);
          input.dispatchEvent(new g.Event('input', { bubbles: true }));
          const ok = await new Promise<boolean>((res) => {
            const tick = () => {
              if (performance.getEntriesByName('history:reload').length && total() !== before) res(true);
              else if (performance.now() - t0 > 15_000) res(false);
              else g.requestAnimationFrame(tick);
            };
            tick();
          });
          if (!ok)
            throw new Error(
              `search "${t}" did not update the table within 15 s: ${g.document.querySelector('[role="alert"]')?.textContent ?? 'no error shown'}`,
            );
          const q = performance.getEntriesByName('history:reload')[0];
          return { total: performance.now() - t0, query: q ? q.duration : NaN };
        }, term);
        searches.push(r.total);
        queries.push(r.query);
      }
      await page.getByRole('searchbox').fill('');
      await expect(page.getByTestId('history-total')).toContainText(N.toLocaleString('en'));

      // the machine's own frame pacing with nothing to do, to read the scroll figures against
      const idle = await page.evaluate(async () => {
        const g = globalThis as unknown as { requestAnimationFrame(cb: (t: number) => void): number };
        const out: number[] = [];
        let last = -1;
        await new Promise<void>((res) => {
          let n = 0;
          const step = (t: number) => {
            if (last >= 0) out.push(t - last);
            last = t;
            if (++n < 120) g.requestAnimationFrame(step);
            else res();
          };
          g.requestAnimationFrame(step);
        });
        return out;
      });

      // scrolling: move the table 600 px per frame for 240 frames, record frame-to-frame times
      const scrollRun = () =>
        page.evaluate(async () => {
          const g = globalThis as unknown as {
            document: { querySelector(s: string): { scrollTop: number } | null };
            requestAnimationFrame(cb: (t: number) => void): number;
          };
          const el = g.document.querySelector('[data-testid="history-body"]')!;
          const out: number[] = [];
          let last = -1;
          await new Promise<void>((res) => {
            let n = 0;
            const step = (t: number) => {
              if (last >= 0) out.push(t - last);
              last = t;
              el.scrollTop += 600;
              if (++n < 240) g.requestAnimationFrame(step);
              else res();
            };
            g.requestAnimationFrame(step);
          });
          return out;
        });
      const frames = await scrollRun();

      // the same scroll again under a Chromium trace (not timed: tracing slows frames), for the CPU
      // time each frame costs per thread: unlike frame intervals it barely moves with the machine's load
      await page.evaluate(() => {
        (
          globalThis as unknown as { document: { querySelector(s: string): { scrollTop: number } } }
        ).document.querySelector('[data-testid="history-body"]').scrollTop = 0;
      });
      const tracePath = testInfo.outputPath('scroll-trace.json');
      await page
        .context()
        .browser()!
        .startTracing(page, {
          path: tracePath,
          categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'viz'],
        });
      const traced = await scrollRun();
      await page.context().browser()!.stopTracing();
      const cpu = cpuPerFrame(JSON.parse(readFileSync(tracePath, 'utf8')), traced.length + 1);
      rmSync(tracePath, { force: true });

      const rows = [
        ['history first paint (median of 5 loads)', pct(paints, 50), 300],
        ['search: keystroke → rows (median, incl. 150 ms debounce)', pct(searches, 50), null],
        ['search: list query + store update (median)', pct(queries, 50), 50],
        ['scroll frame p50', pct(frames, 50), null],
        ['scroll frame p95', pct(frames, 95), 16],
        ['scroll frame max', Math.max(...frames), null],
        ['idle frame p95 (this machine, nothing to draw)', pct(idle, 95), null],
        ['scroll: renderer main-thread CPU per frame (traced run)', cpu.main, null],
        ['scroll: compositor (viz) CPU per frame (traced run)', cpu.viz, null],
      ] as const;
      const load = (await import('node:os')).loadavg()[0].toFixed(1);
      const table = [
        `| ${N.toLocaleString('en')} jobs (load average ${load}) | ms | target |`,
        '|---|---:|---:|',
        ...rows.map(([k, v, t]) => `| ${k} | ${v.toFixed(1)} | ${t == null ? '—' : `≤ ${t}`} |`),
      ].join('\n');
      console.log(`\n${table}\n`);
      await testInfo.attach('history-bench.md', { body: table, contentType: 'text/markdown' });
      await page.screenshot({ path: testInfo.outputPath('history-100k.png') });
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
