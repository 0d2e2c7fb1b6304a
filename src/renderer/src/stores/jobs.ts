/**
 * Live jobs of the queue. Events (job.updated / job.progress / jobs.removed) arrive in bursts during a
 * batch; they are buffered and applied in ONE store update per animation frame so React renders once
 * per frame however many events came in.
 */
import { create } from 'zustand';
import type { EventPayload } from '../../../shared/contract';
import type { Job, RejectedInputSchema } from '../../../shared/domain';
import type { z } from 'zod';
import { laterJob } from './later';

export type Rejected = z.infer<typeof RejectedInputSchema>;

export interface JobsState {
  byId: Record<string, Job>;
  /** ids shown in the queue, oldest first (this session's submissions plus anything active) */
  queueIds: string[];
  rejected: Rejected[];
  /** bumps whenever a job reaches a terminal state or is removed, so the history can refresh */
  historyVersion: number;
  /** ids whose result was reused from an identical earlier file, to mark them in the queue */
  reusedIds: Record<string, true>;
}

export interface JobsActions {
  /** applies many job rows at once (submit results, initial load) */
  upsertMany(jobs: Job[]): void;
  /** queue an event for the next frame */
  enqueueUpdate(job: Job): void;
  enqueueProgress(p: EventPayload<'job.progress'>): void;
  enqueueRemoved(ids: string[]): void;
  /** apply everything buffered now (called by the frame scheduler, and by tests) */
  flush(): void;
  addRejected(items: Rejected[]): void;
  clearRejected(): void;
  /** drop finished jobs from the queue view (they stay in the history) */
  clearFinished(): void;
  /** the database was replaced (restore): forget every job and buffered event, hold these instead */
  reset(jobs: Job[]): void;
}

type Pending = {
  updates: Map<string, Job>;
  progress: Map<string, EventPayload<'job.progress'>>;
  removed: Set<string>;
};
const emptyPending = (): Pending => ({ updates: new Map(), progress: new Map(), removed: new Set() });

/** requestAnimationFrame where there is one; a timeout otherwise (tests, hidden tabs) */
export type FrameScheduler = (cb: () => void) => void;
let schedule: FrameScheduler = (cb) =>
  typeof requestAnimationFrame === 'function'
    ? void requestAnimationFrame(() => cb())
    : void setTimeout(cb, 16);
export function setFrameScheduler(s: FrameScheduler): void {
  schedule = s;
}

const isTerminal = (j: Job): boolean =>
  j.status === 'completed' || j.status === 'failed' || j.status === 'cancelled';

export const useJobs = create<JobsState & JobsActions>()((set, get) => {
  let pending = emptyPending();
  let scheduled = false;
  const request = (): void => {
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      scheduled = false;
      get().flush();
    });
  };

  return {
    byId: {},
    queueIds: [],
    rejected: [],
    historyVersion: 0,
    reusedIds: {},

    upsertMany(jobs) {
      if (jobs.length === 0) return;
      set((s) => {
        const byId = { ...s.byId };
        const queueIds = [...s.queueIds];
        const reusedIds = { ...s.reusedIds };
        for (const j of jobs) {
          const before = byId[j.id];
          if (!before) queueIds.push(j.id);
          // an answer read before a change whose event already came must not undo it
          byId[j.id] = before ? laterJob(before, j) : j;
          if (j.reusedFrom) reusedIds[j.id] = true;
        }
        return { byId, queueIds, reusedIds, historyVersion: s.historyVersion + 1 };
      });
    },
    enqueueUpdate(job) {
      pending.updates.set(job.id, job);
      pending.progress.delete(job.id); // the row is newer than any progress tick before it
      request();
    },
    enqueueProgress(p) {
      pending.progress.set(p.id, p);
      request();
    },
    enqueueRemoved(ids) {
      for (const id of ids) pending.removed.add(id);
      request();
    },
    flush() {
      const p = pending;
      pending = emptyPending();
      if (p.updates.size === 0 && p.progress.size === 0 && p.removed.size === 0) return;
      set((s) => {
        const byId = { ...s.byId };
        let queueIds = s.queueIds;
        let bump = false;
        const reusedIds = { ...s.reusedIds };
        for (const ev of p.updates.values()) {
          const before = byId[ev.id];
          if (!before) queueIds = [...queueIds, ev.id];
          const j = before ? laterJob(before, ev) : ev;
          if (isTerminal(j) && (!before || before.status !== j.status)) bump = true;
          if (j.reusedFrom) reusedIds[j.id] = true;
          byId[j.id] = j;
        }
        for (const pr of p.progress.values()) {
          const j = byId[pr.id];
          // progress for a job we do not hold (e.g. submitted from another window) waits for its row
          if (j && !isTerminal(j)) byId[pr.id] = { ...j, progress: pr.progress, stage: pr.stage };
        }
        if (p.removed.size) {
          for (const id of p.removed) delete byId[id];
          queueIds = queueIds.filter((id) => !p.removed.has(id));
          bump = true;
        }
        return { byId, queueIds, reusedIds, historyVersion: bump ? s.historyVersion + 1 : s.historyVersion };
      });
    },
    addRejected(items) {
      if (items.length) set((s) => ({ rejected: [...s.rejected, ...items] }));
    },
    clearRejected() {
      set({ rejected: [] });
    },
    clearFinished() {
      set((s) => ({ queueIds: s.queueIds.filter((id) => s.byId[id] && !isTerminal(s.byId[id])) }));
    },
    reset(jobs) {
      pending = emptyPending();
      set({
        byId: Object.fromEntries(jobs.map((j) => [j.id, j])),
        queueIds: jobs.map((j) => j.id),
        rejected: [],
        reusedIds: {},
      });
    },
  };
});

/** "12 of 40 done, 1 failed" over the queue */
export function batchSummary(jobs: Job[]): {
  done: number;
  total: number;
  failed: number;
  cancelled: number;
  active: number;
} {
  let done = 0;
  let failed = 0;
  let cancelled = 0;
  for (const j of jobs) {
    if (j.status === 'completed') done++;
    else if (j.status === 'failed') failed++;
    else if (j.status === 'cancelled') cancelled++;
  }
  return { done, failed, cancelled, total: jobs.length, active: jobs.length - done - failed - cancelled };
}
