import { describe, expect, it, vi } from 'vitest';
import { createHttpApi, uploadFile, type EventSourceLike } from './http';
import { makeJob } from '../test/fakeApi';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('HTTP transport', () => {
  it('POSTs the request to /rpc/<channel> and returns the Result as sent', async () => {
    const fetchImpl = vi.fn(async () => json({ ok: true, value: { count: 2, bytes: 10, dryRun: true } }));
    const api = createHttpApi({ baseUrl: 'http://x', fetchImpl: fetchImpl as unknown as typeof fetch });
    const r = await api.invoke('jobs.cleanup', { olderThanDays: 3, dryRun: true });
    expect(r).toEqual({ ok: true, value: { count: 2, bytes: 10, dryRun: true } });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://x/rpc/jobs.cleanup');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body as string)).toEqual({ olderThanDays: 3, dryRun: true });
    expect(api.mode).toBe('headless');
  });

  it('passes error Results through with their code, whatever the HTTP status', async () => {
    const api = createHttpApi({
      baseUrl: '',
      fetchImpl: (async () =>
        json(
          { ok: false, error: { code: 'E_JOB_NOT_FOUND', message: 'no such job' } },
          404,
        )) as unknown as typeof fetch,
    });
    expect(await api.invoke('jobs.get', { id: 'x' })).toEqual({
      ok: false,
      error: { code: 'E_JOB_NOT_FOUND', message: 'no such job' },
    });
  });

  it('turns unreadable answers and network failures into E_INTERNAL, never a throw', async () => {
    const html = createHttpApi({
      baseUrl: '',
      fetchImpl: (async () =>
        new Response('<html>', { status: 502, statusText: 'Bad Gateway' })) as unknown as typeof fetch,
    });
    const r1 = await html.invoke('db.stats', {});
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.error.code).toBe('E_INTERNAL');
    const down = createHttpApi({
      baseUrl: '',
      fetchImpl: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    });
    const r2 = await down.invoke('db.stats', {});
    expect(r2).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
  });

  it('opens one EventSource and dispatches named events to their listeners', () => {
    const handlers = new Map<string, (ev: { data: string }) => void>();
    const opened: string[] = [];
    const es: EventSourceLike = { addEventListener: (t, l) => handlers.set(t, l), close: () => undefined };
    const api = createHttpApi({
      baseUrl: '',
      fetchImpl: fetch,
      eventSourceFactory: (u) => (opened.push(u), es),
    });
    const got: unknown[] = [];
    const off = api.on('job.progress', (p) => got.push(p));
    api.on('app.notice', (p) => got.push(p));
    expect(opened).toEqual(['/events']);
    handlers.get('job.progress')!({ data: JSON.stringify({ id: 'a', progress: 0.5, stage: 'tempo' }) });
    handlers.get('job.progress')!({ data: '{broken' });
    handlers.get('app.notice')!({ data: JSON.stringify({ level: 'info', message: 'hi' }) });
    off();
    handlers.get('job.progress')!({ data: JSON.stringify({ id: 'b', progress: 1, stage: null }) });
    expect(got).toEqual([
      { id: 'a', progress: 0.5, stage: 'tempo' },
      { level: 'info', message: 'hi' },
    ]);
  });

  it('uploads a file as multipart field `file` and reads the created jobs', async () => {
    const job = makeJob();
    const fetchImpl = vi.fn(async (_u: string, init: RequestInit) => {
      const form = init.body as FormData;
      const f = form.get('file') as File;
      expect(f.name).toBe('a.wav');
      return json({ ok: true, value: { jobs: [job], rejected: [] } });
    });
    const r = await uploadFile(new File([new Uint8Array(4)], 'a.wav'), {
      fetchImpl: fetchImpl as unknown as typeof fetch,
    });
    expect(r).toEqual({ ok: true, value: { jobs: [job], rejected: [] } });
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/upload');
  });
});
