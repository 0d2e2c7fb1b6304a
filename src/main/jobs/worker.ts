/**
 * The analysis worker entry (worker_threads; built as out/main/analysis-worker.js).
 * It runs the engine's analyzeFile and talks to the runner only through messages; it never opens
 * the database. The runner terminates it to cancel, on timeout, or when it is no longer needed.
 */
import { launchedCpuMs } from '../analysis/launcher';
import { analyzeFile } from '../analysis/pipeline';
import { runWorkerHost } from './worker-host';

runWorkerHost(analyzeFile, launchedCpuMs);
