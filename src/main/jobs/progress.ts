/**
 * Progress plumbing. The engine reports (stage, fraction-within-stage); the job row wants one
 * monotonic 0..1. Writes to the store are limited to ~1/s per job (each is an fsync'd transaction);
 * events to the UI are limited to ~10/s overall by emitting at most one coalesced update per tick,
 * round-robin over the jobs that changed.
 */
import { PROGRESS_WEIGHTS } from '../analysis/progress-weights';

/** Engine stages' share of wall time; unknown stages get a small share. */
const STAGE_WEIGHTS = PROGRESS_WEIGHTS;
const UNKNOWN_WEIGHT = 0.05;

/** Tracks one job's overall progress from stage-local fractions; never goes backwards, never reaches 1 early. */
export class StageProgress {
  private done = 0;
  private stage: string | null = null;
  private value = 0;

  update(stage: string, fraction: number): number {
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    if (stage !== this.stage) {
      if (this.stage !== null) this.done += STAGE_WEIGHTS[this.stage] ?? UNKNOWN_WEIGHT;
      this.stage = stage;
    }
    const w = STAGE_WEIGHTS[stage] ?? UNKNOWN_WEIGHT;
    // capped below 1: only completion sets 1
    const v = Math.min(0.99, this.done + w * f);
    this.value = Math.max(this.value, v);
    return this.value;
  }

  get current(): number {
    return this.value;
  }
}

export interface ProgressUpdate {
  id: string;
  progress: number;
  stage: string | null;
}

/** Coalesces progress per job and emits at most one update per `intervalMs` overall. */
export class ProgressEmitter {
  private readonly pending = new Map<string, ProgressUpdate>();
  private timer: NodeJS.Timeout | null = null;
  private lastEmit = 0;

  constructor(
    private readonly emit: (u: ProgressUpdate) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  push(u: ProgressUpdate): void {
    // Map.set keeps an existing key's position, and an emitted key is removed, so iteration order is
    // "least recently emitted first": a round-robin over the running jobs
    this.pending.set(u.id, u);
    this.schedule();
  }

  /** a job left the running state: its stale progress must not arrive after its final job.updated */
  drop(id: string): void {
    this.pending.delete(id);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    const wait = Math.max(0, this.lastEmit + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.tick(), wait);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    const first = this.pending.entries().next();
    if (first.done) return;
    const [id, u] = first.value;
    this.pending.delete(id);
    this.lastEmit = this.now();
    this.emit(u);
    this.schedule();
  }
}

/** Per-job gate for store writes: true at most once per `intervalMs`. */
export class PersistGate {
  private readonly last = new Map<string, number>();
  constructor(
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}
  shouldWrite(id: string): boolean {
    const t = this.now();
    const prev = this.last.get(id);
    if (prev !== undefined && t - prev < this.intervalMs) return false;
    this.last.set(id, t);
    return true;
  }
  forget(id: string): void {
    this.last.delete(id);
  }
}
