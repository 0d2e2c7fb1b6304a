import { beforeEach, describe, expect, it } from 'vitest';
import { batchSummary, setFrameScheduler, useJobs } from './jobs';
import { makeJob } from '../test/fakeApi';

let frames: (() => void)[] = [];
beforeEach(() => {
  frames = [];
  setFrameScheduler((cb) => frames.push(cb));
  useJobs.setState({ byId: {}, queueIds: [], rejected: [], historyVersion: 0, reusedIds: {} });
});

describe('jobs store', () => {
  it('applies a burst of events in ONE store update on the next frame', () => {
    const jobs = Array.from({ length: 200 }, () => makeJob({ status: 'processing' }));
    let updates = 0;
    const off = useJobs.subscribe(() => updates++);
    for (const j of jobs) useJobs.getState().enqueueUpdate(j);
    for (const j of jobs)
      for (let k = 1; k <= 5; k++)
        useJobs.getState().enqueueProgress({ id: j.id, progress: k / 10, stage: 'tempo' });
    expect(updates).toBe(0);
    expect(frames).toHaveLength(1); // one frame requested however many events came
    frames.shift()!();
    off();
    expect(updates).toBe(1);
    const s = useJobs.getState();
    expect(s.queueIds).toHaveLength(200);
    expect(s.byId[jobs[7].id]).toMatchObject({ progress: 0.5, stage: 'tempo' });
  });

  it('a newer row wins over older progress, and progress never moves a finished job', () => {
    const j = makeJob({ status: 'processing', progress: 0.3 });
    useJobs.getState().upsertMany([j]);
    useJobs.getState().enqueueProgress({ id: j.id, progress: 0.6, stage: 'chords' });
    useJobs.getState().enqueueUpdate({ ...j, status: 'completed', progress: 1, stage: null });
    useJobs.getState().flush();
    expect(useJobs.getState().byId[j.id]).toMatchObject({ status: 'completed', progress: 1 });
    useJobs.getState().enqueueProgress({ id: j.id, progress: 0.2, stage: 'late' });
    useJobs.getState().flush();
    expect(useJobs.getState().byId[j.id].progress).toBe(1);
  });

  it('bumps the history version when a job finishes or is removed, not on progress', () => {
    const j = makeJob({ status: 'processing' });
    useJobs.getState().upsertMany([j]);
    const v0 = useJobs.getState().historyVersion;
    useJobs.getState().enqueueProgress({ id: j.id, progress: 0.5, stage: null });
    useJobs.getState().flush();
    expect(useJobs.getState().historyVersion).toBe(v0);
    useJobs.getState().enqueueUpdate({ ...j, status: 'failed', errorCode: 'E_DECODE' });
    useJobs.getState().flush();
    expect(useJobs.getState().historyVersion).toBe(v0 + 1);
    useJobs.getState().enqueueRemoved([j.id]);
    useJobs.getState().flush();
    expect(useJobs.getState().historyVersion).toBe(v0 + 2);
    expect(useJobs.getState().queueIds).toEqual([]);
  });

  it('a submit answer that arrives after the job.updated event of a later change does not undo it', () => {
    const queued = makeJob({ status: 'queued' });
    const processing = {
      ...queued,
      status: 'processing' as const,
      stage: 'starting',
      updatedAt: queued.updatedAt + 5,
    };
    useJobs.getState().enqueueUpdate(processing);
    useJobs.getState().flush();
    useJobs.getState().upsertMany([queued]); // the answer was read before the runner started the job
    expect(useJobs.getState().byId[queued.id]).toMatchObject({ status: 'processing', stage: 'starting' });
    // same millisecond: the version further along wins
    const done = { ...processing, status: 'completed' as const, progress: 1 };
    useJobs.getState().enqueueUpdate(done);
    useJobs.getState().flush();
    useJobs.getState().upsertMany([processing]);
    expect(useJobs.getState().byId[queued.id].status).toBe('completed');
    // a real later write (a retry) goes through
    useJobs.getState().upsertMany([{ ...done, status: 'queued', updatedAt: done.updatedAt + 1 }]);
    expect(useJobs.getState().byId[queued.id].status).toBe('queued');
  });

  it('clears finished jobs from the queue but keeps running ones', () => {
    const a = makeJob({ status: 'completed' });
    const b = makeJob({ status: 'processing' });
    useJobs.getState().upsertMany([a, b]);
    useJobs.getState().clearFinished();
    expect(useJobs.getState().queueIds).toEqual([b.id]);
  });

  it('summarises a batch', () => {
    const s = batchSummary([
      makeJob({ status: 'completed' }),
      makeJob({ status: 'failed' }),
      makeJob({ status: 'queued' }),
      makeJob({ status: 'completed' }),
    ]);
    expect(s).toEqual({ done: 2, failed: 1, cancelled: 0, total: 4, active: 1 });
  });
});
