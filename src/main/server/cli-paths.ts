/** Where the worker and the renderer are, for the built bundle and for a run from source (tsx). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RuntimePaths {
  workerPath: string;
  workerExecArgv?: string[];
  rendererDir: string;
}

/** Built: out/main/analysis-worker.js and out/renderer sit next to out/main/server.js. From source: the .ts worker via tsx. */
export function runtimePaths(moduleUrl: string): RuntimePaths {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.ts')) {
    const dir = path.dirname(here);
    return {
      workerPath: path.resolve(dir, '../jobs/worker.ts'),
      workerExecArgv: ['--import', 'tsx'],
      rendererDir: path.resolve(dir, '../../../out/renderer'),
    };
  }
  return {
    workerPath: fileURLToPath(new URL('./analysis-worker.js', moduleUrl)),
    rendererDir: fileURLToPath(new URL('../renderer', moduleUrl)),
  };
}
