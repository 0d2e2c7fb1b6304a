/**
 * Runner behaviour through the core, over the real store, with the scripted test worker
 * (testing/fake-worker.ts) so every failure path is fast and deterministic.
 */
import { appendFileSync, copyFileSync, execFileSync } from 'node:fs';
import { execFileSync as exec } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openJobStore } from '../db/store';
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
    const done = await h.waitForJob(id, isTerminal);
    expect(done.status).toBe('completed');
    expect(done.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const map = (await h.call('jobs.songMap', { id })) as { id: string };
    expect(map.id).toBe(id);
    const statuses = h.eventsOf('job.updated').filter((j) => j.id === id).map((j) => j.status);
    expect(statuses).toEqual(['queued', 'processing', 'completed']);
  });
});
