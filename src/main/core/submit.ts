/**
 * Submission: expand/stat the inputs, then ONE store.createJobs call (one transaction, one fsync),
 * then one acknowledgement. The runner is poked once afterwards.
 */
import { stat } from 'node:fs/promises';
import type { Job, SubmitResult } from '../../shared';
import { AppError } from '../../shared';
import type { JobStore, NewJobInput } from '../db/store-api';
import type { Runner } from '../jobs/runner';
import type { EventBus } from './events';
import { expandPaths } from './expand';
import type { ExpandOptions } from './expand';

export interface SubmitService {
  submitPaths(paths: readonly string[]): Promise<SubmitResult>;
  submitUpload(tempPath: string, originalName: string): Promise<Job>;
}

export function createSubmitService(deps: {
  store: JobStore;
  runner: Runner;
  events: EventBus;
  analyzerVersion: string;
  expand?: ExpandOptions;
}): SubmitService {
  const { store, runner, events, analyzerVersion } = deps;

  const announce = (jobs: Job[]): void => {
    for (const j of jobs) events.emit('job.updated', j);
    runner.pump();
    // jobs that did not get a slot right away are hashed ahead (instant reuse of known content)
    runner.hashAhead(jobs.map((j) => j.id));
  };

  return {
    async submitPaths(paths) {
      const { files, rejected } = await expandPaths(paths, deps.expand);
      const inputs: NewJobInput[] = files.map((f) => ({
        inputPath: f.path,
        fileName: f.fileName,
        sizeBytes: f.sizeBytes,
        mtimeMs: f.mtimeMs,
        contentHash: null,
        analyzerVersion,
      }));
      const jobs = inputs.length > 0 ? store.createJobs(inputs) : [];
      announce(jobs);
      return { jobs, rejected };
    },

    async submitUpload(tempPath, originalName) {
      let st;
      try {
        st = await stat(tempPath);
      } catch {
        throw new AppError('E_NOT_FOUND', 'The uploaded file is missing');
      }
      if (!st.isFile()) throw new AppError('E_NOT_REGULAR_FILE', 'The upload is not a regular file');
      const name = originalName.replace(/[\\/]/g, '_').slice(0, 255) || 'upload';
      const [job] = store.createJobs([
        {
          inputPath: tempPath,
          fileName: name,
          sizeBytes: st.size,
          mtimeMs: st.mtimeMs,
          contentHash: null,
          analyzerVersion,
          ownsInput: true,
        },
      ]);
      if (!job) throw new AppError('E_INTERNAL', 'Internal error');
      announce([job]);
      return job;
    },
  };
}
