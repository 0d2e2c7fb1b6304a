/**
 * The job runner: takes queued jobs from the store in run order and analyses them in workers.
 *
 * Per job: stat → streamed SHA-256 → (a completed job with the same hash and analyzer version?
 * reuse its result at once) → processing → worker → verify the file did not change → completed.
 * A hash lane hashes newly queued jobs ahead of their turn, so reuse is immediate even when every
 * slot is busy, and a slot finds the hash ready (re-checked against size/mtime).
 * Only this main-thread code writes to the store; every status change is emitted as `job.updated`.
 * Whatever happens (cancel, timeout, OOM, crash, store error), a job leaves `processing`; on a clean
 * shutdown in-flight jobs go back to `queued` and run again at the next start.
 */
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { ErrorCode, Job } from '../../shared';
import { AppError, isAppError } from '../../shared';
import type { JobStore } from '../db/store-api';
import { fsErrorCode, fsErrorMessage } from './fs-errors';
import { hashFile } from './hash';
import type { RunHandle, WorkerPool } from './pool';
import { PersistGate, ProgressEmitter, StageProgress } from './progress';
import type { ProgressUpdate } from './progress';

export interface RunnerOptions {
  store: JobStore;
  pool: WorkerPool;
  analyzerVersion: string;
  concurrency: number;
  jobTimeoutMs: number;
  onJobUpdated: (job: Job) => void;
  onProgress: (u: ProgressUpdate) => void;
  /** ms between progress events overall (default 100 → ≤ 10/s) */
  progressIntervalMs?: number;
  /** ms between progress writes per job (default 1000) */
  persistIntervalMs?: number;
}

type AbortReason = 'cancel' | 'timeout' | 'shutdown';

interface Active {
  id: string;
  hashAbort: AbortController;
  handle: RunHandle | null;
  abortReason: AbortReason | null;
  timer: NodeJS.Timeout | null;
  progress: StageProgress;
}

/**
 * How long pause() waits for running jobs and the hash lane to let go of the store. Aborted workers
 * are terminated at once and settle in milliseconds; what can outlast this is a main-thread file
 * operation on a hung network share (stat is not abortable), and a restore must not wait for that.
 */
export const PAUSE_TIMEOUT_MS = 15_000;

const sameFile = (a: Stats, b: Stats): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs;

export class Runner {
  private readonly o: RunnerOptions;
  private readonly active = new Map<string, Active>();
  private readonly emitter: ProgressEmitter;
  private readonly gate: PersistGate;
  private concurrency: number;
  private started = false;
  private closed = false;
  /** pause() until resume(): nothing new starts (a backup is being restored) */
  private paused = false;
  /** something was written since the last checkpoint */
  private dirty = false;
  private idleWaiters: (() => void)[] = [];
  /** hashes computed ahead of a job's turn (hash lane), checked against size/mtime before use */
  private readonly known = new Map<string, { hash: string; size: number; mtimeMs: number }>();
  private readonly hashQueue: string[] = [];
  private hashing = false;
  private laneAbort: AbortController | null = null;

  constructor(o: RunnerOptions) {
    this.o = o;
    this.concurrency = Math.max(1, Math.floor(o.concurrency));
    this.emitter = new ProgressEmitter(o.onProgress, o.progressIntervalMs ?? 100);
    this.gate = new PersistGate(o.persistIntervalMs ?? 1000);
  }

  get isStarted(): boolean {
    return this.started;
  }

  get activeIds(): string[] {
    return [...this.active.keys()];
  }

  getConcurrency(): number {
    return this.concurrency;
  }

  start(): void {
    if (this.closed) return;
    this.started = true;
    this.pump();
    void this.runHashLane();
  }

  /** Applies live: more slots start queued jobs at once; fewer slots let running jobs finish. */
  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, Math.floor(n));
    this.pump();
  }

  /** Call after new jobs were queued. */
  pump(): void {
    if (!this.started || this.closed || this.paused) return;
    const free = this.concurrency - this.active.size;
    if (free > 0) {
      const next = this.o.store.nextQueued(free, new Set(this.active.keys()));
      for (const job of next) this.launch(job);
    }
    if (this.active.size === 0) this.becameIdle();
  }

  /**
   * Queued or processing → cancelled; a running worker is terminated. Returns the ids cancelled.
   * Jobs in other states are left alone (cancelling a finished job is not an error in a bulk action).
   */
  cancel(ids: string[]): string[] {
    const updated = this.inBatch(ids, (id) => {
      const job = this.o.store.getJob(id);
      if (!job || (job.status !== 'queued' && job.status !== 'processing')) return null;
      this.abortActive(id, 'cancel');
      this.known.delete(id);
      return this.o.store.transition(id, 'cancelled', { stage: null });
    });
    this.pump();
    return updated.map((j) => j.id);
  }

  /** Stops work on jobs that are about to be deleted (no status change: the rows go away). */
  forget(ids: string[]): void {
    for (const id of ids) {
      this.abortActive(id, 'cancel');
      this.known.delete(id);
    }
  }

  /** failed/cancelled → queued (retry), completed → queued (re-analyse). Returns the requeued jobs. */
  retry(ids: string[]): Job[] {
    const updated = this.inBatch(ids, (id) => {
      const job = this.o.store.getJob(id);
      if (!job || (job.status !== 'failed' && job.status !== 'cancelled' && job.status !== 'completed')) {
        return null;
      }
      return this.o.store.transition(id, 'queued', {
        progress: 0,
        stage: null,
        errorCode: null,
        errorMessage: null,
      });
    });
    this.pump();
    this.hashAhead(updated.filter((j) => !this.active.has(j.id)).map((j) => j.id));
    return updated;
  }

  /**
   * Applies `one` to every id in one store transaction when the store offers `batch` (one fsync for
   * a bulk action of 10,000 jobs instead of 10,000), then announces the changes once it committed.
   * A job whose own change fails is skipped (its savepoint rolls back), the others go through.
   */
  private inBatch(ids: readonly string[], one: (id: string) => Job | null): Job[] {
    const out: Job[] = [];
    const all = (): void => {
      for (const id of new Set(ids)) {
        try {
          const j = one(id);
          if (j) out.push(j);
        } catch (err) {
          console.error('[runner] bulk change skipped a job:', err);
        }
      }
    };
    const { store } = this.o;
    if (store.batch) store.batch(all);
    else all();
    if (out.length > 0) this.dirty = true;
    for (const j of out) this.o.onJobUpdated(j);
    return out;
  }

  /**
   * For a swap of the whole database: stops starting jobs, puts running ones back in the queue (as a
   * clean shutdown does, attempts unchanged, announced with job.updated) and resolves once no job and
   * no hash-ahead touches the store any more. Hashes known ahead are dropped (their ids may not exist
   * in the next database). resume() starts again from whatever the store then holds. Rejects, still
   * paused, when something has not stopped after `timeoutMs`: the caller gives up and resumes.
   */
  async pause(timeoutMs = PAUSE_TIMEOUT_MS): Promise<void> {
    this.paused = true;
    this.laneAbort?.abort();
    this.hashQueue.length = 0;
    this.known.clear();
    const requeued: Job[] = [];
    for (const id of [...this.active.keys()]) {
      this.abortActive(id, 'shutdown');
      try {
        const job = this.o.store.getJob(id);
        if (job?.status === 'processing')
          requeued.push(this.o.store.transition(id, 'queued', { progress: 0, stage: null }));
      } catch (err) {
        console.error('[runner] could not requeue job for a pause:', err);
      }
    }
    for (const j of requeued) this.o.onJobUpdated(j);
    // aborted workers settle within moments (the pool terminates them); the lane stops at its next check
    const deadline = Date.now() + timeoutMs;
    while (this.active.size > 0 || this.hashing) {
      if (Date.now() >= deadline) {
        const busy = [
          this.active.size > 0 ? `${this.active.size} job(s) still running` : '',
          this.hashing ? 'a file still being read ahead' : '',
        ].filter(Boolean);
        throw new AppError('E_BUSY', `Not stopped within ${timeoutMs / 1000} s: ${busy.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.known.clear();
    this.pump();
    void this.runHashLane();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Resolves when nothing is running and nothing is queued (tests, shutdown helpers). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Terminates workers and puts in-flight jobs back in the queue, keeping their attempt count: a
   * clean quit is not a crash, so it must not eat into the crash budget (E_CRASHED after 3).
   * If the process dies instead, the rows stay `processing` and start-up recovery requeues them.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.laneAbort?.abort();
    this.hashQueue.length = 0;
    for (const id of [...this.active.keys()]) {
      this.abortActive(id, 'shutdown');
      try {
        const job = this.o.store.getJob(id);
        if (job?.status === 'processing') this.o.store.transition(id, 'queued', { progress: 0, stage: null });
      } catch (err) {
        console.error('[runner] could not requeue job at shutdown:', err);
      }
    }
    this.emitter.close();
    await this.o.pool.close();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private isIdle(): boolean {
    return this.active.size === 0 && (!this.started || this.o.store.nextQueued(1).length === 0);
  }

  private becameIdle(): void {
    if (this.dirty) {
      this.dirty = false;
      try {
        this.o.store.checkpoint();
      } catch (err) {
        console.error('[runner] checkpoint failed:', err);
      }
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private abortActive(id: string, reason: AbortReason): void {
    const a = this.active.get(id);
    if (!a || a.abortReason) return;
    a.abortReason = reason;
    if (a.timer) clearTimeout(a.timer);
    a.hashAbort.abort();
    a.handle?.abort();
    this.emitter.drop(id);
  }

  private launch(job: Job): void {
    const a: Active = {
      id: job.id,
      hashAbort: new AbortController(),
      handle: null,
      abortReason: null,
      timer: null,
      progress: new StageProgress(),
    };
    this.active.set(job.id, a);
    // the watchdog covers hashing too: a file on a hung network share must not block a slot forever
    a.timer = setTimeout(() => this.abortActive(job.id, 'timeout'), this.o.jobTimeoutMs);
    a.timer.unref();
    void this.execute(job, a)
      .catch((err: unknown) => this.onUnexpected(a, err))
      .finally(() => {
        if (a.timer) clearTimeout(a.timer);
        this.active.delete(job.id);
        this.emitter.drop(job.id);
        this.gate.forget(job.id);
        this.dirty = true;
        this.pump();
      });
  }

  private async execute(job: Job, a: Active): Promise<void> {
    const path = job.inputPath;
    let before: Stats;
    try {
      before = await stat(path);
    } catch (err) {
      const code = fsErrorCode(err);
      return this.finishFailed(a, code, fsErrorMessage(code));
    }
    if (a.abortReason) return this.settleAbort(a);
    // a FIFO or device would make the hash read block or never end
    if (!before.isFile()) return this.finishFailed(a, 'E_NOT_REGULAR_FILE', 'Not a regular file');

    let hash: string;
    const known = this.known.get(job.id);
    this.known.delete(job.id);
    if (known && known.size === before.size && known.mtimeMs === before.mtimeMs) {
      hash = known.hash; // hashed ahead by the hash lane, file unchanged since
    } else {
      try {
        hash = await hashFile(path, a.hashAbort.signal);
      } catch (err) {
        if (a.abortReason) return this.settleAbort(a);
        const code = fsErrorCode(err);
        return this.finishFailed(a, code, fsErrorMessage(code));
      }
      if (a.abortReason) return this.settleAbort(a);
      let afterHash: Stats | null = null;
      try {
        afterHash = await stat(path);
      } catch {
        afterHash = null;
      }
      if (a.abortReason) return this.settleAbort(a);
      if (!afterHash || !sameFile(before, afterHash)) {
        return this.finishFailed(a, 'E_FILE_CHANGED', 'The file was modified or deleted while it was read');
      }
    }

    const { store } = this.o;
    if (this.tryReuse(job.id, hash, before)) return;

    const processing = store.transition(job.id, 'processing', {
      progress: 0,
      stage: 'starting',
      errorCode: null,
      errorMessage: null,
      contentHash: hash,
      sizeBytes: before.size,
      mtimeMs: before.mtimeMs,
    });
    this.o.onJobUpdated(processing);

    a.handle = this.o.pool.run(
      { type: 'run', jobId: job.id, path, expected: { sizeBytes: before.size, mtimeMs: before.mtimeMs } },
      (stage, fraction) => this.onWorkerProgress(a, stage, fraction),
    );
    const out = await a.handle.outcome;
    if (out.kind === 'aborted' || a.abortReason) return this.settleAbort(a);

    // The engine checks too, but only the main thread sees the file after the result crossed over.
    // Also after an engine error: a file that changed under the decoder explains the error better
    // than whatever the decoder made of the half-written bytes.
    let after: Stats | null = null;
    try {
      after = await stat(path);
    } catch {
      after = null;
    }
    if (a.abortReason) return this.settleAbort(a);
    if (!after || !sameFile(before, after)) {
      return this.finishFailed(a, 'E_FILE_CHANGED', 'The file was modified or deleted while it was analysed');
    }
    if (out.kind === 'error') return this.finishFailed(a, out.code, out.message);
    const completed = store.completeJob(job.id, out.songMap, out.summary);
    this.o.onJobUpdated(completed);
  }

  /** Completes a queued job from an earlier result with the same content, if there is one. */
  private tryReuse(id: string, hash: string, st: { size: number; mtimeMs: number }): boolean {
    const prev = this.reuseSource(hash, id);
    if (!prev) return false;
    const { store } = this.o;
    // reuseResult keeps the job's own columns, so record the hash/size/mtime first; no await
    // separates the two writes, so nobody observes the short `processing` in between
    store.transition(id, 'processing', {
      stage: 'reusing',
      contentHash: hash,
      sizeBytes: st.size,
      mtimeMs: st.mtimeMs,
    });
    const reused = store.reuseResult(id, prev.id);
    this.dirty = true;
    this.o.onJobUpdated(reused);
    return true;
  }

  /**
   * Hash lane: newly queued jobs are hashed ahead of their turn, one file at a time, so a file
   * whose content was analysed before completes at once (visibly reused) even while the analysis
   * slots are busy, and a job reaching a slot usually finds its hash ready. Best effort: anything
   * odd (missing file, FIFO, change while reading) is left to the slot, which reports it properly.
   */
  hashAhead(ids: readonly string[]): void {
    if (this.closed || this.paused) return;
    for (const id of ids) this.hashQueue.push(id);
    void this.runHashLane();
  }

  private async runHashLane(): Promise<void> {
    if (this.hashing || !this.started) return;
    this.hashing = true;
    try {
      while (!this.closed && !this.paused && this.hashQueue.length > 0) {
        const id = this.hashQueue.shift() as string;
        try {
          await this.hashOne(id);
        } catch (err) {
          console.error('[runner] hash lane:', err);
        }
      }
    } finally {
      this.hashing = false;
    }
  }

  private async hashOne(id: string): Promise<void> {
    const { store } = this.o;
    const stillWaiting = (): boolean =>
      !this.closed && !this.paused && !this.active.has(id) && store.getJob(id)?.status === 'queued';
    const job = store.getJob(id);
    if (!job || job.status !== 'queued' || this.active.has(id) || this.known.has(id)) return;
    let before: Stats;
    try {
      before = await stat(job.inputPath);
    } catch {
      return;
    }
    if (!before.isFile()) return;
    const abort = new AbortController();
    this.laneAbort = abort;
    // a file on a hung share must not stall the lane for good
    const watchdog = setTimeout(() => abort.abort(), this.o.jobTimeoutMs);
    watchdog.unref();
    let hash: string;
    try {
      hash = await hashFile(job.inputPath, abort.signal);
    } catch {
      return;
    } finally {
      clearTimeout(watchdog);
      this.laneAbort = null;
    }
    const after = await stat(job.inputPath).catch(() => null);
    if (!after || !sameFile(before, after) || !stillWaiting()) return;
    if (this.tryReuse(id, hash, before)) {
      this.pump(); // may have been the last queued job: idle now
      return;
    }
    this.known.set(id, { hash, size: before.size, mtimeMs: before.mtimeMs });
  }

  /**
   * The completed job whose result a new job with this hash may copy. A chain of reuses points at
   * the job that really ran the analysis while that one still exists, so `reusedFrom` stays meaningful.
   */
  private reuseSource(hash: string, selfId: string): Job | null {
    const { store } = this.o;
    const prev = store.findCompletedByHash(hash, this.o.analyzerVersion);
    if (!prev || prev.id === selfId) return null;
    if (prev.reusedFrom && prev.reusedFrom !== selfId) {
      const origin = store.getJob(prev.reusedFrom);
      if (
        origin?.status === 'completed' &&
        origin.contentHash === hash &&
        origin.analyzerVersion === this.o.analyzerVersion
      ) {
        return origin;
      }
    }
    return prev;
  }

  private onWorkerProgress(a: Active, stage: string, fraction: number): void {
    if (a.abortReason) return;
    const progress = a.progress.update(stage, fraction);
    if (this.gate.shouldWrite(a.id)) {
      try {
        this.o.store.updateProgress(a.id, progress, stage);
      } catch (err) {
        // progress is advisory; the job's terminal write will report a real store problem
        console.error('[runner] progress write failed:', err);
      }
    }
    this.emitter.push({ id: a.id, progress, stage });
  }

  /** The job was stopped on purpose; only a timeout needs a status change here (cancel did its own). */
  private settleAbort(a: Active): void {
    if (a.abortReason === 'timeout') {
      const secs = Math.round(this.o.jobTimeoutMs / 100) / 10;
      this.writeFailed(a.id, 'E_TIMEOUT', `The analysis took longer than ${secs} s and was stopped`);
    }
  }

  private finishFailed(a: Active, code: ErrorCode, message: string): void {
    if (a.abortReason) return this.settleAbort(a);
    this.writeFailed(a.id, code, message);
  }

  private writeFailed(id: string, code: ErrorCode, message: string): void {
    const job = this.o.store.getJob(id);
    if (!job || (job.status !== 'queued' && job.status !== 'processing')) return;
    const failed = this.o.store.transition(id, 'failed', {
      errorCode: code,
      errorMessage: message,
      stage: null,
    });
    this.o.onJobUpdated(failed);
  }

  /** A store error or a bug: the job must still not stay `processing`. */
  private onUnexpected(a: Active, err: unknown): void {
    if (a.abortReason === 'shutdown') return;
    console.error('[runner] job', a.id, 'failed unexpectedly:', err);
    const code: ErrorCode = isAppError(err) ? err.code : 'E_INTERNAL';
    const message = isAppError(err) ? err.message : 'Internal error while running the job';
    try {
      this.writeFailed(a.id, code, message);
    } catch (err2) {
      console.error('[runner] could not mark job failed:', err2);
    }
  }
}
