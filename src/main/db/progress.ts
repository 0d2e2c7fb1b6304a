/**
 * Write-behind for progress. A progress value is advisory: after a crash, recovery sends the job
 * back to the queue with progress 0 anyway, so an fsync per update buys nothing. Updates are kept
 * in memory (readers see them at once) and written for all jobs in one transaction at most once
 * per interval; a status change takes the job's pending value with it.
 */
import { AppError, type Job, type JobRow } from '../../shared';
import { immediate, prepare, type Db } from './sql';

interface Pending {
  progress: number;
  stage: string | null;
  at: number;
}

export const PROGRESS_FLUSH_MS = 1_000;

const FLUSH =
  "UPDATE jobs SET progress = ?, stage = ?, updated_at = ? WHERE id = ? AND status = 'processing'";

export class ProgressBuffer {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly flushMs: number = PROGRESS_FLUSH_MS,
  ) {}

  /** Validates now (same errors as a direct write), stores later. */
  set(id: string, progress: number, stage: string | null, now: number): void {
    if (!Number.isFinite(progress) || progress < 0 || progress > 1) {
      throw new AppError('E_INVALID_REQUEST', `Progress must be within 0..1, got ${progress}`);
    }
    const row = prepare<[string], { status: string }>(this.db, 'SELECT status FROM jobs WHERE id = ?').get(
      id,
    );
    if (!row) throw new AppError('E_JOB_NOT_FOUND', `No job with id ${id}`);
    if (row.status !== 'processing') {
      throw new AppError(
        'E_ILLEGAL_TRANSITION',
        `Job ${id} is ${row.status}; only a processing job has progress`,
      );
    }
    this.pending.set(id, { progress, stage, at: now });
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Removes and returns a job's pending value (its status is about to change, or it is deleted). */
  take(id: string): Pending | undefined {
    const p = this.pending.get(id);
    if (p) this.pending.delete(id);
    return p;
  }

  /** A job as readers should see it: with its not-yet-written progress. */
  overlay(job: Job): Job {
    const p = job.status === 'processing' ? this.pending.get(job.id) : undefined;
    return p ? { ...job, progress: p.progress, stage: p.stage, updatedAt: p.at } : job;
  }

  /** A list row as readers should see it: a row has no progress, only the time it was written. */
  overlayRow(row: JobRow): JobRow {
    const p = row.status === 'processing' ? this.pending.get(row.id) : undefined;
    return p ? { ...row, updatedAt: p.at } : row;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Writes every pending value in one IMMEDIATE transaction (one fsync). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.size === 0) return;
    const entries = [...this.pending];
    this.pending.clear();
    const stmt = prepare(this.db, FLUSH);
    immediate(this.db, () => {
      for (const [id, p] of entries) stmt.run(p.progress, p.stage, p.at, id);
    });
  }

  /** drops everything (used after bulk operations that changed many statuses) */
  clear(): void {
    this.pending.clear();
  }
}
