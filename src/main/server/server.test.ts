/**
 * The HTTP transport against an in-memory core: auth, host/origin checks, static files, the contract
 * over HTTP, SSE and the origin's REST API. (The real core is exercised by server.integration.test.ts
 * and crash.test.ts.)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SongMap } from '../../shared';
import { emptySongMap } from '../testing/songmap-fixture';
import { CSP } from './http-util';
import { startServer, type HeadlessServer } from './server';
import { FakeCore } from './testing/fake-core';
import { multipart, request, sineWav, type RawResponse } from './testing/http';

let dir: string;
let core: FakeCore;
let srv: HeadlessServer;
let renderer: string;

const auth = (): Record<string, string> => ({ Authorization: `Bearer ${srv.token}` });
const get = (p: string, headers: Record<string, string> = auth()): Promise<RawResponse> => request(srv.port, 'GET', p, { headers });
const rpc = (channel: string, body: unknown, headers: Record<string, string> = auth()): Promise<RawResponse> =>
  request(srv.port, 'POST', `/rpc/${channel}`, { headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function start(extra: { maxUploadBytes?: number; heartbeatMs?: number } = {}): Promise<void> {
  srv = await startServer({ core, dataDir: path.join(dir, 'data'), rendererDir: renderer, port: 0, log: () => {}, ...extra });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'performia-server-'));
  renderer = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Performia</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(renderer, 'assets', 'app-abc.css'), 'body{}');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
  core = new FakeCore(path.join(dir, 'data'));
  await start();
});
afterEach(async () => {
  await srv.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('binding and security checks', () => {
  it('listens on 127.0.0.1 only and refuses to bind elsewhere', async () => {
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/`);
    await expect(startServer({ core, dataDir: dir, rendererDir: renderer, port: 0, host: '0.0.0.0' })).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('refuses foreign or missing Host headers with 421 (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${srv.port}`, `127.0.0.1:${srv.port + 1}`, '127.0.0.1']) {
      const r = await get('/api/jobs', { ...auth(), Host: host });
      expect(r.status, host).toBe(421);
      expect(r.json().error.code).toBe('E_FORBIDDEN');
    }
    for (const host of [`localhost:${srv.port}`, `[::1]:${srv.port}`]) expect((await get('/api/jobs', { ...auth(), Host: host })).status).toBe(200);
  });

  it('needs the bearer token for API routes: none → 401, wrong → 401, right → 200', async () => {
    for (const p of ['/api/jobs', '/api/status/abc', '/api/songmap/abc', '/api/audio/abc/original', '/events']) {
      const r = await get(p, {});
      expect(r.status, p).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer');
      expect((await get(p, { Authorization: 'Bearer wrong-token' })).status, p).toBe(401);
    }
    expect((await rpc('app.info', {}, {})).status).toBe(401);
    expect((await rpc('app.info', {}, { Authorization: `Bearer ${srv.token}x` })).status).toBe(401);
    expect((await request(srv.port, 'DELETE', '/api/jobs/cleanup?days=1')).status).toBe(401);
    expect((await get('/api/jobs')).status).toBe(200);
    expect(fs.readFileSync(srv.tokenFile, 'utf8').trim()).toBe(srv.token);
  });

  it('refuses a foreign Origin with 403 even with the right token, and never sends CORS headers', async () => {
    const r = await rpc('app.info', {}, { ...auth(), Origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.json().error.code).toBe('E_FORBIDDEN');
    expect((await get('/api/jobs', { ...auth(), Origin: 'null' })).status).toBe(403);
    expect((await get('/api/jobs', { ...auth(), 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    const okRes = await rpc('app.info', {}, { ...auth(), Origin: `http://127.0.0.1:${srv.port}` });
    expect(okRes.status).toBe(200);
    for (const res of [r, okRes]) expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('lets the served UI in with its session cookie, same-origin only', async () => {
    const page = await get('/', {});
    const setCookie = page.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^performia_session_${srv.port}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict$`));
    const cookie = setCookie.split(';')[0];
    const origin = `http://127.0.0.1:${srv.port}`;
    expect((await rpc('app.info', {}, { Cookie: cookie, Origin: origin })).json()).toMatchObject({ ok: true, value: { mode: 'headless' } });
    expect((await get('/api/jobs', { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    // a state change with the cookie but without proof of origin is refused; so is any cross-origin use
    expect((await rpc('app.info', {}, { Cookie: cookie })).status).toBe(403);
    expect((await rpc('app.info', {}, { Cookie: cookie, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await rpc('app.info', {}, { Cookie: `performia_session_${srv.port}=forged`, Origin: origin })).status).toBe(401);
  });

  it('keeps an idle kept-alive socket open past Node\'s 5 s default, so a polling client does not meet a reset', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ask = (): Promise<{ status: number; reused: boolean }> =>
      new Promise((resolve, reject) => {
        const req = http.get({ port: srv.port, host: '127.0.0.1', path: '/health', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      expect(await ask()).toEqual({ status: 200, reused: false });
      await new Promise((r) => setTimeout(r, 7_500));
      expect(await ask()).toEqual({ status: 200, reused: true }); // the same socket, still open
    } finally {
      agent.destroy();
    }
  }, 15_000);

  it('/health says only "ok" without credentials, the database facts with them', async () => {
    const anon = await get('/health', {});
    expect(anon.status).toBe(200);
    expect(anon.json()).toEqual({ status: 'ok' });
    core.addJob({ inputPath: '/x/a.wav' });
    const full = (await get('/health')).json();
    expect(full).toMatchObject({ status: 'ok', jobs_count: 1, database_path: path.join(dir, 'data', 'performia.db'), database_size_bytes: 4096, schema_version: 1 });
  });
});

describe('static UI', () => {
  it('serves index.html and assets with content types and the security headers', async () => {
    const page = await get('/', {});
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('<title>Performia</title>');
    expect((await get('/assets/app-abc.js', {})).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app-abc.css', {})).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/settings', {})).text).toContain('<title>Performia</title>'); // client route
    expect((await get('/assets/missing.js', {})).status).toBe(404);
    expect((await request(srv.port, 'POST', '/', {})).status).toBe(405);
  });

  it('cannot be walked out of, by dot-dot, encoded dot-dot, backslashes or symlinks', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/assets/link.txt', '/%00', '/%E0%A4%A', '/.env']) {
      const r = await get(p, {});
      expect([400, 404], p).toContain(r.status);
      expect(r.text, p).not.toContain('TOP SECRET');
    }
  });

  it('says the UI is not built when out/renderer is missing, while the API still works', async () => {
    fs.rmSync(renderer, { recursive: true });
    const r = await get('/', {});
    expect(r.status).toBe(503);
    expect(r.json().error.message).toContain('npm run build');
    expect((await get('/api/jobs')).status).toBe(200);
  });
});

describe('contract over HTTP', () => {
  it('dispatches POST /rpc/<channel> and returns the Result', async () => {
    const job = core.addJob({ inputPath: '/x/a.wav' });
    const r = await rpc('jobs.get', { id: job.id });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ ok: true, value: job });
    expect(core.calls.at(-1)).toEqual({ channel: 'jobs.get', payload: { id: job.id } });
  });

  it('maps failures to HTTP statuses but always returns the Result body', async () => {
    const missing = await rpc('jobs.get', { id: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ ok: false, error: { code: 'E_JOB_NOT_FOUND', message: 'no such job' } });
    const unknown = await rpc('no.such', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json().error.code).toBe('E_UNKNOWN_CHANNEL');
    expect((await rpc('%E0%A4%A', {})).status).toBe(400);
    const invalid = await rpc('jobs.get', { id: 5 });
    expect(invalid.status).toBe(400);
    expect(invalid.json().error.code).toBe('E_INVALID_REQUEST');
  });

  it('answers bad JSON with 400 E_INVALID_REQUEST, an oversized body with 413, an empty body as {}', async () => {
    const bad = await request(srv.port, 'POST', '/rpc/app.info', { headers: auth(), body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ ok: false, error: { code: 'E_INVALID_REQUEST', message: 'request body is not valid JSON' } });
    await srv.close();
    srv = await startServer({ core, dataDir: path.join(dir, 'data'), rendererDir: renderer, port: 0, log: () => {}, maxJsonBytes: 100 });
    const big = await rpc('jobs.get', { id: 'x'.repeat(200) });
    expect(big.status).toBe(413);
    expect(big.json().error.code).toBe('E_TOO_LARGE');
    const empty = await request(srv.port, 'POST', '/rpc/app.info', { headers: auth() });
    expect(empty.json().ok).toBe(true);
    expect((await request(srv.port, 'GET', '/rpc/app.info', { headers: auth() })).status).toBe(405);
  });

  it('streams every core event over SSE and removes its listeners when the client leaves', async () => {
    await srv.close();
    await start({ heartbeatMs: 50 });
    const received: string[] = [];
    const req = http.request({ host: '127.0.0.1', port: srv.port, path: '/events', headers: { Host: `127.0.0.1:${srv.port}`, ...auth() } });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve).end());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    res.setEncoding('utf8');
    res.on('data', (c: string) => received.push(c));
    await new Promise((r) => setTimeout(r, 120));
    const job = core.addJob({ inputPath: '/x/a.wav' });
    core.update(job.id, { status: 'processing', progress: 0.5 });
    core.emit('job.progress', { id: job.id, progress: 0.6, stage: 'tempo' });
    core.emit('jobs.removed', { ids: [job.id] });
    core.emit('app.notice', { level: 'warning', message: 'restored' });
    await new Promise((r) => setTimeout(r, 100));
    const text = received.join('');
    expect(text).toContain(': ping');
    const events = [...text.matchAll(/event: (\S+)\ndata: (.*)\n\n/g)].map((m) => [m[1], JSON.parse(m[2])]);
    expect(events).toEqual([
      ['job.updated', expect.objectContaining({ id: job.id, status: 'processing', progress: 0.5 })],
      ['job.progress', { id: job.id, progress: 0.6, stage: 'tempo' }],
      ['jobs.removed', { ids: [job.id] }],
      ['app.notice', { level: 'warning', message: 'restored' }],
    ]);
    expect(srv.sseClients).toBe(1);
    req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(srv.sseClients).toBe(0);
    // the hub stays subscribed to the core (one listener each) but no client is left to write to
    expect(core.listenerCount('job.updated')).toBe(1);
    await srv.close();
    expect(core.listenerCount('job.updated')).toBe(0);
  });
});

describe('uploads', () => {
  it('POST /api/upload streams files to <data-dir>/uploads and returns the created jobs', async () => {
    const wav = sineWav(0.2);
    const { body, contentType } = multipart([
      { field: 'file', filename: 'One Song.wav', data: wav },
      { field: 'files', filename: '../../evil/two.wav', data: wav },
    ]);
    const r = await request(srv.port, 'POST', '/api/upload', { headers: { ...auth(), 'Content-Type': contentType }, body });
    expect(r.status).toBe(200);
    const { ok, value } = r.json();
    expect(ok).toBe(true);
    expect(value.jobs.map((j: { fileName: string }) => j.fileName)).toEqual(['One Song.wav', 'two.wav']);
    for (const j of value.jobs) {
      expect(path.dirname(j.inputPath)).toBe(path.join(dir, 'data', 'uploads'));
      expect(fs.readFileSync(j.inputPath).equals(wav)).toBe(true);
    }
  });

  it('removes partial uploads left by an interrupted run when it starts, and nothing else', async () => {
    await srv.close();
    const uploads = path.join(dir, 'data', 'uploads');
    fs.mkdirSync(uploads, { recursive: true });
    fs.writeFileSync(path.join(uploads, '1-abc.wav.part'), 'half');
    fs.writeFileSync(path.join(uploads, '2-def.wav'), 'adopted');
    await start();
    expect(fs.readdirSync(uploads)).toEqual(['2-def.wav']);
  });

  it('reports a file the core rejects and removes it', async () => {
    const { body, contentType } = multipart([{ field: 'file', filename: 'x.reject', data: Buffer.from('nope') }]);
    const r = await request(srv.port, 'POST', '/api/upload', { headers: { ...auth(), 'Content-Type': contentType }, body });
    expect(r.status).toBe(415);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'E_UNSUPPORTED_FORMAT' } });
    expect(fs.readdirSync(path.join(dir, 'data', 'uploads'))).toEqual([]);
  });

  it('POST /api/analyze returns the origin fields', async () => {
    const { body, contentType } = multipart([{ field: 'file', filename: 'song.wav', data: sineWav(0.1) }]);
    const r = await request(srv.port, 'POST', '/api/analyze', { headers: { ...auth(), 'Content-Type': contentType }, body });
    expect(r.status).toBe(200);
    const out = r.json();
    expect(out).toMatchObject({ status: 'pending', file_name: 'song.wav' });
    expect(core.jobs.get(out.job_id)?.fileName).toBe('song.wav');
  });

  it('caps the upload size: 413 E_TOO_LARGE and nothing left on disk', async () => {
    await srv.close();
    await start({ maxUploadBytes: 10_000 });
    const { body, contentType } = multipart([{ field: 'file', filename: 'big.wav', data: Buffer.alloc(50_000, 1) }]);
    const r = await request(srv.port, 'POST', '/api/analyze', { headers: { ...auth(), 'Content-Type': contentType }, body });
    expect(r.status).toBe(413);
    expect(r.json()).toEqual({ ok: false, error: { code: 'E_TOO_LARGE', message: expect.stringContaining('10000 bytes') } });
    expect(fs.readdirSync(path.join(dir, 'data', 'uploads'))).toEqual([]);
    expect(core.jobs.size).toBe(0);
    const { body: b2, contentType: ct2 } = multipart([{ field: 'file', filename: 'big.wav', data: Buffer.alloc(50_000, 1) }]);
    const multi = await request(srv.port, 'POST', '/api/upload', { headers: { ...auth(), 'Content-Type': ct2 }, body: b2 });
    expect(multi.status).toBe(413);
    expect(multi.json()).toMatchObject({ ok: false, error: { code: 'E_TOO_LARGE' } });
  });

  it('rejects a request without a file or that is not multipart', async () => {
    const noFile = multipart([{ field: 'other', filename: 'a.wav', data: Buffer.from('x') }]);
    const r1 = await request(srv.port, 'POST', '/api/analyze', { headers: { ...auth(), 'Content-Type': noFile.contentType }, body: noFile.body });
    expect(r1.status).toBe(400);
    expect(r1.json().error.code).toBe('E_INVALID_REQUEST');
    const r2 = await request(srv.port, 'POST', '/api/analyze', { headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{}' });
    expect(r2.status).toBe(400);
  });
});

describe('origin REST API', () => {
  it('GET /api/status/{id} maps the status and times', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const job = core.addJob({ inputPath: '/x/a.wav', createdAt: t0, startedAt: t0 + 1000, completedAt: t0 + 4000, status: 'failed', errorCode: 'E_DECODE', errorMessage: 'cannot decode' });
    const r = (await get(`/api/status/${job.id}`)).json();
    expect(r).toMatchObject({
      job_id: job.id,
      status: 'error',
      error_code: 'E_DECODE',
      error_message: 'cannot decode',
      elapsed: 3,
      created_at: '2026-01-01T00:00:00.000Z',
      started_at: '2026-01-01T00:00:01.000Z',
      completed_at: '2026-01-01T00:00:04.000Z',
    });
    expect((await get('/api/status/unknown123')).status).toBe(404);
    const bad = await get('/api/status/bad%20id!');
    expect(bad.status).toBe(400);
    expect(bad.json().error.code).toBe('E_INVALID_REQUEST');
  });

  it('GET /api/songmap/{id}: 202 while pending, 200 done, 422 failed, 409 cancelled, 404 unknown', async () => {
    const queued = core.addJob({ inputPath: '/x/a.wav' });
    const r202 = await get(`/api/songmap/${queued.id}`);
    expect(r202.status).toBe(202);
    expect(r202.json()).toMatchObject({ job_id: queued.id, status: 'pending' });
    const done = core.addJob({ inputPath: '/x/b.wav', status: 'completed', completedAt: Date.now() });
    const map = { id: done.id, duration_sec: 1 } as unknown as SongMap;
    core.songMaps.set(done.id, map);
    const r200 = await get(`/api/songmap/${done.id}`);
    expect(r200.status).toBe(200);
    expect(r200.json()).toEqual(map);
    const failed = core.addJob({ inputPath: '/x/c.wav', status: 'failed', errorCode: 'E_EMPTY', errorMessage: 'empty' });
    const r422 = await get(`/api/songmap/${failed.id}`);
    expect(r422.status).toBe(422);
    expect(r422.json().error).toEqual({ code: 'E_EMPTY', message: 'empty' });
    const cancelled = core.addJob({ inputPath: '/x/d.wav', status: 'cancelled' });
    expect((await get(`/api/songmap/${cancelled.id}`)).status).toBe(409);
    expect((await get('/api/songmap/nope')).status).toBe(404);
  });

  it('GET /api/jobs lists with limit and status filters in either vocabulary', async () => {
    core.addJob({ inputPath: '/x/a.wav' });
    core.addJob({ inputPath: '/x/b.wav', status: 'completed' });
    core.addJob({ inputPath: '/x/c.wav', status: 'failed' });
    const all = (await get('/api/jobs')).json();
    expect(all.total).toBe(3);
    expect(all.jobs.map((j: { status: string }) => j.status).sort()).toEqual(['complete', 'error', 'pending']);
    expect((await get('/api/jobs?limit=1')).json().jobs).toHaveLength(1);
    const filtered = (await get('/api/jobs?status=complete,error')).json();
    expect(filtered.jobs.map((j: { status: string }) => j.status).sort()).toEqual(['complete', 'error']);
    expect((await get('/api/jobs?status=pending')).json().total).toBe(1);
    expect((await get('/api/jobs?status=bogus')).status).toBe(400);
    expect((await get('/api/jobs?limit=0')).status).toBe(400);
    expect((await get('/api/jobs?limit=abc')).status).toBe(400);
  });

  it('DELETE /api/jobs/cleanup?days=N is routed before /api/jobs/{id} and really cleans', async () => {
    const old = core.addJob({ inputPath: '/x/a.wav', status: 'completed', completedAt: Date.now() - 10 * 86_400_000 });
    const recent = core.addJob({ inputPath: '/x/b.wav', status: 'completed', completedAt: Date.now() });
    const queued = core.addJob({ inputPath: '/x/c.wav', createdAt: Date.now() - 30 * 86_400_000 });
    const dry = await request(srv.port, 'DELETE', '/api/jobs/cleanup?days=5&dry_run=1', { headers: auth() });
    // a dry run deletes nothing, and says so in the origin's fields too
    expect(dry.json()).toEqual({
      message: 'Dry run: would clean up 1 jobs older than 5 days',
      deleted_count: 0,
      retention_days: 5,
      deleted: 1,
      bytes_freed: 0,
      dry_run: true,
    });
    expect(core.jobs.has(old.id)).toBe(true);
    const r = await request(srv.port, 'DELETE', '/api/jobs/cleanup?days=5', { headers: auth() });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ message: 'Cleaned up 1 jobs older than 5 days', deleted_count: 1, retention_days: 5, deleted: 1, bytes_freed: 0, dry_run: false });
    expect([...core.jobs.keys()].sort()).toEqual([recent.id, queued.id].sort());
    expect(core.calls.filter((c) => c.channel === 'jobs.delete')).toEqual([]);
    expect((await request(srv.port, 'DELETE', '/api/jobs/cleanup', { headers: auth() })).status).toBe(400);
    expect((await request(srv.port, 'DELETE', '/api/jobs/cleanup?days=-1', { headers: auth() })).status).toBe(400);
  });

  it('DELETE /api/jobs/{id} deletes, 404 when unknown', async () => {
    const job = core.addJob({ inputPath: '/x/a.wav' });
    const r = await request(srv.port, 'DELETE', `/api/jobs/${job.id}`, { headers: auth() });
    expect(r.json()).toEqual({ job_id: job.id, deleted: true });
    expect(core.jobs.has(job.id)).toBe(false);
    expect((await request(srv.port, 'DELETE', `/api/jobs/${job.id}`, { headers: auth() })).status).toBe(404);
  });

  describe('GET /api/audio/{id}/original', () => {
    // an MPEG-1 layer III frame header, then filler: enough for the magic-byte check
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i < 4 ? [0xff, 0xfb, 0x90, 0x64][i] : i % 251)));
    let id: string;
    beforeEach(() => {
      const file = path.join(dir, 'song.mp3');
      fs.writeFileSync(file, data);
      id = core.addJob({ inputPath: file }).id;
    });

    it('serves the whole file with the audio content type', async () => {
      const r = await get(`/api/audio/${id}/original`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('audio/mpeg');
      expect(r.headers['accept-ranges']).toBe('bytes');
      expect(r.body.equals(data)).toBe(true);
    });
    it('first bytes → 206 with Content-Range', async () => {
      const r = await get(`/api/audio/${id}/original`, { ...auth(), Range: 'bytes=0-99' });
      expect(r.status).toBe(206);
      expect(r.headers['content-range']).toBe('bytes 0-99/1000');
      expect(r.headers['content-length']).toBe('100');
      expect(r.body.equals(data.subarray(0, 100))).toBe(true);
    });
    it('suffix range → the last bytes', async () => {
      const r = await get(`/api/audio/${id}/original`, { ...auth(), Range: 'bytes=-10' });
      expect(r.status).toBe(206);
      expect(r.headers['content-range']).toBe('bytes 990-999/1000');
      expect(r.body.equals(data.subarray(990))).toBe(true);
    });
    it('open-ended range → to the end', async () => {
      const r = await get(`/api/audio/${id}/original`, { ...auth(), Range: 'bytes=900-' });
      expect(r.status).toBe(206);
      expect(r.headers['content-range']).toBe('bytes 900-999/1000');
      expect(r.body.equals(data.subarray(900))).toBe(true);
    });
    it('invalid range → 416 with bytes */size', async () => {
      for (const range of ['bytes=1000-', 'bytes=5-2', 'bytes=-0']) {
        const r = await get(`/api/audio/${id}/original`, { ...auth(), Range: range });
        expect(r.status, range).toBe(416);
        expect(r.headers['content-range']).toBe('bytes */1000');
      }
    });
    it('refuses to serve a job input that is not audio, whatever its name', async () => {
      const file = path.join(dir, 'notes.mp3');
      fs.writeFileSync(file, 'my private notes, renamed .mp3');
      const other = core.addJob({ inputPath: file }).id;
      const r = await get(`/api/audio/${other}/original`);
      expect(r.status).toBe(415);
      expect(r.json().error.code).toBe('E_UNSUPPORTED_FORMAT');
      expect(r.text).not.toContain('private');
    });
    it('takes the content type from the bytes, not the name', async () => {
      const file = path.join(dir, 'tone.mp3');
      fs.writeFileSync(file, sineWav(0.05));
      const wavJob = core.addJob({ inputPath: file }).id;
      expect((await get(`/api/audio/${wavJob}/original`)).headers['content-type']).toBe('audio/wav');
    });
    it('404 for an unknown job or a vanished file', async () => {
      expect((await get('/api/audio/unknown/original')).status).toBe(404);
      fs.rmSync(path.join(dir, 'song.mp3'));
      const r = await get(`/api/audio/${id}/original`);
      expect(r.status).toBe(404);
      expect(r.json().error.code).toBe('E_NOT_FOUND');
    });
    it('is playable from the UI with the session cookie and no Origin (media element)', async () => {
      const cookie = ((await get('/', {})).headers['set-cookie']?.[0] ?? '').split(';')[0];
      const r = await get(`/api/audio/${id}/original`, { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin', Range: 'bytes=0-1' });
      expect(r.status).toBe(206);
    });
  });

  it('unknown API routes and wrong methods are JSON errors', async () => {
    const r = await get('/api/nothing');
    expect(r.status).toBe(404);
    expect(r.json().error.code).toBe('E_NOT_FOUND');
    expect((await request(srv.port, 'PUT', '/api/jobs', { headers: auth() })).status).toBe(405);
  });
});

/**
 * The origin routes' answers, pinned field for field and status for status: a renamed or dropped field
 * breaks a script written against the origin. Documented origin shapes: the cleanup answer
 * `{message, deleted_count, retention_days}` and the song map (../shared/songmap/example.json); where the
 * origin's shape is not documented the route keeps ours, pinned here just the same (see README.md here).
 */
describe('origin REST API: every route pins its shape', () => {
  const keys = (o: object): string[] => Object.keys(o).sort();
  const STATUS_RECORD = ['completed_at', 'created_at', 'elapsed', 'error_code', 'error_message', 'estimated_remaining', 'file_name', 'job_id', 'progress', 'stage', 'started_at', 'status'];
  const ERROR_BODY = ['error', 'ok'];
  const del = (p: string): Promise<RawResponse> => request(srv.port, 'DELETE', p, { headers: auth() });

  it('POST /api/analyze → 200 {job_id, status, file_name, created_at}', async () => {
    const { body, contentType } = multipart([{ field: 'file', filename: 'song.wav', data: sineWav(0.1) }]);
    const r = await request(srv.port, 'POST', '/api/analyze', { headers: { ...auth(), 'Content-Type': contentType }, body });
    expect(r.status).toBe(200);
    expect(keys(r.json())).toEqual(['created_at', 'file_name', 'job_id', 'status']);
    expect(r.json().created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('GET /api/status/{id} → 200 the status record; 404 error body when unknown', async () => {
    const job = core.addJob({ inputPath: '/x/a.wav' });
    const r = await get(`/api/status/${job.id}`);
    expect(r.status).toBe(200);
    expect(keys(r.json())).toEqual(STATUS_RECORD);
    const missing = await get('/api/status/unknown123');
    expect(missing.status).toBe(404);
    expect(keys(missing.json())).toEqual(ERROR_BODY);
  });

  it("GET /api/songmap/{id} → 200 the bare song map with the origin's fields; 202 the status record", async () => {
    const done = core.addJob({ inputPath: '/x/b.wav', status: 'completed', completedAt: Date.now() });
    core.songMaps.set(done.id, emptySongMap(done.id));
    const r = await get(`/api/songmap/${done.id}`);
    expect(r.status).toBe(200);
    // the map itself, not wrapped in a Result: the origin's top-level fields are there
    expect(keys(r.json())).toEqual(expect.arrayContaining(['beats', 'chords', 'downbeats', 'duration_sec', 'id', 'key', 'lyrics', 'meter', 'performance', 'provenance', 'sections', 'tempo']));
    const queued = core.addJob({ inputPath: '/x/a.wav' });
    const pending = await get(`/api/songmap/${queued.id}`);
    expect(pending.status).toBe(202);
    expect(keys(pending.json())).toEqual(STATUS_RECORD);
  });

  it('GET /api/jobs → 200 {jobs: [status record…], total, next_cursor}', async () => {
    core.addJob({ inputPath: '/x/a.wav' });
    const r = await get('/api/jobs');
    expect(r.status).toBe(200);
    expect(keys(r.json())).toEqual(['jobs', 'next_cursor', 'total']);
    expect(keys(r.json().jobs[0])).toEqual(STATUS_RECORD);
  });

  it("DELETE /api/jobs/cleanup?days=N → 200 the origin's {message, deleted_count, retention_days} (+ ours)", async () => {
    core.addJob({ inputPath: '/x/a.wav', status: 'completed', completedAt: Date.now() - 10 * 86_400_000 });
    core.addJob({ inputPath: '/x/b.wav', status: 'failed', completedAt: Date.now() - 8 * 86_400_000 });
    const r = await del('/api/jobs/cleanup?days=7');
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ message: 'Cleaned up 2 jobs older than 7 days', deleted_count: 2, retention_days: 7 });
    expect(typeof body.deleted_count).toBe('number');
    expect(typeof body.retention_days).toBe('number');
    expect(keys(body)).toEqual(['bytes_freed', 'deleted', 'deleted_count', 'dry_run', 'message', 'retention_days']);
    expect((await del('/api/jobs/cleanup?days=7')).json()).toMatchObject({ message: 'Cleaned up 0 jobs older than 7 days', deleted_count: 0, retention_days: 7 });
  });

  it('DELETE /api/jobs/{id} → 200 {job_id, deleted}; 404 error body when unknown', async () => {
    const job = core.addJob({ inputPath: '/x/a.wav' });
    const r = await del(`/api/jobs/${job.id}`);
    expect(r.status).toBe(200);
    expect(keys(r.json())).toEqual(['deleted', 'job_id']);
    const again = await del(`/api/jobs/${job.id}`);
    expect(again.status).toBe(404);
    expect(keys(again.json())).toEqual(ERROR_BODY);
  });

  it('GET /health → 200 {status} without credentials, the database facts with them', async () => {
    const anon = await get('/health', {});
    expect(anon.status).toBe(200);
    expect(keys(anon.json())).toEqual(['status']);
    const full = await get('/health');
    expect(full.status).toBe(200);
    expect(keys(full.json())).toEqual(['counts', 'data_dir', 'database_path', 'database_size_bytes', 'jobs_count', 'schema_version', 'status']);
  });
});
