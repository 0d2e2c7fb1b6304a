import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared';
import { BatchProgress } from './batch-progress';

const job = (id: string, status: Job['status'], progress = 0): Job => ({
  id, status, progress, createdAt: 0, startedAt: null, completedAt: null, updatedAt: 0, stage: null,
  errorCode: null, errorMessage: null, inputPath: `/a/${id}.wav`, fileName: `${id}.wav`, sizeBytes: 1,
  mtimeMs: 0, contentHash: null, attempts: 0, analyzerVersion: 'x', priority: 0, reusedFrom: null, summary: null,
});

describe('BatchProgress', () => {
  it('averages progress over the batch and reports its end once', () => {
    const b = new BatchProgress();
    expect(b.update(job('a', 'queued'))).toMatchObject({ active: true, fraction: 0 });
    expect(b.update(job('b', 'processing', 0.5))).toMatchObject({ active: true, fraction: 0.25 });
    expect(b.update(job('a', 'completed'))).toMatchObject({ active: true, fraction: 0.75, finished: null });
    expect(b.update(job('b', 'failed'))).toEqual({ active: false, fraction: 1, finished: '1 of 2 analyses done, 1 failed' });
    // a later update of a finished job does not start a new batch
    expect(b.update(job('b', 'failed'))).toMatchObject({ active: false, finished: null });
  });
});
