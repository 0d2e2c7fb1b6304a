import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobSchema, type AppError } from '../../shared';
import { LATEST_VERSION } from './migrations';
import type { JobStoreExt } from './store';
import { completeWith, freshStore, input, songMap, summary } from './test-helpers';

let store: JobStoreExt;
let clock = 1_000_000;
beforeEach(async () => {
  clock = 1_000_000;
  ({ store } = await freshStore({ now: () => clock }));
});
afterEach(() => store.close());

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as AppError).code;
  }
  return undefined;
};

describe('createJobs / getJob', () => {
  it('inserts many jobs with ULIDs in creation order and reads them back', () => {
    const created = store.createJobs([input('a.mp3'), input('b.mp3', { ownsInput: true }), input('c.mp3')]);
    expect(created.map((j) => j.fileName)).toEqual(['a.mp3', 'b.mp3', 'c.mp3']);
    expect([...created.map((j) => j.id)].sort()).toEqual(created.map((j) => j.id));
    for (const j of created) {
      const read = store.getJob(j.id);
      expect(read).toEqual(j);
      expect(JobSchema.parse(read)).toEqual(j);
      expect(read?.status).toBe('queued');
    }
    expect(store.getJobs([created[2].id, 'nope', created[0].id]).map((j) => j.fileName)).toEqual([
      'c.mp3',
      'a.mp3',
    ]);
    expect(store.getJob('missing')).toBeNull();
    expect(codeOf(() => store.requireJob('missing'))).toBe('E_JOB_NOT_FOUND');
  });

  it('rejects a duplicate id and inserts nothing from that batch', () => {
    store.createJobs([input('a.mp3')], ['job-1']);
    expect(codeOf(() => store.createJobs([input('b.mp3'), input('c.mp3')], ['job-2', 'job-1']))).toBe(
      'E_DUPLICATE_ID',
    );
    expect(store.getJob('job-2')).toBeNull();
    expect(codeOf(() => store.createJobs([input('b.mp3'), input('c.mp3')], ['x', 'x']))).toBe(
      'E_DUPLICATE_ID',
    );
    expect(store.stats().total).toBe(1);
  });

  it('rejects invalid inputs with E_INVALID_REQUEST', () => {
    expect(codeOf(() => store.createJobs([input('')]))).toBe('E_INVALID_REQUEST');
    expect(codeOf(() => store.createJobs([input('a', { sizeBytes: -1 })]))).toBe('E_INVALID_REQUEST');
    expect(codeOf(() => store.createJobs([input('a')], ['1', '2']))).toBe('E_INVALID_REQUEST');
    expect(store.stats().total).toBe(0);
  });
});

describe('transition', () => {
  it('follows the legal path and sets times', () => {
    const [j] = store.createJobs([input('a.mp3')]);
    clock = 2_000_000;
    const p = store.transition(j.id, 'processing', { stage: 'decode', contentHash: 'abc' });
    expect(p).toMatchObject({
      status: 'processing',
      startedAt: 2_000_000,
      stage: 'decode',
      contentHash: 'abc',
      progress: 0,
    });
    clock = 3_000_000;
    const f = store.transition(j.id, 'failed', { errorCode: 'E_DECODE', errorMessage: 'bad frame' });
    expect(f).toMatchObject({
      status: 'failed',
      completedAt: 3_000_000,
      errorCode: 'E_DECODE',
      errorMessage: 'bad frame',
      stage: 'decode',
    });
    const q = store.transition(j.id, 'queued');
    expect(q).toMatchObject({
      status: 'queued',
      startedAt: null,
      completedAt: null,
      errorCode: null,
      progress: 0,
      attempts: 0,
    });
  });

  it('rejects illegal transitions and missing jobs', () => {
    const [j] = store.createJobs([input('a.mp3')]);
    expect(codeOf(() => store.transition(j.id, 'queued'))).toBe('E_ILLEGAL_TRANSITION');
    store.transition(j.id, 'cancelled');
    expect(codeOf(() => store.transition(j.id, 'processing'))).toBe('E_ILLEGAL_TRANSITION');
    expect(codeOf(() => store.transition(j.id, 'completed'))).toBe('E_ILLEGAL_TRANSITION');
    expect(codeOf(() => store.transition('missing', 'processing'))).toBe('E_JOB_NOT_FOUND');
    expect(codeOf(() => store.transition(j.id, 'queued', { progress: 2 }))).toBe('E_INVALID_REQUEST');
    expect(store.getJob(j.id)?.status).toBe('cancelled');
  });

  it('re-queueing a completed job clears its result but keeps its edits', () => {
    const [j] = store.createJobs([input('a.mp3')]);
    completeWith(store, j.id, { bpm: 99 });
    store.setEdits(j.id, { bpm: 100 });
    const q = store.transition(j.id, 'queued');
    expect(q.summary).toBeNull();
    expect(store.getSongMap(j.id)).toBeNull();
    expect(store.getEdits(j.id)).toEqual({ bpm: 100 });
  });
});

describe('updateProgress', () => {
  it('persists progress and stage of a processing job only', () => {
    const [j] = store.createJobs([input('a.mp3')]);
    expect(codeOf(() => store.updateProgress(j.id, 0.5, 'tempo'))).toBe('E_ILLEGAL_TRANSITION');
    store.transition(j.id, 'processing');
    clock = 5_000_000;
    store.updateProgress(j.id, 0.5, 'tempo');
    expect(store.getJob(j.id)).toMatchObject({ progress: 0.5, stage: 'tempo', updatedAt: 5_000_000 });
    expect(codeOf(() => store.updateProgress(j.id, 1.5, 'x'))).toBe('E_INVALID_REQUEST');
    expect(codeOf(() => store.updateProgress(j.id, Number.NaN, 'x'))).toBe('E_INVALID_REQUEST');
    expect(codeOf(() => store.updateProgress('missing', 0.1, null))).toBe('E_JOB_NOT_FOUND');
  });
});

describe('results', () => {
  it('completeJob stores the song map and summary together', () => {
    const [j] = store.createJobs([input('a.mp3')]);
    store.transition(j.id, 'processing');
    const done = store.completeJob(j.id, songMap(j.id, 128), summary({ bpm: 128, title: 'T', artist: 'A' }));
    expect(done).toMatchObject({
      status: 'completed',
      progress: 1,
      summary: { bpm: 128, key: 'Am', title: 'T', artist: 'A' },
    });
    expect(store.getSongMap(j.id)?.tempo?.bpm_global).toBe(128);
    expect(codeOf(() => store.completeJob(j.id, songMap(j.id), summary()))).toBe('E_ILLEGAL_TRANSITION');
    expect(codeOf(() => store.completeJob('missing', songMap('x'), summary()))).toBe('E_JOB_NOT_FOUND');
    const [k] = store.createJobs([input('b.mp3')]);
    store.transition(k.id, 'processing');
    expect(codeOf(() => store.completeJob(k.id, songMap(k.id), { ...summary(), bpm: 'fast' } as never))).toBe(
      'E_INVALID_REQUEST',
    );
    expect(store.getJob(k.id)?.status).toBe('processing');
  });

  it('finds a completed job by content hash + analyzer version and reuses its result', () => {
    const [a, b, c] = store.createJobs([
      input('a.mp3', { contentHash: 'h1' }),
      input('b.mp3', { contentHash: 'h1' }),
      input('c.mp3', { contentHash: 'h1', analyzerVersion: 'test-2' }),
    ]);
    expect(store.findCompletedByHash('h1', 'test-1')).toBeNull();
    completeWith(store, a.id, { bpm: 140 });
    expect(store.findCompletedByHash('h1', 'test-1')?.id).toBe(a.id);
    expect(store.findCompletedByHash('h1', 'test-2')).toBeNull();
    const reused = store.reuseResult(b.id, a.id);
    expect(reused).toMatchObject({ status: 'completed', reusedFrom: a.id, summary: { bpm: 140 } });
    expect(store.getSongMap(b.id)?.id).toBe(b.id);
    expect(codeOf(() => store.reuseResult(c.id, 'missing'))).toBe('E_NOT_READY');
    expect(codeOf(() => store.reuseResult(b.id, a.id))).toBe('E_ILLEGAL_TRANSITION');
  });

  it('a job queued again or completed takes the running engine version, so reuse works after an upgrade', async () => {
    const [old, twin] = store.createJobs([
      input('old.mp3', { contentHash: 'h9', analyzerVersion: 'engine-0' }),
      input('twin.mp3', { contentHash: 'h9', analyzerVersion: 'engine-0' }),
    ]);
    store.transition(old.id, 'processing');
    expect(store.transition(old.id, 'failed', { errorCode: 'E_DECODE' }).analyzerVersion).toBe('engine-0');
    // a retry will run under the current engine
    expect(store.transition(old.id, 'queued').analyzerVersion).toBe('test-1');
    store.transition(old.id, 'processing');
    expect(store.completeJob(old.id, songMap(old.id), summary()).analyzerVersion).toBe('test-1');
    expect(store.findCompletedByHash('h9', 'test-1')?.id).toBe(old.id);
    expect(store.findCompletedByHash('h9', 'engine-0')).toBeNull();
    expect(store.reuseResult(twin.id, old.id).analyzerVersion).toBe('test-1');
    // after an engine upgrade the completed job's re-run is recorded under the new version on disk
    store.close();
    ({ store } = await freshStore({ dataDir: store.dataDir, analyzerVersion: 'engine-2', now: () => clock }));
    expect(store.transition(old.id, 'queued').analyzerVersion).toBe('engine-2');
    expect(store.getJob(old.id)?.analyzerVersion).toBe('engine-2');
    expect(store.getJob(twin.id)?.analyzerVersion).toBe('test-1');
  });

  it('getSongMap is null until completed', () => {
    const [j] = store.createJobs([input('a.mp3')]);
    expect(store.getSongMap(j.id)).toBeNull();
    expect(store.getSongMap('missing')).toBeNull();
  });
});

describe('run queue', () => {
  it('nextQueued orders by priority desc then id; moveToTop puts a job first', () => {
    const js = store.createJobs([input('1'), input('2'), input('3'), input('4')]);
    store.transition(js[0].id, 'processing');
    expect(store.nextQueued(10).map((j) => j.fileName)).toEqual(['2', '3', '4']);
    store.moveToTop(js[3].id);
    expect(store.nextQueued(10).map((j) => j.fileName)).toEqual(['4', '2', '3']);
    store.moveToTop(js[2].id);
    expect(store.nextQueued(2).map((j) => j.fileName)).toEqual(['3', '4']);
    expect(store.nextQueued(2, new Set([js[2].id])).map((j) => j.fileName)).toEqual(['4', '2']);
    expect(codeOf(() => store.moveToTop(js[0].id))).toBe('E_ILLEGAL_TRANSITION');
    expect(codeOf(() => store.moveToTop('missing'))).toBe('E_JOB_NOT_FOUND');
    expect(store.nextQueued(0)).toEqual([]);
  });
});

describe('recoverInterrupted', () => {
  it('requeues processing jobs with attempts+1 and fails them with E_CRASHED at the limit', () => {
    const [a, b, c] = store.createJobs([input('a'), input('b'), input('c')]);
    store.transition(a.id, 'processing');
    store.transition(b.id, 'processing');
    store.updateProgress(b.id, 0.7, 'chords');
    for (let crash = 1; crash <= 2; crash++) {
      const r = store.recoverInterrupted(3);
      expect(r).toEqual({ requeued: [a.id, b.id].sort(), failed: [] });
      expect(store.getJob(b.id)).toMatchObject({
        status: 'queued',
        attempts: crash,
        progress: 0,
        stage: null,
      });
      store.transition(a.id, 'processing');
      store.transition(b.id, 'processing');
    }
    const last = store.recoverInterrupted(3);
    expect(last.failed.sort()).toEqual([a.id, b.id].sort());
    expect(store.getJob(a.id)).toMatchObject({ status: 'failed', errorCode: 'E_CRASHED', attempts: 3 });
    expect(store.getJob(c.id)?.status).toBe('queued');
    expect(store.recoverInterrupted()).toEqual({ requeued: [], failed: [] });
    // a user retry starts the crash budget afresh
    expect(store.transition(a.id, 'queued').attempts).toBe(0);
  });
});

describe('edits and settings', () => {
  it('stores edits apart from results; completeJob leaves them alone', () => {
    const [j] = store.createJobs([input('a')]);
    expect(store.getEdits(j.id)).toBeNull();
    expect(store.setEdits(j.id, { bpm: 121, meter: { numerator: 3, denominator: 4 } })).toEqual({
      bpm: 121,
      meter: { numerator: 3, denominator: 4 },
    });
    completeWith(store, j.id, { bpm: 120 });
    expect(store.getEdits(j.id)).toEqual({ bpm: 121, meter: { numerator: 3, denominator: 4 } });
    expect(store.setEdits(j.id, null)).toBeNull();
    expect(store.getEdits(j.id)).toBeNull();
    expect(codeOf(() => store.setEdits(j.id, { bpm: -5 }))).toBe('E_INVALID_REQUEST');
    expect(codeOf(() => store.setEdits('missing', { bpm: 5 }))).toBe('E_JOB_NOT_FOUND');
    expect(codeOf(() => store.getEdits('missing'))).toBe('E_JOB_NOT_FOUND');
  });

  it('settings have defaults, validate patches and persist', () => {
    const s = store.getSettings();
    expect(s.concurrency).toBeGreaterThanOrEqual(1);
    expect(s).toMatchObject({ retentionDays: null, theme: 'system', keepBackups: 5 });
    expect(store.setSettings({ theme: 'dark', retentionDays: 30 })).toMatchObject({
      theme: 'dark',
      retentionDays: 30,
      keepBackups: 5,
    });
    expect(codeOf(() => store.setSettings({ concurrency: 0 }))).toBe('E_INVALID_REQUEST');
    expect(codeOf(() => store.setSettings({ bogus: 1 } as never))).toBe('E_INVALID_REQUEST');
    expect(store.getSettings().theme).toBe('dark');
  });
});

describe('stats', () => {
  it('counts per status, schema version, size incl. WAL', () => {
    const [a] = store.createJobs([input('a'), input('b')]);
    store.transition(a.id, 'processing');
    const st = store.stats();
    expect(st.counts).toEqual({ queued: 1, processing: 1, completed: 0, failed: 0, cancelled: 0 });
    expect(st.total).toBe(2);
    expect(st.schemaVersion).toBe(LATEST_VERSION);
    expect(st.sizeBytes).toBeGreaterThan(4096);
    expect(st.dbPath.endsWith('performia.sqlite')).toBe(true);
    expect(st.recovery).toBeNull();
  });
});

describe('progress write-behind', () => {
  const persisted = (id: string) => store.db.prepare('SELECT progress, stage FROM jobs WHERE id = ?').get(id);

  it('readers see progress at once; the disk gets it in one batched flush', () => {
    const [a, b] = store.createJobs([input('a'), input('b')]);
    store.transition(a.id, 'processing');
    store.transition(b.id, 'processing');
    store.updateProgress(a.id, 0.25, 'beats');
    store.updateProgress(b.id, 0.5, 'key');
    store.updateProgress(a.id, 0.3, 'chords');
    expect(store.getJob(a.id)).toMatchObject({ progress: 0.3, stage: 'chords' });
    expect(
      store
        .listJobs({ limit: 10, cursor: null, sort: 'created', order: 'desc' })
        .items.map((j) => j.progress),
    ).toEqual([0.5, 0.3]);
    expect(persisted(a.id)).toEqual({ progress: 0, stage: null });
    store.flushProgress();
    expect(persisted(a.id)).toEqual({ progress: 0.3, stage: 'chords' });
    expect(persisted(b.id)).toEqual({ progress: 0.5, stage: 'key' });
  });

  it('a status change carries the latest stage; completion and deletion drop pending values', () => {
    const [a, b] = store.createJobs([input('a'), input('b')]);
    store.transition(a.id, 'processing');
    store.updateProgress(a.id, 0.6, 'chords');
    const failed = store.transition(a.id, 'failed', { errorCode: 'E_ANALYSIS', errorMessage: 'boom' });
    expect(failed).toMatchObject({ status: 'failed', progress: 0.6, stage: 'chords' });
    expect(persisted(a.id)).toEqual({ progress: 0.6, stage: 'chords' });
    store.transition(b.id, 'processing');
    store.updateProgress(b.id, 0.9, 'waveform');
    store.completeJob(b.id, songMap(b.id), summary());
    store.flushProgress();
    expect(store.getJob(b.id)).toMatchObject({ status: 'completed', progress: 1, stage: null });
  });

  it('close() writes pending progress', async () => {
    const [a] = store.createJobs([input('a')]);
    store.transition(a.id, 'processing');
    store.updateProgress(a.id, 0.4, 'tempo');
    store.close();
    const { openJobStore } = await import('./store');
    store = await openJobStore({ dataDir: store.dataDir });
    expect(store.getJob(a.id)).toMatchObject({ progress: 0.4, stage: 'tempo' });
  });
});
