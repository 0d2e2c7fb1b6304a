import { describe, expect, it } from 'vitest';
import { runtimePaths } from './cli-paths';

describe('runtimePaths', () => {
  it('uses the bundled worker and renderer next to out/main/server.js', () => {
    expect(runtimePaths('file:///app/out/main/server.js')).toEqual({ workerPath: '/app/out/main/analysis-worker.js', rendererDir: '/app/out/renderer' });
  });
  it('runs the TypeScript worker through tsx from source', () => {
    expect(runtimePaths('file:///repo/src/main/server/cli.ts')).toEqual({
      workerPath: '/repo/src/main/jobs/worker.ts',
      workerExecArgv: ['--import', 'tsx'],
      rendererDir: '/repo/out/renderer',
    });
  });
});
