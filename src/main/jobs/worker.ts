/**
 * The analysis worker entry (worker_threads; built as out/main/analysis-worker.js).
 * It runs the engine's analyzeFile and talks to the runner only through messages; it never opens
 * the database. The runner terminates it to cancel, on timeout, or when it is no longer needed.
 */
import { FFMPEG_PATH } from '../analysis/decode';
import { launchedCpuMs, warmLauncher } from '../analysis/launcher';
import { analyzeFile } from '../analysis/pipeline';
import { runWorkerHost } from './worker-host';

// the decoder's helper process starts with the worker, not with its first song
warmLauncher(FFMPEG_PATH);
runWorkerHost(analyzeFile, launchedCpuMs);
