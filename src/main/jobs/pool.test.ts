import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { WorkerPool } from './pool';
import type { RunOutcome } from './pool';
import { FAKE_WORKER } from './testing/harness';
import { writeWav } from './testing/wav';

const dir = mkdtempSync(join(tmpdir(), 'performia-pool-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const run = (pool: WorkerPool, id: string, name: string): Promise<RunOutcome> =>
  pool.run(
    { type: 'run', jobId: id, path: writeWav(join(dir, name), { seconds: 0.05 }), expected: null },
    () => undefined,
  ).outcome;

describe('WorkerPool', () => {
  it('reuses an idle worker, recycles after maxJobsPerWorker, spawns fresh when reuse is off', async () => {
    const pool = new WorkerPool({
      workerPath: FAKE_WORKER,
      memoryMb: 256,
      maxIdle: () => 1,
      maxJobsPerWorker: 2,
    });
    for (let i = 0; i < 3; i++) expect((await run(pool, `j${i}`, `ok${i}.wav`)).kind).toBe('done');
    // jobs 1+2 on the first worker, job 3 on a second one after recycling
    expect(pool.spawned).toBe(2);
    await pool.close();
    expect(pool.size).toBe(0);

    const fresh = new WorkerPool({
      workerPath: FAKE_WORKER,
      memoryMb: 256,
      maxIdle: () => 1,
      reuse: false,
      execArgv: ['--import', 'tsx'],
    });
    for (let i = 0; i < 2; i++) expect((await run(fresh, `k${i}`, `ok${i}.wav`)).kind).toBe('done');
    expect(fresh.spawned).toBe(2);
    expect(fresh.size).toBe(0);
    await fresh.close();
  });

  it('a worker that crashed is not reused', async () => {
    const pool = new WorkerPool({ workerPath: FAKE_WORKER, memoryMb: 256, maxIdle: () => 2 });
    const crash = await run(pool, 'a', 'exit.wav');
    expect(crash).toMatchObject({ kind: 'error', code: 'E_WORKER' });
    expect((await run(pool, 'b', 'fine.wav')).kind).toBe('done');
    expect(pool.spawned).toBe(2);
    await pool.close();
  });

  it('warm(n) starts n workers that load the engine before any job; the first job takes one of them', async () => {
    const pool = new WorkerPool({ workerPath: FAKE_WORKER, memoryMb: 256, maxIdle: () => 2 });
    const warm = pool.warm(2);
    expect(pool.size).toBe(2);
    await warm;
    expect(pool.readyCount).toBe(2);
    expect((await run(pool, 'w1', 'ok.wav')).kind).toBe('done');
    expect(pool.spawned).toBe(2);
    await pool.close();
    expect(pool.readyCount).toBe(0);
  });

  it('idle workers go after idleMs, except the warm floor (minIdle)', async () => {
    const pool = new WorkerPool({ workerPath: FAKE_WORKER, memoryMb: 256, maxIdle: () => 3, idleMs: 100, minIdle: () => 1 });
    await Promise.all([run(pool, 'a', 'x1.wav'), run(pool, 'b', 'x2.wav'), run(pool, 'c', 'x3.wav')]);
    expect(pool.spawned).toBe(3);
    await vi.waitFor(() => expect(pool.size).toBe(1), { timeout: 5_000 });
    // the floor outlives many idle periods
    await new Promise((r) => setTimeout(r, 500));
    expect(pool.size).toBe(1);
    expect((await run(pool, 'd', 'x4.wav')).kind).toBe('done');
    expect(pool.spawned).toBe(3);
    await pool.close();
  });

  it('close() settles running jobs as aborted', async () => {
    const pool = new WorkerPool({ workerPath: FAKE_WORKER, memoryMb: 256, maxIdle: () => 1 });
    const pending = run(pool, 'a', 'slow.wav');
    await new Promise((r) => setTimeout(r, 300));
    await pool.close();
    expect(await pending).toEqual({ kind: 'aborted' });
  });
});
