/**
 * Runner behaviour through the core, over the real store, with the scripted test worker
 * (testing/fake-worker.ts) so every failure path is fast and deterministic.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openJobStore } from '../db/store';
import { channels } from '../../shared';
import type { Job } from '../../shared';
import { makeHarness, isTerminal } from './testing/harness';
import type { Harness } from './testing/harness';
import { writeWav } from './testing/wav';

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

const submit = async (hh: Harness, paths: string[]) =>
  (await hh.call('jobs.submit', { paths })) as { jobs: Job[]; rejected: unknown[] };

const file = (hh: Harness, name: string, seconds = 0.2, freq = 440) =>
  writeWav(join(hh.filesDir, name), { seconds, freq });

describe('runner', () => {
  it('submit → processing → completed, song map stored, events for each status', async () => {
    h = await makeHarness();
    const { jobs } = await submit(h, [file(h, 'a.wav')]);
    expect(jobs).toHaveLength(1);
    const id = (jobs[0] as Job).id;
    const checkpoint = vi.spyOn(h.core.store, 'checkpoint');
    const done = await h.waitForJob(id, isTerminal);
    expect(done.status).toBe('completed');
    // idle again → the WAL is checkpointed
    await h.core.runner.whenIdle();
    expect(checkpoint).toHaveBeenCalled();
    expect(done.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const map = (await h.call('jobs.songMap', { id })) as { id: string };
    expect(map.id).toBe(id);
    const statuses = h
      .eventsOf('job.updated')
      .filter((j) => j.id === id)
      .map((j) => j.status);
    expect(statuses).toEqual(['queued', 'processing', 'completed']);
  });

  it('cancel mid-analysis terminates the worker and leaves the job cancelled', async () => {
    h = await makeHarness();
    const { jobs } = await submit(h, [file(h, 'slow.wav')]);
    const id = (jobs[0] as Job).id;
    await h.waitForJob(id, (j) => j.status === 'processing');
    expect(h.core.pool.size).toBe(1);
    const r = (await h.call('jobs.cancel', { ids: [id] })) as { cancelled: string[] };
    expect(r.cancelled).toEqual([id]);
    expect(h.core.store.requireJob(id).status).toBe('cancelled');
    await vi.waitFor(() => expect(h?.core.pool.size).toBe(0));
    await h.core.runner.whenIdle();
    expect(h.core.store.requireJob(id).status).toBe('cancelled');
    // cancelling again (or a finished job) is a no-op, not an error
    expect(((await h.call('jobs.cancel', { ids: [id] })) as { cancelled: string[] }).cancelled).toEqual([]);
  });

  it('cancel of a queued job never starts it', async () => {
    h = await makeHarness({ concurrency: 1 });
    const { jobs } = await submit(h, [file(h, 'slow-1.wav'), file(h, 'slow-2.wav', 0.2, 500)]);
    const [first, second] = jobs as [Job, Job];
    await h.waitForJob(first.id, (j) => j.status === 'processing');
    await h.call('jobs.cancel', { ids: [second.id, first.id] });
    await h.core.runner.whenIdle();
    expect(h.core.store.requireJob(second.id).startedAt).toBeNull();
    expect(
      h
        .eventsOf('job.updated')
        .filter((j) => j.id === second.id)
        .map((j) => j.status),
    ).toEqual(['queued', 'cancelled']);
  });

  it('retry (cancelled → queued → runs) and re-run (completed → queued → completed, edits kept)', async () => {
    h = await makeHarness();
    const slow = file(h, 'slow.wav');
    const { jobs } = await submit(h, [slow, file(h, 'fine.wav', 0.3, 300)]);
    const [a, b] = jobs as [Job, Job];
    await h.waitForJob(a.id, (j) => j.status === 'processing');
    await h.call('jobs.cancel', { ids: [a.id] });
    const done = await h.waitForJob(b.id, isTerminal);
    expect(done.status).toBe('completed');

    const edits = { bpm: 123, meter: { numerator: 3, denominator: 4 } };
    await h.call('edits.set', { id: b.id, edits });
    const r = (await h.call('jobs.retry', { ids: [a.id, b.id, 'unknown-id'] })) as { jobs: Job[] };
    expect(r.jobs.map((j) => [j.id, j.status])).toEqual([
      [a.id, 'queued'],
      [b.id, 'queued'],
    ]);
    await h.waitForJob(a.id, (j) => j.status === 'processing');
    const rerun = await h.waitForJob(b.id, isTerminal);
    expect(rerun.status).toBe('completed');
    expect(await h.call('edits.get', { id: b.id })).toEqual(edits);
    // a processing job is not retried
    expect(((await h.call('jobs.retry', { ids: [a.id] })) as { jobs: Job[] }).jobs).toEqual([]);
  });

  it('watchdog timeout → failed E_TIMEOUT, worker gone', async () => {
    h = await makeHarness({ jobTimeoutMs: 1500 });
    const { jobs } = await submit(h, [file(h, 'slow.wav')]);
    const j = await h.waitForJob((jobs[0] as Job).id, isTerminal);
    expect([j.status, j.errorCode]).toEqual(['failed', 'E_TIMEOUT']);
    await vi.waitFor(() => expect(h?.core.pool.size).toBe(0));
  });

  it('memory cap → failed E_OUT_OF_MEMORY; the app survives and runs the next job', async () => {
    h = await makeHarness({ workerMemoryMb: 48, concurrency: 1 });
    const { jobs } = await submit(h, [file(h, 'oom.wav'), file(h, 'after.wav', 0.2, 700)]);
    const [oom, after] = jobs as [Job, Job];
    const j = await h.waitForJob(oom.id, isTerminal, 30_000);
    expect([j.status, j.errorCode]).toEqual(['failed', 'E_OUT_OF_MEMORY']);
    expect((await h.waitForJob(after.id, isTerminal)).status).toBe('completed');
  });

  it('worker crash, engine error, AppError and protocol violations each fail with their code', async () => {
    h = await makeHarness({ concurrency: 2 });
    const names = ['exit.wav', 'throw.wav', 'apperr.wav', 'garbage.wav'];
    const { jobs } = await submit(
      h,
      names.map((n, i) => file(h as Harness, n, 0.1, 200 + i * 50)),
    );
    const results = await Promise.all(jobs.map((j) => (h as Harness).waitForJob(j.id, isTerminal)));
    expect(results.map((j) => [j.fileName, j.status, j.errorCode])).toEqual([
      ['exit.wav', 'failed', 'E_WORKER'],
      ['throw.wav', 'failed', 'E_ANALYSIS'],
      ['apperr.wav', 'failed', 'E_UNSUPPORTED_FORMAT'],
      ['garbage.wav', 'failed', 'E_WORKER'],
    ]);
    expect(results.find((j) => j.fileName === 'throw.wav')?.errorMessage).toContain('stage exploded');
    for (const j of results) expect(j.errorMessage).not.toMatch(/\n\s+at /); // no stack traces
  });

  it('a file missing or replaced by a FIFO at run time fails with a specific code', async () => {
    h = await makeHarness({ autoStart: false });
    const gone = file(h, 'gone.wav');
    const fifo = file(h, 'fifo.wav');
    const { jobs } = await submit(h, [gone, fifo]);
    rmSync(gone);
    rmSync(fifo);
    execFileSync('mkfifo', [fifo]);
    h.core.start();
    const [a, b] = await Promise.all(jobs.map((j) => (h as Harness).waitForJob(j.id, isTerminal)));
    expect([a?.errorCode, b?.errorCode]).toEqual(['E_NOT_FOUND', 'E_NOT_REGULAR_FILE']);
  });

  it('same content → the result is reused at once (no worker), visibly', async () => {
    h = await makeHarness();
    const first = file(h, 'orig.wav', 0.3);
    const { jobs } = await submit(h, [first]);
    const a = await h.waitForJob((jobs[0] as Job).id, isTerminal);
    expect(a.status).toBe('completed');
    const spawned = h.core.pool.spawned;
    const copy = join(h.filesDir, 'copy with another name.wav');
    copyFileSync(first, copy);
    const { jobs: again } = await submit(h, [copy, first]);
    const reused = await Promise.all(again.map((j) => (h as Harness).waitForJob(j.id, isTerminal)));
    for (const j of reused) {
      expect(j.status).toBe('completed');
      expect(j.reusedFrom).toBe(a.id);
      expect(j.contentHash).toBe(a.contentHash);
    }
    expect(h.core.pool.spawned).toBe(spawned);
    const map = (await h.call('jobs.songMap', { id: (reused[0] as Job).id })) as { id: string };
    expect(map.id).toBe((reused[0] as Job).id);
  });

  it('known content is reused at once even while every slot is busy (hash lane)', async () => {
    h = await makeHarness({ concurrency: 1 });
    const orig = file(h, 'orig.wav', 0.3, 880);
    const { jobs } = await submit(h, [orig]);
    const a = await h.waitForJob((jobs[0] as Job).id, isTerminal);
    expect(a.status).toBe('completed');
    // the only slot is now busy for ~30 s
    const { jobs: busy } = await submit(h, [file(h, 'slow.wav')]);
    await h.waitForJob((busy[0] as Job).id, (j) => j.status === 'processing');
    const copy = join(h.filesDir, 'same bytes.wav');
    copyFileSync(orig, copy);
    const other = file(h, 'new content.wav', 0.2, 990);
    const { jobs: dropped } = await submit(h, [copy, other]);
    const [c, n] = dropped as [Job, Job];
    const reused = await h.waitForJob(c.id, isTerminal, 5000);
    expect([reused.status, reused.reusedFrom]).toEqual(['completed', a.id]);
    expect(h.core.store.requireJob((busy[0] as Job).id).status).toBe('processing');
    // new content waits for its turn, but its hash is ready when it gets there
    expect(h.core.store.requireJob(n.id).status).toBe('queued');
    await h.call('jobs.cancel', { ids: [(busy[0] as Job).id] });
    const done = await h.waitForJob(n.id, isTerminal);
    expect(done.status).toBe('completed');
    expect(done.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a file modified or deleted during analysis → failed E_FILE_CHANGED', async () => {
    h = await makeHarness({ concurrency: 2 });
    const f = file(h, 'touch-1.wav');
    const g = file(h, 'touch-2.wav', 0.2, 550);
    const { jobs } = await submit(h, [f, g]);
    const [a, b] = jobs as [Job, Job];
    await h.waitForJob(a.id, (j) => j.status === 'processing');
    await h.waitForJob(b.id, (j) => j.status === 'processing');
    appendFileSync(f, Buffer.alloc(16));
    const t = new Date(Date.now() + 5000);
    utimesSync(f, t, t);
    rmSync(g);
    for (const id of [a.id, b.id]) {
      const j = await h.waitForJob(id, isTerminal);
      expect([j.status, j.errorCode]).toEqual(['failed', 'E_FILE_CHANGED']);
    }
  });

  it('10,000 files → one createJobs call, all queued, one acknowledgement', async () => {
    h = await makeHarness({ autoStart: false });
    const dir = join(h.filesDir, 'many');
    mkdirSync(dir);
    // never analysed here: tiny distinct files are enough
    const paths: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const p = join(dir, `f${String(i).padStart(5, '0')}.wav`);
      writeFileSync(p, String(i));
      paths.push(p);
    }
    const spy = vi.spyOn(h.core.store, 'createJobs');
    const updated = h.eventsOf('job.updated').length;
    // a drop of 10,000 files arrives as 10,000 explicit paths
    const t0 = performance.now();
    const res = await h.core.dispatch('jobs.submit', { paths });
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(res.error.message);
    const r = channels['jobs.submit'].response.parse(res.value);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toHaveLength(10_000);
    expect(r.jobs).toHaveLength(10_000);
    expect(r.rejected).toEqual([]);
    expect(new Set(r.jobs.map((j) => j.id)).size).toBe(10_000);
    expect(h.core.store.stats().counts.queued).toBe(10_000);
    expect(h.eventsOf('job.updated').length - updated).toBe(10_000);
    console.log(`[measure] 10,000 dropped files stat'ed + inserted + acknowledged in ${ms.toFixed(0)} ms`);
    // the same folder dropped again is expanded the same way (one more transaction)
    const again = await h.core.dispatch('jobs.submit', { paths: [dir] });
    expect(again.ok && (again.value as { jobs: unknown[] }).jobs.length).toBe(10_000);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('bulk cancel/retry of 5,000 jobs runs in one store transaction; one failing job does not undo the rest', async () => {
    h = await makeHarness({ autoStart: false });
    const jobs = h.core.store.createJobs(
      Array.from({ length: 5000 }, (_, i) => ({
        inputPath: `/nowhere/${i}.wav`,
        fileName: `${i}.wav`,
        sizeBytes: 1,
        mtimeMs: 1,
        contentHash: null,
        analyzerVersion: 'v',
      })),
    );
    const ids = jobs.map((j) => j.id);
    const batch = vi.spyOn(h.core.store, 'batch');
    const transition = h.core.store.transition.bind(h.core.store);
    const poisoned = ids[1234] as string;
    vi.spyOn(h.core.store, 'transition').mockImplementation((id, to, patch) => {
      if (id === poisoned) throw new Error('disk hiccup');
      return transition(id, to, patch);
    });
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const t0 = performance.now();
    const r = (await h.call('jobs.cancel', { ids })) as { cancelled: string[] };
    const ms = performance.now() - t0;
    expect(batch).toHaveBeenCalledTimes(1);
    expect(r.cancelled).toHaveLength(4999);
    expect(r.cancelled).not.toContain(poisoned);
    expect(h.core.store.stats().counts).toMatchObject({ cancelled: 4999, queued: 1 });
    expect(err).toHaveBeenCalled();
    const back = (await h.call('jobs.retry', { ids })) as { jobs: Job[] };
    expect(back.jobs).toHaveLength(4999);
    expect(batch).toHaveBeenCalledTimes(2);
    expect(h.core.store.stats().counts.queued).toBe(5000);
    console.log(`[measure] bulk cancel of 5,000 queued jobs: ${ms.toFixed(0)} ms`);
  });

  it('progress: events ≤ ~10/s overall, store writes ≤ ~1/s per job', async () => {
    h = await makeHarness({ concurrency: 2 });
    const spy = vi.spyOn(h.core.store, 'updateProgress');
    const t0 = Date.now();
    const { jobs } = await submit(h, [file(h, 'tick-1.wav', 0.1, 300), file(h, 'tick-2.wav', 0.1, 400)]);
    await Promise.all(jobs.map((j) => (h as Harness).waitForJob(j.id, isTerminal)));
    const secs = (Date.now() - t0) / 1000;
    const progress = h.events.filter((e) => e.name === 'job.progress');
    // the workers reported 600 updates; the UI saw a coalesced trickle
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(secs * 10) + 1);
    for (let i = 1; i < progress.length; i++) {
      expect(
        (progress[i] as { at: number }).at - (progress[i - 1] as { at: number }).at,
      ).toBeGreaterThanOrEqual(90);
    }
    for (const j of jobs) {
      const writes = spy.mock.calls.filter((c) => c[0] === j.id).length;
      expect(writes).toBeGreaterThanOrEqual(1);
      expect(writes).toBeLessThanOrEqual(Math.ceil(secs) + 1);
    }
    // no stale progress after a job's final update
    for (const j of jobs) {
      const finalAt =
        h.events.find(
          (e) =>
            e.name === 'job.updated' &&
            (e.payload as Job).id === j.id &&
            (e.payload as Job).status === 'completed',
        )?.at ?? 0;
      expect(progress.filter((e) => (e.payload as { id: string }).id === j.id && e.at > finalAt)).toEqual([]);
    }
  });

  it('workers start with the runner, before the first job, and the first jobs run on them', async () => {
    h = await makeHarness({ warmWorkers: true, concurrency: 2 });
    // spawned at core start, with nothing submitted
    expect(h.core.pool.size).toBe(2);
    expect(h.core.store.stats().total).toBe(0);
    await vi.waitFor(() => expect(h?.core.pool.readyCount).toBe(2), { timeout: 20_000 });
    const { jobs } = await submit(h, [file(h, 'one.wav'), file(h, 'two.wav', 0.2, 550)]);
    for (const j of jobs as Job[]) expect((await h.waitForJob(j.id, isTerminal)).status).toBe('completed');
    // no worker was started for them: they took the warm ones
    expect(h.core.pool.spawned).toBe(2);
  });

  it('without a stored choice, concurrency is the core count minus one (at least 1)', async () => {
    const { availableParallelism } = await import('node:os');
    h = await makeHarness({ concurrency: undefined, autoStart: false });
    const expected = Math.max(1, availableParallelism() - 1);
    expect(h.core.runner.getConcurrency()).toBe(expected);
    expect(((await h.call('settings.get', {})) as { concurrency: number }).concurrency).toBe(expected);
  });

  it('concurrency applies live', async () => {
    h = await makeHarness({ concurrency: undefined, autoStart: false });
    await h.call('settings.set', { concurrency: 1 });
    await submit(
      h,
      [1, 2, 3].map((i) => file(h as Harness, `slow-${i}.wav`, 0.1, 100 * i)),
    );
    h.core.start();
    await vi.waitFor(() => expect(h?.core.store.stats().counts.processing).toBe(1));
    await new Promise((r) => setTimeout(r, 200));
    expect(h.core.store.stats().counts.processing).toBe(1);
    const s = (await h.call('settings.set', { concurrency: 3 })) as { concurrency: number };
    expect(s.concurrency).toBe(3);
    await vi.waitFor(() => expect(h?.core.store.stats().counts.processing).toBe(3), { timeout: 10_000 });
  });

  it('crash recovery at start: processing → queued → resumed to completion', async () => {
    const first = await makeHarness({ autoStart: false });
    const f = file(first, 'interrupted.wav');
    const { jobs } = await submit(first, [f]);
    const id = (jobs[0] as Job).id;
    const dataDir = first.dataDir;
    await first.core.close();
    // simulate a crash mid-analysis: the row says processing
    const store = await openJobStore({ dataDir });
    store.transition(id, 'processing', { stage: 'decode', progress: 0.4 });
    store.close();

    h = await makeHarness({ dataDir });
    const j = await h.waitForJob(id, isTerminal);
    expect(j.status).toBe('completed');
    expect(j.attempts).toBe(1);
    // the user is told, even though the notice was raised before anyone subscribed
    expect(h.eventsOf('app.notice')).toEqual([
      { level: 'info', message: '1 job(s) interrupted by an unexpected shutdown will run again' },
    ]);
    rmSync(first.filesDir, { recursive: true, force: true });
  });

  it('close() requeues in-flight jobs without spending their crash budget', async () => {
    const first = await makeHarness();
    const { jobs } = await submit(first, [file(first, 'slow.wav')]);
    const id = (jobs[0] as Job).id;
    await first.waitForJob(id, (j) => j.status === 'processing');
    await first.core.close();
    h = await makeHarness({ dataDir: first.dataDir, autoStart: false });
    const j = h.core.store.requireJob(id);
    expect([j.status, j.attempts, j.progress]).toEqual(['queued', 0, 0]);
    rmSync(first.filesDir, { recursive: true, force: true });
  });
});
