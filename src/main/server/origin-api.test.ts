import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared';
import { parseStatusName, toOriginStatus } from './origin-api';

const base: Job = {
  id: '01J0000000000000000000000A',
  status: 'queued',
  createdAt: Date.UTC(2026, 0, 1, 12, 0, 0),
  startedAt: null,
  completedAt: null,
  updatedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
  progress: 0,
  stage: null,
  errorCode: null,
  errorMessage: null,
  inputPath: '/x/a.wav',
  fileName: 'a.wav',
  sizeBytes: 10,
  mtimeMs: 1,
  contentHash: null,
  attempts: 0,
  analyzerVersion: '1',
  priority: 0,
  reusedFrom: null,
  summary: null,
};

describe('toOriginStatus', () => {
  it('maps every status to the origin vocabulary', () => {
    const now = base.createdAt;
    expect(toOriginStatus({ ...base, status: 'queued' }, now).status).toBe('pending');
    expect(toOriginStatus({ ...base, status: 'processing', startedAt: now }, now).status).toBe('processing');
    expect(toOriginStatus({ ...base, status: 'completed', startedAt: now, completedAt: now }, now).status).toBe('complete');
    expect(toOriginStatus({ ...base, status: 'failed' }, now).status).toBe('error');
    expect(toOriginStatus({ ...base, status: 'cancelled' }, now).status).toBe('cancelled');
  });
  it('gives ISO times, elapsed and an extrapolated remaining time while processing', () => {
    const started = base.createdAt + 1000;
    const r = toOriginStatus({ ...base, status: 'processing', startedAt: started, progress: 0.25, stage: 'tempo' }, started + 10_000);
    expect(r).toMatchObject({
      job_id: base.id,
      created_at: '2026-01-01T12:00:00.000Z',
      started_at: '2026-01-01T12:00:01.000Z',
      completed_at: null,
      elapsed: 10,
      estimated_remaining: 30,
      progress: 0.25,
      stage: 'tempo',
    });
  });
  it('carries the error of a failed job and has no estimate once finished', () => {
    const r = toOriginStatus(
      { ...base, status: 'failed', startedAt: base.createdAt, completedAt: base.createdAt + 2500, errorCode: 'E_DECODE', errorMessage: 'bad' },
      base.createdAt + 99_000,
    );
    expect(r).toMatchObject({ status: 'error', error_code: 'E_DECODE', error_message: 'bad', elapsed: 2.5, estimated_remaining: null });
  });
  it('has no elapsed time before the job started', () => {
    expect(toOriginStatus(base, base.createdAt + 5000)).toMatchObject({ elapsed: null, estimated_remaining: null });
  });
});

describe('parseStatusName', () => {
  it('accepts both vocabularies', () => {
    expect(parseStatusName('pending')).toBe('queued');
    expect(parseStatusName('complete')).toBe('completed');
    expect(parseStatusName('COMPLETED')).toBe('completed');
    expect(parseStatusName('error')).toBe('failed');
    expect(parseStatusName('failed')).toBe('failed');
    expect(parseStatusName('bogus')).toBeNull();
    expect(parseStatusName('constructor')).toBeNull();
  });
});
