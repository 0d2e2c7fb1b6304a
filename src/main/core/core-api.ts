/**
 * The core: job store + runner + contract handlers, with no Electron and no transport.
 * The Electron IPC binding (src/main/electron/ipc.ts) and the headless HTTP server (src/main/server)
 * both call `dispatch` and forward `events`; they add only their own sender/origin checks.
 */
import type { EventName, EventPayload, Job, Result } from '../../shared';
import type { JobStore } from '../db/store-api';

export interface CoreOptions {
  /** where the database, backups, uploads and api-token live */
  dataDir: string;
  mode: 'electron' | 'headless';
  /** absolute path of the built analysis worker (out/main/analysis-worker.js) or the .ts source in tests */
  workerPath: string;
  /** extra execArgv for workers (e.g. ['--import', 'tsx'] when workerPath is TypeScript) */
  workerExecArgv?: string[];
  /** stored as the concurrency setting at start (server --concurrency, tests); Settings can change it later */
  concurrency?: number;
  /** watchdog per job, ms (default 10 min) */
  jobTimeoutMs?: number;
  /** per-worker old-generation heap cap, MB (default 1024) */
  workerMemoryMb?: number;
  /** Electron only: the OS file dialog */
  openDialog?: () => Promise<string[]>;
  /** start the runner at once (default true); tests may start it later */
  autoStart?: boolean;
  /**
   * start the analysis workers when the runner starts, before any job (default true): a batch's
   * first jobs find the engine loaded. Tests that count workers of a job's lifecycle turn it off.
   */
  warmWorkers?: boolean;
}

export type Unsubscribe = () => void;

export interface CoreEvents {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
}

export interface Core {
  readonly store: JobStore;
  readonly events: CoreEvents;
  /**
   * Validates `payload` against the contract's request schema for `channel`, runs the handler and
   * returns a Result. Unknown channel → E_UNKNOWN_CHANNEL; bad payload → E_INVALID_REQUEST;
   * unexpected errors → E_INTERNAL with a generic message (details are logged, never returned).
   */
  dispatch(channel: string, payload: unknown): Promise<Result<unknown>>;
  /** Adopts a file that was uploaded (already streamed to disk by the HTTP server) as a new job owning it. */
  submitUpload(tempPath: string, originalName: string): Promise<Job>;
  /** stops workers (in-flight jobs go back to `queued`, attempts unchanged, and run at next start), checkpoints, closes the db */
  close(): Promise<void>;
}
