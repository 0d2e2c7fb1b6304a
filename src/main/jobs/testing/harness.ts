/** Test helper: a core over a real store in a temp dir, with the fake or the real worker, and event capture. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName, EventPayload, Job } from '../../../shared';
import { channels, EVENT_NAMES } from '../../../shared';
import type { Channel } from '../../../shared';
import { createCore } from '../../core/core';
import type { CoreHandle } from '../../core/core';
import type { CoreOptions } from '../../core/core-api';

const here = fileURLToPath(new URL('.', import.meta.url));
export const FAKE_WORKER = resolve(here, 'fake-worker.ts');
export const REAL_WORKER = resolve(here, '..', 'worker.ts');

export interface Harness {
  core: CoreHandle;
  dataDir: string;
  filesDir: string;
  events: { name: EventName; payload: unknown; at: number }[];
  eventsOf<E extends EventName>(name: E): EventPayload<E>[];
  /** dispatch + assert ok + validate the response against the contract's response schema */
  call<C extends Channel>(channel: C, payload: unknown): Promise<unknown>;
  waitForJob(id: string, pred: (j: Job) => boolean, timeoutMs?: number): Promise<Job>;
  dispose(): Promise<void>;
}

export async function makeHarness(opts: Partial<CoreOptions> & { dataDir?: string } = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'performia-core-'));
  const filesDir = mkdtempSync(join(tmpdir(), 'performia-files-'));
  const core = await createCore({
    mode: 'headless',
    workerPath: FAKE_WORKER,
    concurrency: 2,
    // the lifecycle tests count the workers their jobs start and stop; warm start has its own tests
    warmWorkers: false,
    ...opts,
    dataDir,
  });
  const events: Harness['events'] = [];
  for (const name of EVENT_NAMES)
    core.events.on(name, (payload) => events.push({ name, payload, at: Date.now() }));

  const h: Harness = {
    core,
    dataDir,
    filesDir,
    events,
    eventsOf: <E extends EventName>(name: E) =>
      events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>),
    async call(channel, payload) {
      const r = await core.dispatch(channel, payload);
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
      return channels[channel].response.parse(r.value);
    },
    async waitForJob(id, pred, timeoutMs = 20_000) {
      const t0 = Date.now();
      for (;;) {
        const j = core.store.getJob(id);
        if (j && pred(j)) return j;
        if (Date.now() - t0 > timeoutMs) {
          throw new Error(`timed out waiting for job ${id} (status ${j?.status ?? 'missing'})`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async dispose() {
      await core.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
  return h;
}

export const isTerminal = (j: Job): boolean =>
  j.status === 'completed' || j.status === 'failed' || j.status === 'cancelled';
