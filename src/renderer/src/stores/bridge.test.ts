import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@testing-library/react';
import { connectEvents } from './bridge';
import { setFrameScheduler, useJobs } from './jobs';
import { useApp } from './app';
import { useHistory } from '../features/history/historyStore';
import { setApi } from '../api/client';
import { fakeApi, makeJob } from '../test/fakeApi';
import { toJobRow, type ListQuery } from '../../../shared/domain';

afterEach(() => setApi(null));

describe('db.restored', () => {
  it('drops every row held from before and loads queue, history and settings again', async () => {
    setFrameScheduler((cb) => cb());
    const before = makeJob({ status: 'processing', fileName: 'gone.wav', updatedAt: Date.UTC(2026, 5, 1) });
    // restored rows are older writes than what the window holds: they must replace it, not lose to it
    const waiting = makeJob({ status: 'queued', fileName: 'back.wav', updatedAt: Date.UTC(2026, 0, 1) });
    const done = makeJob({ status: 'completed', fileName: 'done.wav', updatedAt: Date.UTC(2026, 0, 1) });
    useJobs.setState({ byId: { [before.id]: before }, queueIds: [before.id], rejected: [], reusedIds: {} });
    useHistory.setState({ items: [toJobRow(before)], total: 1, selected: { [before.id]: true } });
    useApp.setState({ notices: [] });
    const api = fakeApi();
    // the queue loads the active jobs (jobs.list), the history its list rows (jobs.rows)
    api.handle('jobs.list', (q: ListQuery) => {
      const items = q.status ? [waiting] : [waiting, done];
      return { items, total: items.length, nextCursor: null };
    });
    api.handle('jobs.rows', () => ({ items: [waiting, done].map(toJobRow), total: 2, nextCursor: null }));
    api.handle('settings.get', () => ({
      concurrency: 1,
      retentionDays: null,
      theme: 'system',
      keepBackups: 5,
    }));
    api.handle('db.stats', () => ({ ok: false, error: { code: 'E_INTERNAL', message: 'n/a' } }));
    setApi(api);
    const off = connectEvents();
    const info = {
      path: '/d/backups/performia-20260101T000000000Z.sqlite',
      createdAt: Date.UTC(2026, 0, 1),
      sizeBytes: 1,
    };
    api.emit('db.restored', {
      restored: info,
      keptAs: { ...info, createdAt: Date.UTC(2026, 5, 2) },
      total: 2,
      requeued: 0,
    });

    await waitFor(() => expect(useJobs.getState().queueIds).toEqual([waiting.id]));
    expect(useJobs.getState().byId[before.id]).toBeUndefined();
    await waitFor(() =>
      expect(useHistory.getState().items.map((j) => j.fileName)).toEqual(['back.wav', 'done.wav']),
    );
    expect(useHistory.getState().selected).toEqual({});
    expect(api.callsTo('settings.get')).toHaveLength(1);
    expect(useApp.getState().notices.map((n) => n.message)).toEqual([
      expect.stringMatching(/^The job history was replaced by the backup of 2026-01-01.* \(2 jobs\)\.$/),
    ]);
    off();
  });
});
