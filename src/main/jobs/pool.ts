/**
 * Analysis workers (worker_threads). One job per worker at a time; a worker that finished cleanly is
 * kept idle for a while and reused (spawning costs a module load of the whole engine), a worker that
 * misbehaved, was cancelled or timed out is terminated. Each worker gets an old-generation heap cap,
 * so a runaway analysis dies alone with ERR_WORKER_OUT_OF_MEMORY instead of taking the app down.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { ErrorCode, JobSummary, SongMap } from '../../shared';
import { parseWorkerMessage } from './protocol';
import type { RunMessage } from './protocol';

export type RunOutcome =
  | { kind: 'done'; songMap: SongMap; summary: JobSummary }
  | { kind: 'error'; code: ErrorCode; message: string }
  /** terminated on purpose (cancel, timeout, shutdown): the caller knows why */
  | { kind: 'aborted' };

export interface RunHandle {
  readonly outcome: Promise<RunOutcome>;
  /** terminates the worker; the outcome resolves as `aborted` unless it already settled */
  abort(): void;
}

export interface PoolOptions {
  workerPath: string;
  execArgv?: string[];
  memoryMb: number;
  /** how long a finished worker waits for another job before it is terminated */
  idleMs?: number;
  /** how many idle workers may be kept (usually the concurrency) */
  maxIdle: () => number;
  /**
   * false: a fresh worker for every job. Measured with the bundled worker on 3-s WAVs: spawning costs
   * ~0.8–1 s per job (module load + cold JIT), a reused worker ~0.1–0.3 s, so reuse is the default.
   */
  reuse?: boolean;
  /** a reused worker is recycled after this many jobs, bounding whatever a job might leak (default 50) */
  maxJobsPerWorker?: number;
  /**
   * idle workers never terminated for idleness (default 0): the warm floor, so a job dropped long
   * after the last one does not pay the engine's module load and cold JIT again
   */
  minIdle?: () => number;
}

interface Current {
  jobId: string;
  settle: (o: RunOutcome) => void;
  onProgress: (stage: string, fraction: number) => void;
}

class Slot {
  readonly worker: Worker;
  current: Current | null = null;
  dead = false;
  /** the worker said it loaded the engine (`ready`) */
  ready = false;
  /** settles on `ready`, or on exit (a worker that died is no longer worth waiting for) */
  readonly whenReady: Promise<void>;
  private settleReady: () => void = () => undefined;
  jobs = 0;
  idleTimer: NodeJS.Timeout | null = null;
  constructor(worker: Worker) {
    this.worker = worker;
    this.whenReady = new Promise((resolve) => {
      this.settleReady = resolve;
    });
  }
  markReady(): void {
    if (this.dead) return;
    this.ready = true;
    this.settleReady();
  }
  gone(): void {
    this.dead = true;
    this.ready = false;
    this.settleReady();
  }
}

/**
 * Under Vitest/tsx the worker is TypeScript. `--import tsx` in execArgv does not reach a worker's
 * entry module on Node 20, so the worker is bootstrapped by a tiny eval script that registers tsx's
 * loader first and then imports the .ts entry.
 */
function spawn(opts: PoolOptions): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: opts.memoryMb };
  if (/\.[cm]?ts$/.test(opts.workerPath)) {
    const api = import.meta.resolve('tsx/esm/api');
    const entry = pathToFileURL(opts.workerPath).href;
    const src = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(src, { eval: true, execArgv: withoutTsxImport(opts.execArgv ?? []), resourceLimits });
  }
  return new Worker(opts.workerPath, { execArgv: opts.execArgv ?? [], resourceLimits });
}

/** callers may pass ['--import', 'tsx'] for a .ts worker; the bootstrap above registers tsx itself */
function withoutTsxImport(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--import' && argv[i + 1] === 'tsx') i++;
    else if (argv[i] !== '--import=tsx') out.push(argv[i] as string);
  }
  return out;
}

export class WorkerPool {
  private readonly opts: PoolOptions;
  private readonly idle: Slot[] = [];
  private readonly all = new Set<Slot>();
  /** workers spawned since creation (for measurements and tests) */
  spawned = 0;

  constructor(opts: PoolOptions) {
    this.opts = opts;
  }

  /** CPU ms the finished jobs' decoder processes used, as the workers reported it (benchmarks) */
  decoderCpuMs = 0;

  get size(): number {
    return this.all.size;
  }

  /** workers that loaded the engine (posted `ready`), busy or idle */
  get readyCount(): number {
    let n = 0;
    for (const s of this.all) if (s.ready) n++;
    return n;
  }

  /**
   * Starts workers until `n` exist (idle ones wait for jobs), so the first jobs find the
   * engine loaded instead of paying its module load and cold JIT (~0.8–1 s per worker, measured).
   * Resolves when every worker of the pool is ready (or gone).
   */
  warm(n: number): Promise<void> {
    while (this.all.size < n) {
      // referenced while it loads (a caller awaiting warm() keeps the process alive), unref'd once ready
      this.idle.push(this.create());
    }
    return Promise.all([...this.all].map((s) => s.whenReady)).then(() => undefined);
  }

  run(msg: RunMessage, onProgress: (stage: string, fraction: number) => void): RunHandle {
    const slot = this.take();
    let settled = false;
    let settleFn: (o: RunOutcome) => void = () => undefined;
    const outcome = new Promise<RunOutcome>((resolve) => {
      settleFn = (o) => {
        if (settled) return;
        settled = true;
        slot.current = null;
        resolve(o);
      };
    });
    slot.current = { jobId: msg.jobId, settle: settleFn, onProgress };
    slot.jobs++;
    slot.worker.ref();
    slot.worker.postMessage(msg);
    return {
      outcome,
      abort: () => {
        settleFn({ kind: 'aborted' });
        this.kill(slot);
      },
    };
  }

  /** Terminates every worker; running jobs settle as `aborted`. */
  async close(): Promise<void> {
    const slots = [...this.all];
    for (const s of slots) s.current?.settle({ kind: 'aborted' });
    await Promise.all(slots.map((s) => this.kill(s)));
  }

  private take(): Slot {
    while (this.idle.length > 0) {
      const s = this.idle.pop() as Slot;
      if (s.idleTimer) clearTimeout(s.idleTimer);
      s.idleTimer = null;
      if (!s.dead) return s;
    }
    return this.create();
  }

  private create(): Slot {
    const slot = new Slot(spawn(this.opts));
    this.spawned++;
    this.all.add(slot);
    const w = slot.worker;
    w.on('message', (raw: unknown) => this.onMessage(slot, raw));
    w.on('messageerror', () => this.fail(slot, 'E_WORKER', 'The analysis worker sent an unreadable message'));
    w.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.fail(slot, 'E_OUT_OF_MEMORY', `The analysis ran out of memory (limit ${this.opts.memoryMb} MB)`);
      } else {
        // the detail may hold paths and stacks: it goes to the log, the job gets a plain message
        console.error('[runner] worker error:', err);
        this.fail(slot, 'E_WORKER', 'The analysis worker crashed');
      }
    });
    w.on('exit', (code) => {
      slot.gone();
      const i = this.idle.indexOf(slot);
      if (i >= 0) this.idle.splice(i, 1);
      this.all.delete(slot);
      slot.current?.settle({
        kind: 'error',
        code: 'E_WORKER',
        message: `The analysis worker stopped unexpectedly (exit code ${code})`,
      });
    });
    return slot;
  }

  private onMessage(slot: Slot, raw: unknown): void {
    const cur = slot.current;
    const parsed = parseWorkerMessage(raw);
    if (!parsed.ok) {
      // a malformed progress tick (NaN fraction …) is an engine bug not worth a failed job: drop it;
      // a malformed result or error is a protocol violation that fails the job
      if ((raw as { type?: unknown } | null)?.type === 'progress') return;
      this.fail(slot, 'E_WORKER', `The analysis worker misbehaved: ${parsed.reason}`);
      return;
    }
    const msg = parsed.msg;
    if (msg.type === 'ready') {
      slot.markReady();
      // an idle worker never keeps the process alive
      if (!slot.current) slot.worker.unref();
      return;
    }
    if (!cur || msg.jobId !== cur.jobId) return; // late message of an aborted job
    if (msg.type === 'progress') {
      cur.onProgress(msg.stage, msg.fraction);
      return;
    }
    if (msg.type === 'done') this.decoderCpuMs += msg.decoderCpuMs ?? 0;
    cur.settle(
      msg.type === 'done'
        ? { kind: 'done', songMap: msg.songMap, summary: msg.summary }
        : { kind: 'error', code: msg.code, message: msg.message },
    );
    this.release(slot);
  }

  private fail(slot: Slot, code: ErrorCode, message: string): void {
    slot.current?.settle({ kind: 'error', code, message });
    void this.kill(slot);
  }

  private release(slot: Slot): void {
    if (slot.dead) return;
    if (
      this.opts.reuse === false ||
      slot.jobs >= (this.opts.maxJobsPerWorker ?? 50) ||
      this.idle.length >= this.opts.maxIdle()
    ) {
      void this.kill(slot);
      return;
    }
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      // the warm floor stays (it has no timer again until its next job)
      if (this.idle.length <= (this.opts.minIdle?.() ?? 0)) return;
      const i = this.idle.indexOf(slot);
      if (i >= 0) this.idle.splice(i, 1);
      void this.kill(slot);
    }, this.opts.idleMs ?? 30_000);
    slot.idleTimer.unref();
    this.idle.push(slot);
  }

  private async kill(slot: Slot): Promise<void> {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    if (slot.dead) return;
    slot.gone();
    this.all.delete(slot);
    await slot.worker.terminate().catch(() => undefined);
  }
}
