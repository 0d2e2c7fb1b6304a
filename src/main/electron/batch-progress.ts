/**
 * Tracks one "batch" (jobs that were active together) for the taskbar/dock progress bar and the
 * end-of-batch notification. Plain logic, no Electron, unit-tested.
 */
import type { Job } from '../../shared';

export interface BatchState {
  /** a batch is running */
  active: boolean;
  /** 0..1 over the batch */
  fraction: number;
  /** set once, when the batch has just ended: a sentence for the notification */
  finished: string | null;
}

export class BatchProgress {
  private readonly jobs = new Map<string, { done: boolean; failed: boolean; progress: number }>();

  update(job: Job): BatchState {
    const done = job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled';
    if (!done || this.jobs.has(job.id)) {
      this.jobs.set(job.id, { done, failed: job.status === 'failed', progress: done ? 1 : job.progress });
    }
    const all = [...this.jobs.values()];
    if (all.length === 0) return { active: false, fraction: 0, finished: null };
    const finishedCount = all.filter((j) => j.done).length;
    const fraction = all.reduce((s, j) => s + j.progress, 0) / all.length;
    if (finishedCount < all.length) return { active: true, fraction, finished: null };
    const failed = all.filter((j) => j.failed).length;
    this.jobs.clear();
    const n = all.length;
    const sentence =
      `${n - failed} of ${n} ${n === 1 ? 'analysis' : 'analyses'} done` + (failed ? `, ${failed} failed` : '');
    return { active: false, fraction: 1, finished: sentence };
  }
}
