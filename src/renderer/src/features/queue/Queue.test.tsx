import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Queue, RejectedList } from './Queue';
import { useJobs, setFrameScheduler } from '../../stores/jobs';
import { setApi } from '../../api/client';
import { fakeApi, makeJob } from '../../test/fakeApi';
import { connectEvents } from '../../stores/bridge';

beforeEach(() => {
  setFrameScheduler((cb) => cb());
  useJobs.setState({ byId: {}, queueIds: [], rejected: [], historyVersion: 0, reusedIds: {} });
});
afterEach(() => {
  cleanup();
  setApi(null);
});

describe('Queue', () => {
  it('shows stage, progress, elapsed and ETA of a running job, live from events', () => {
    const api = fakeApi();
    setApi(api);
    const off = connectEvents();
    const job = makeJob({
      status: 'processing',
      startedAt: Date.now() - 10_000,
      progress: 0.25,
      stage: 'beats',
      fileName: 'song.wav',
    });
    useJobs.getState().upsertMany([job]);
    render(<Queue />);
    const bar = screen.getByRole('progressbar', { name: 'Progress of song.wav' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText('beats')).toBeTruthy();
    expect(screen.getByText(/elapsed 0:1\d/)).toBeTruthy();
    expect(screen.getByText(/ETA 0:[23]\d/)).toBeTruthy(); // 10 s for 25 % → about 30 s left
    act(() => api.emit('job.progress', { id: job.id, progress: 0.8, stage: 'chords' }));
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('80');
    expect(screen.getByText('chords')).toBeTruthy();
    act(() => api.emit('job.updated', { ...job, status: 'completed', progress: 1, completedAt: Date.now() }));
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByTestId('batch-summary').textContent).toBe('1 of 1 done');
    off();
  });

  it('cancel, retry and delete call the core with the job id', async () => {
    const api = fakeApi();
    setApi(api);
    const running = makeJob({ status: 'processing', fileName: 'run.wav' });
    const failed = makeJob({
      status: 'failed',
      fileName: 'bad.mp3',
      errorCode: 'E_UNSUPPORTED_FORMAT',
      errorMessage: 'not audio (magic bytes)',
    });
    api.handle('jobs.cancel', ({ ids }) => ({ cancelled: ids }));
    api.handle('jobs.retry', ({ ids }) => ({
      jobs: ids.map((id) => ({ ...failed, id, status: 'queued' as const })),
    }));
    api.handle('jobs.delete', ({ ids }) => ({ deleted: ids.length }));
    useJobs.getState().upsertMany([running, failed]);
    render(<Queue />);
    expect(screen.getByTestId('batch-summary').textContent).toBe('0 of 2 done, 1 failed');
    // the failure in plain words with its code
    expect(screen.getByRole('alert').textContent).toContain(
      'This is not an audio format Performia can read.',
    );
    expect(screen.getByRole('alert').textContent).toContain('E_UNSUPPORTED_FORMAT');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel run.wav' })));
    expect(api.callsTo('jobs.cancel')).toEqual([{ ids: [running.id] }]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete bad.mp3' })));
    expect(api.callsTo('jobs.delete')).toEqual([{ ids: [failed.id] }]);
    expect(screen.queryByText('bad.mp3')).toBeNull();
  });

  it('retry puts a failed job back in the queue', async () => {
    const api = fakeApi();
    setApi(api);
    const failed = makeJob({ status: 'failed', fileName: 'bad.mp3', errorCode: 'E_TIMEOUT' });
    // like the core, the retry stamps the row (a later write than the failed one the queue holds)
    api.handle('jobs.retry', ({ ids }) => ({
      jobs: ids.map((id) => ({
        ...failed,
        id,
        status: 'queued' as const,
        errorCode: null,
        updatedAt: failed.updatedAt + 1,
      })),
    }));
    useJobs.getState().upsertMany([failed]);
    render(<Queue />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Retry bad.mp3' })));
    expect(screen.getByTestId('queue-row').getAttribute('data-status')).toBe('queued');
  });

  it('lists rejected inputs with their reason and code', () => {
    useJobs
      .getState()
      .addRejected([
        {
          path: 'notes.txt',
          code: 'E_UNSUPPORTED_FORMAT',
          message: 'Not an audio file (by its extension); skipped.',
        },
      ]);
    render(<RejectedList />);
    const box = screen.getByTestId('rejected');
    expect(box.textContent).toContain('notes.txt');
    expect(box.textContent).toContain('E_UNSUPPORTED_FORMAT');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('rejected')).toBeNull();
  });
});

describe('Queue with a huge batch', () => {
  it('draws at most QUEUE_SHOWN rows, running first, and says how many more there are', async () => {
    const { QUEUE_SHOWN, queueOrder } = await import('./Queue');
    setApi(fakeApi());
    const many = Array.from({ length: 5000 }, (_, i) =>
      makeJob({ status: i % 2 ? 'queued' : 'failed', fileName: `f${i}.mp3` }),
    );
    const running = makeJob({ status: 'processing', fileName: 'now.mp3' });
    useJobs.getState().upsertMany([...many, running]);
    render(<Queue />);
    const rows = screen.getAllByTestId('queue-row');
    expect(rows).toHaveLength(QUEUE_SHOWN);
    expect(rows[0].getAttribute('data-status')).toBe('processing');
    expect(rows[1].getAttribute('data-status')).toBe('queued');
    expect(screen.getByTestId('queue-more').textContent).toContain(
      `${(5001 - QUEUE_SHOWN).toLocaleString()} more`,
    );
    expect(screen.getByTestId('batch-summary').textContent).toBe('0 of 5001 done, 2500 failed');
    // queued jobs in run order: higher priority first, then oldest first
    const q = queueOrder([
      makeJob({ status: 'queued', createdAt: 2 }),
      makeJob({ status: 'queued', createdAt: 1 }),
      makeJob({ status: 'queued', createdAt: 3, priority: 5 }),
    ]);
    expect(q.map((j) => j.createdAt)).toEqual([3, 1, 2]);
  });
});
