/**
 * Automatic backups: the store restores the newest backup when it finds its file corrupt, which only
 * helps if a recent backup exists. At start and then every few hours, a job history that has jobs and
 * no backup younger than `maxAgeMs` gets one (VACUUM INTO off the main thread; the store keeps N).
 */
import type { JobStore } from '../db/store-api';

export interface AutoBackupOptions {
  /** a backup older than this is stale (default 24 h) */
  maxAgeMs?: number;
  /** how often to check (default 6 h); the timer never keeps the process alive */
  intervalMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** Takes a backup if the history has jobs and its newest backup is missing or stale; true if it did. */
export async function backupIfStale(store: JobStore, maxAgeMs: number, now = Date.now()): Promise<boolean> {
  const stats = store.stats();
  if (stats.total === 0) return false;
  const newest = Math.max(0, ...stats.backups.map((b) => b.createdAt));
  if (now - newest < maxAgeMs) return false;
  await store.backup();
  return true;
}

export interface AutoBackupHandle {
  /** clears the schedule and waits for a backup in flight (call before closing the store) */
  stop(): Promise<void>;
  /** skips ticks until resume() and waits for a backup in flight (call before swapping the database) */
  pause(): Promise<void>;
  resume(): void;
}

/** Starts the schedule: a first check now, then every intervalMs. */
export function scheduleAutoBackup(store: JobStore, opts: AutoBackupOptions = {}): AutoBackupHandle {
  const maxAgeMs = opts.maxAgeMs ?? 24 * 3_600_000;
  const onError = opts.onError ?? ((err: unknown) => console.warn('[backup] automatic backup failed:', err));
  let running: Promise<unknown> | null = null;
  let paused = false;
  const tick = (): void => {
    if (running || paused) return;
    running = backupIfStale(store, maxAgeMs, opts.now?.())
      .catch(onError)
      .finally(() => (running = null));
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 6 * 3_600_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
    pause: async () => {
      paused = true;
      await running;
    },
    resume: () => {
      paused = false;
    },
  };
}
