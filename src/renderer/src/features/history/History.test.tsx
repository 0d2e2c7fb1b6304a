import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { History } from './History';
import { DEFAULT_FILTERS, MORE_PAGE, PAGE, buildQuery, useHistory } from './historyStore';
import { setApi } from '../../api/client';
import { fakeApi, makeJob } from '../../test/fakeApi';
import { JobRowSchema, toJobRow, type Job, type ListQuery } from '../../../../shared/domain';

// happy-dom has no layout: give the scroll container a size so the virtualiser renders rows
beforeEach(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 900 });
  localStorage.clear();
  useHistory.setState({
    ...DEFAULT_FILTERS,
    items: [],
    total: 0,
    nextCursor: null,
    selected: {},
    activeId: null,
    loading: false,
    error: null,
  });
});
afterEach(() => {
  cleanup();
  setApi(null);
});

/** a fake core that sorts and filters like the real list query, over `all` */
function serve(initial: Job[]) {
  const all = [...initial];
  const api = fakeApi();
  api.handle('jobs.rows', (q: ListQuery) => {
    let items = all.filter((j) => !q.status || q.status.includes(j.status));
    if (q.search) items = items.filter((j) => j.fileName.toLowerCase().includes(q.search!.toLowerCase()));
    if (q.keys) items = items.filter((j) => j.summary?.key && q.keys!.includes(j.summary.key));
    const dir = q.order === 'asc' ? 1 : -1;
    if (q.sort === 'name') items = [...items].sort((a, b) => dir * a.fileName.localeCompare(b.fileName));
    if (q.sort === 'bpm')
      items = [...items].sort((a, b) => dir * ((a.summary?.bpm ?? 0) - (b.summary?.bpm ?? 0)));
    const start = q.cursor ? Number(q.cursor) : 0;
    const limit = q.limit ?? 100;
    const page = items.slice(start, start + limit);
    return {
      // what the core answers on jobs.rows: list rows, checked against the contract
      items: page.map((j) => JobRowSchema.parse(toJobRow(j))),
      total: items.length,
      nextCursor: start + limit < items.length ? String(start + limit) : null,
    };
  });
  api.handle('jobs.delete', ({ ids }) => {
    const gone = new Set(ids);
    const before = all.length;
    all.splice(0, all.length, ...all.filter((j) => !gone.has(j.id)));
    return { deleted: before - all.length };
  });
  setApi(api);
  return api;
}

const summary = (bpm: number, key: string) => ({
  durationSec: 200,
  bpm,
  key,
  camelot: null,
  title: null,
  artist: null,
});

describe('History', () => {
  it('renders only a window of rows for a long list and loads the next page near the end', async () => {
    const all = Array.from({ length: 1000 }, (_, i) =>
      makeJob({
        status: 'completed',
        fileName: `track-${String(i).padStart(4, '0')}.mp3`,
        summary: summary(100 + (i % 50), 'Am'),
      }),
    );
    const api = serve(all);
    render(<History />);
    await waitFor(() => expect(screen.getByTestId('history-total').textContent).toBe('1,000 jobs'));
    const rows = screen.getAllByTestId('history-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60); // virtualised: not a whole page, let alone 1000
    expect(api.callsTo('jobs.rows')).toHaveLength(1);
    await act(async () => useHistory.getState().loadMore());
    expect(useHistory.getState().items).toHaveLength(PAGE + MORE_PAGE);
    expect((api.callsTo('jobs.rows')[1] as ListQuery).limit).toBe(MORE_PAGE);
  });

  it('sorts on a column header click and toggles the order on the second click', async () => {
    const api = serve([
      makeJob({ fileName: 'b.wav' }),
      makeJob({ fileName: 'a.wav' }),
      makeJob({ fileName: 'c.wav' }),
    ]);
    render(<History />);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(3));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /^File/ })));
    await waitFor(() => expect(screen.getAllByTestId('history-row')[0].textContent).toContain('a.wav'));
    expect(screen.getByRole('columnheader', { name: /File/ }).getAttribute('aria-sort')).toBe('ascending');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /^File/ })));
    await waitFor(() => expect(screen.getAllByTestId('history-row')[0].textContent).toContain('c.wav'));
    const last = api.callsTo('jobs.rows').at(-1) as ListQuery;
    expect(last).toMatchObject({ sort: 'name', order: 'desc' });
  });

  it('filters by status and key (with compatible keys), and says so when nothing matches', async () => {
    const api = serve([
      makeJob({ status: 'completed', fileName: 'x.wav', summary: summary(120, 'C') }),
      makeJob({ status: 'failed', fileName: 'y.wav' }),
    ]);
    render(<History />);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(2));
    await act(async () => fireEvent.click(screen.getByLabelText('failed')));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(1));
    expect(screen.getByTestId('history-row').textContent).toContain('y.wav');
    await act(async () => fireEvent.click(screen.getByLabelText('failed')));
    await act(async () => fireEvent.change(screen.getByLabelText('Key filter'), { target: { value: 'Am' } }));
    await waitFor(() => expect(screen.getByTestId('history-empty').textContent).toContain('No jobs match'));
    await act(async () => fireEvent.click(screen.getByLabelText('compatible keys')));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(1)); // C is Am's relative
    expect((api.callsTo('jobs.rows').at(-1) as ListQuery).keys).toEqual(['Am', 'C', 'Dm', 'Em']);
  });

  it('multi-selects with Shift and deletes the selection after a confirm', async () => {
    const jobs = ['a', 'b', 'c', 'd'].map((n) => makeJob({ status: 'completed', fileName: `${n}.wav` }));
    const api = serve(jobs);
    render(<History />);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(4));
    const rows = screen.getAllByTestId('history-row');
    fireEvent.click(rows[0]);
    fireEvent.click(rows[2], { shiftKey: true });
    expect(Object.keys(useHistory.getState().selected).sort()).toEqual(
      [jobs[0].id, jobs[1].id, jobs[2].id].sort(),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete selected…' }));
    expect(api.callsTo('jobs.delete')).toHaveLength(0);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete' })));
    expect((api.callsTo('jobs.delete')[0] as { ids: string[] }).ids.sort()).toEqual(
      [jobs[0].id, jobs[1].id, jobs[2].id].sort(),
    );
    expect(useHistory.getState().items.map((j) => j.fileName)).toEqual(['d.wav']);
  });

  it('keeps sort and filters in localStorage (but not the loaded rows)', () => {
    serve([]);
    useHistory
      .getState()
      .setFilters({ sort: 'bpm', order: 'asc', statuses: ['completed'], key: 'F#m', compatible: true });
    const saved = JSON.parse(localStorage.getItem('performia.history.v1')!).state;
    expect(saved).toMatchObject({
      sort: 'bpm',
      order: 'asc',
      statuses: ['completed'],
      key: 'F#m',
      compatible: true,
    });
    expect(saved.items).toBeUndefined();
  });

  it('builds the list query: BPM range with ½×/2× only when a range is set', () => {
    expect(buildQuery({ ...DEFAULT_FILTERS, halfDouble: true }, null).bpmHalfDouble).toBeUndefined();
    expect(
      buildQuery({ ...DEFAULT_FILTERS, bpmMin: 120, bpmMax: 130, halfDouble: true, search: '  x ' }, 'c1'),
    ).toEqual({
      limit: PAGE,
      cursor: 'c1',
      sort: 'created',
      order: 'desc',
      bpmMin: 120,
      bpmMax: 130,
      bpmHalfDouble: true,
      search: 'x',
    });
  });
});

describe('History keyboard and restore', () => {
  it('arrows move the active row, Space selects, Enter opens a completed job', async () => {
    const { useApp } = await import('../../stores/app');
    const jobs = ['a', 'b', 'c'].map((n) => makeJob({ status: 'completed', fileName: `${n}.wav` }));
    serve(jobs);
    render(<History />);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(3));
    const body = screen.getByTestId('history-body');
    fireEvent.keyDown(body, { key: 'ArrowDown' });
    expect(useHistory.getState().activeId).toBe(jobs[0].id);
    fireEvent.keyDown(body, { key: 'ArrowDown' });
    fireEvent.keyDown(body, { key: ' ' });
    expect(useHistory.getState().selected).toEqual({ [jobs[1].id]: true });
    fireEvent.keyDown(body, { key: 'End' });
    fireEvent.keyDown(body, { key: 'Enter' });
    expect(useApp.getState()).toMatchObject({ view: 'song', songId: jobs[2].id });
  });

  it('saves the scroll position (debounced) and restores it on the next start', async () => {
    const { vi } = await import('vitest');
    serve(Array.from({ length: 50 }, (_, i) => makeJob({ fileName: `t${i}.wav` })));
    localStorage.setItem('performia.history.scrollTop', '340');
    render(<History />);
    await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(3));
    const body = screen.getByTestId('history-body');
    expect(body.scrollTop).toBe(340);
    vi.useFakeTimers();
    body.scrollTop = 680;
    fireEvent.scroll(body);
    expect(localStorage.getItem('performia.history.scrollTop')).toBe('340');
    vi.advanceTimersByTime(300);
    expect(localStorage.getItem('performia.history.scrollTop')).toBe('680');
    vi.useRealTimers();
  });
});

describe('History rows from events', () => {
  it('a job.updated (full job) replaces its loaded list row with the projected row', async () => {
    const jobs = Array.from({ length: 3 }, (_, i) => makeJob({ fileName: `e${i}.wav` }));
    serve(jobs);
    render(<History />);
    await waitFor(() => expect(useHistory.getState().items).toHaveLength(3));
    expect(useHistory.getState().items[0]).not.toHaveProperty('summary');
    const done: Job = { ...jobs[1], status: 'completed', summary: summary(128, 'Am') };
    act(() => useHistory.getState().patchLocal([done]));
    const row = useHistory.getState().items.find((r) => r.id === done.id);
    expect(row).toEqual(toJobRow(done));
    expect(row).toMatchObject({ status: 'completed', bpm: 128, key: 'Am' });
    // an event older than the row it meets (by updatedAt) does not put it back (stores/later.ts)
    act(() =>
      useHistory
        .getState()
        .patchLocal([{ ...jobs[1], status: 'processing', updatedAt: jobs[1].updatedAt - 1 }]),
    );
    expect(useHistory.getState().items.find((r) => r.id === done.id)).toBe(row);
    await waitFor(() => expect(screen.getByText('128.0')).toBeTruthy());
  });
});

describe('History live refresh', () => {
  it('refreshes during a continuous batch (throttled) and keeps the loaded rows', async () => {
    const { useJobs } = await import('../../stores/jobs');
    const all = Array.from({ length: 1000 }, (_, i) =>
      makeJob({ status: 'completed', fileName: `x${i}.wav` }),
    );
    const api = serve(all);
    render(<History />);
    await waitFor(() => expect(useHistory.getState().items).toHaveLength(PAGE));
    await act(async () => useHistory.getState().loadMore());
    const loaded = PAGE + MORE_PAGE;
    expect(useHistory.getState().items).toHaveLength(loaded);
    const before = api.callsTo('jobs.rows').length;
    // a job finishes every 100 ms for 2 s (real time): a debounce would never fire; the 750 ms throttle fires a few times, not 20
    for (let t = 0; t < 2000; t += 100) {
      act(() => useJobs.setState((s) => ({ historyVersion: s.historyVersion + 1 })));
      await act(async () => new Promise((r) => setTimeout(r, 100)));
    }
    const refreshes = api.callsTo('jobs.rows').slice(before) as ListQuery[];
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(refreshes.length).toBeLessThanOrEqual(4);
    expect(refreshes.every((q) => q.limit === loaded && q.cursor === null)).toBe(true);
    await waitFor(() => expect(useHistory.getState().items).toHaveLength(loaded));
  });
});

describe('History scrolling', () => {
  it('reuses row elements for the rows that scroll in, instead of creating new ones', async () => {
    const all = Array.from({ length: 1000 }, (_, i) =>
      makeJob({ status: 'completed', fileName: `r${String(i).padStart(4, '0')}.wav` }),
    );
    serve(all);
    render(<History />);
    await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(5));
    const body = screen.getByTestId('history-body');
    await act(async () => {
      body.scrollTop = 40 * 34;
      fireEvent.scroll(body);
    });
    await waitFor(() => expect(screen.getAllByTestId('history-row')[0].dataset.jobId).not.toBe(all[0].id));
    // let the window settle (the virtualiser measures once more after the first scroll)
    await act(async () => new Promise((r) => setTimeout(r, 50)));
    const before = screen.getAllByTestId('history-row');
    const firstBefore = before[0].dataset.jobId;
    const idsBefore = new Set(before.map((r) => r.dataset.jobId));
    // ten rows further: the rows new to the window must land in the elements the departed rows left
    await act(async () => {
      body.scrollTop = 50 * 34;
      fireEvent.scroll(body);
    });
    await waitFor(() => expect(screen.getAllByTestId('history-row')[0].dataset.jobId).not.toBe(firstBefore));
    const after = screen.getAllByTestId('history-row');
    const fresh = after.filter((r) => !idsBefore.has(r.dataset.jobId));
    expect(fresh.length).toBeGreaterThanOrEqual(8);
    // at most the one slot by which the window can be shorter than the key pool is a new element
    expect(after.filter((r) => !before.includes(r)).length).toBeLessThanOrEqual(1);
    // a recycled element shows its new job in full, not a stale cell of the old one
    for (const r of fresh) {
      const job = all.find((j) => j.id === r.dataset.jobId)!;
      expect(r.textContent).toContain(job.fileName);
    }
  });
});

describe('History rows follow every status change (issue 9.3)', () => {
  /**
   * A fake core whose list answers can be held back: each answer is read from `rows` when the request
   * arrives (as the real store does) and delivered only when the test lets it go, like a list response
   * still on the wire while the job's next job.updated event overtakes it.
   */
  function slowServe() {
    const rows = new Map<string, Job>();
    const held: (() => void)[] = [];
    let hold = false;
    const api = fakeApi();
    api.handle('jobs.rows', () => {
      // the core reads list rows (JobRow), checked against the contract
      const items = [...rows.values()].reverse().map((j) => JobRowSchema.parse(toJobRow(j)));
      const page = { items, total: items.length, nextCursor: null };
      if (!hold) return page;
      return new Promise<typeof page>((resolve) => held.push(() => resolve(page)));
    });
    setApi(api);
    return {
      api,
      rows,
      holdAnswers: (on: boolean) => void (hold = on),
      release: async () => {
        await act(async () => {
          for (const r of held.splice(0)) r();
          await new Promise((r) => setTimeout(r, 0));
        });
      },
      /** the core changed a row and pushed job.updated */
      change: (job: Job) => {
        rows.set(job.id, job);
        act(() => api.emit('job.updated', job));
      },
    };
  }
  const statusOf = (id: string) =>
    screen.getAllByTestId('history-row').find((r) => r.dataset.jobId === id)?.dataset.status;

  it('the first page asked for before the table mounts is the one it shows: one request, not two', async () => {
    const { useJobs } = await import('../../stores/jobs');
    useJobs.setState({ historyVersion: 0 });
    const core = slowServe();
    const a = makeJob({ fileName: 'a.wav', status: 'completed' });
    core.rows.set(a.id, a);
    core.holdAnswers(true);
    // as the window does before React renders (main.tsx), then the table mounting
    const early = useHistory.getState().reload();
    render(<History />);
    expect(core.api.callsTo('jobs.rows')).toHaveLength(1);
    await core.release();
    await act(async () => early);
    expect(screen.getAllByTestId('history-row')).toHaveLength(1);
    expect(core.api.callsTo('jobs.rows')).toHaveLength(1);
    // once answered, a new load asks again; so does a refresh, or another query while one is on its way
    core.holdAnswers(false);
    await act(async () => useHistory.getState().reload());
    expect(core.api.callsTo('jobs.rows')).toHaveLength(2);
    core.holdAnswers(true);
    act(() => void useHistory.getState().reload());
    act(() => void useHistory.getState().reload({ refresh: true }));
    act(() => useHistory.getState().setFilters({ search: 'b' }));
    expect(core.api.callsTo('jobs.rows')).toHaveLength(5);
    await core.release();
  });

  it('a just-added job goes queued → processing → completed even when its first list answer arrives after the processing event', async () => {
    const { useJobs } = await import('../../stores/jobs');
    const { connectEvents } = await import('../../stores/bridge');
    useJobs.setState({ byId: {}, queueIds: [], rejected: [], historyVersion: 0, reusedIds: {} });
    const core = slowServe();
    const off = connectEvents();
    render(<History />);
    await waitFor(() => expect(screen.getByTestId('history-empty')).toBeTruthy());

    const queued = makeJob({ fileName: 'long song.wav', status: 'queued' });
    core.rows.set(queued.id, queued);
    core.holdAnswers(true);
    // the submit answer: the queue shows it, and the history asks for a refresh (held on the wire)
    act(() => useJobs.getState().upsertMany([queued]));
    await waitFor(() => expect(core.api.callsTo('jobs.rows').length).toBe(2));
    // the runner starts it; the event arrives before the list answer that was read while it was queued
    core.change({ ...queued, status: 'processing', stage: 'starting', updatedAt: queued.updatedAt + 40 });
    await core.release();
    await waitFor(() => expect(statusOf(queued.id)).toBe('processing'));
    core.holdAnswers(false);

    core.change({ ...queued, status: 'completed', progress: 1, updatedAt: queued.updatedAt + 9000 });
    await waitFor(() => expect(statusOf(queued.id)).toBe('completed'));
    off();
  });

  it('a list answer read before an event never puts a loaded row back to its older status', async () => {
    const core = slowServe();
    const { connectEvents } = await import('../../stores/bridge');
    const off = connectEvents();
    const job = makeJob({ fileName: 'b.wav', status: 'queued' });
    core.rows.set(job.id, job);
    render(<History />);
    await waitFor(() => expect(statusOf(job.id)).toBe('queued'));

    core.holdAnswers(true);
    act(() => void useHistory.getState().reload({ refresh: true }));
    core.change({ ...job, status: 'processing', updatedAt: job.updatedAt + 10 });
    expect(statusOf(job.id)).toBe('processing');
    await core.release();
    expect(statusOf(job.id)).toBe('processing');

    // a later answer that is really newer (more progress written since: a row carries its write time) still wins
    core.holdAnswers(false);
    core.rows.set(job.id, { ...job, status: 'processing', progress: 0.5, updatedAt: job.updatedAt + 20 });
    await act(async () => useHistory.getState().reload({ refresh: true }));
    expect(useHistory.getState().items[0]).toMatchObject({
      status: 'processing',
      updatedAt: job.updatedAt + 20,
    });
    off();
  });

  it('a row removed while a list answer was on its way does not come back with it', async () => {
    const core = slowServe();
    const { connectEvents } = await import('../../stores/bridge');
    const off = connectEvents();
    const a = makeJob({ fileName: 'a.wav', status: 'completed' });
    const b = makeJob({ fileName: 'b.wav', status: 'completed' });
    core.rows.set(a.id, a).set(b.id, b);
    render(<History />);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(2));
    core.holdAnswers(true);
    act(() => void useHistory.getState().reload({ refresh: true }));
    core.rows.delete(a.id);
    act(() => core.api.emit('jobs.removed', { ids: [a.id] }));
    await core.release();
    expect(screen.getAllByTestId('history-row').map((r) => r.dataset.jobId)).toEqual([b.id]);
    expect(useHistory.getState().total).toBe(1);
    off();
  });
});
