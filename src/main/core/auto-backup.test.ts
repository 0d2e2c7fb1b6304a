import { afterEach, describe, expect, it } from 'vitest';
import { backupIfStale, scheduleAutoBackup } from './auto-backup';
import { freshStore, input } from '../db/test-helpers';
import type { JobStoreExt } from '../db/store';

const HOUR = 3_600_000;
const opened: JobStoreExt[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
async function open(): Promise<JobStoreExt> {
  const { store } = await freshStore();
  opened.push(store);
  return store;
}

describe('automatic backups', () => {
  it('backs up a history that has jobs and no backup, then not again while the backup is fresh', async () => {
    const store = await open();
    expect(await backupIfStale(store, 24 * HOUR)).toBe(false); // nothing to protect yet
    store.createJobs([input('a.wav')]);
    expect(await backupIfStale(store, 24 * HOUR)).toBe(true);
    expect(store.stats().backups).toHaveLength(1);
    expect(await backupIfStale(store, 24 * HOUR)).toBe(false);
    // a day later the newest backup is stale
    expect(await backupIfStale(store, 24 * HOUR, Date.now() + 25 * HOUR)).toBe(true);
    expect(store.stats().backups).toHaveLength(2);
  });

  it('runs once at start, and stop() waits for the backup in flight', async () => {
    const store = await open();
    store.createJobs([input('a.wav')]);
    const schedule = scheduleAutoBackup(store, { intervalMs: 60_000 });
    await schedule.stop();
    expect(store.stats().backups).toHaveLength(1);
  });
});
