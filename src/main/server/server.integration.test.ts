/**
 * The HTTP server over the REAL core (SQLite store, runner, analysis worker run from source via tsx):
 * an uploaded WAV is analysed, its events arrive over SSE, the origin routes report it, playback
 * works, and cleanup really removes the job and its stored upload.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SongMapSchema } from '../../shared';
import { createCore, type CoreHandle } from '../core/core';
import { runtimePaths } from './cli-paths';
import { startServer, type HeadlessServer } from './server';
import { multipart, request, sineWav } from './testing/http';

let dir: string;
let core: CoreHandle;
let srv: HeadlessServer;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${srv.token}` });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'performia-server-int-'));
  const paths = runtimePaths(new URL('./cli.ts', import.meta.url).href);
  core = await createCore({ dataDir: path.join(dir, 'data'), mode: 'headless', workerPath: paths.workerPath, workerExecArgv: paths.workerExecArgv, concurrency: 1 });
  srv = await startServer({ core, dataDir: path.join(dir, 'data'), rendererDir: path.join(dir, 'no-renderer'), port: 0, log: () => {} });
});
afterAll(async () => {
  await srv?.close();
  await core?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Collects SSE events until `until` matches one, or the timeout passes. */
interface EventData {
  id?: string;
  status?: string;
}

function sseUntil(until: (event: string, data: EventData) => boolean, timeoutMs: number): { events: [string, EventData][]; done: Promise<void>; close: () => void } {
  const events: [string, EventData][] = [];
  let buf = '';
  const req = http.request({ host: '127.0.0.1', port: srv.port, path: '/events', headers: { Host: `127.0.0.1:${srv.port}`, ...auth() } });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`SSE: condition not met within ${timeoutMs} ms; got ${events.map((e) => e[0]).join(',')}`)), timeoutMs);
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const m = /^event: (\S+)\ndata: (.*)$/m.exec(block);
          if (!m) continue;
          const data = JSON.parse(m[2]) as EventData;
          events.push([m[1], data]);
          if (until(m[1], data)) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
    });
    req.on('error', reject);
  });
  req.end();
  return { events, done, close: () => req.destroy() };
}

/**
 * The origin's song map fields (../shared/songmap/example.json and its README), checked on what the real
 * engine returns over /api/songmap/{id}: each origin field is there with the origin's type. A stage that
 * failed leaves `meter`/`tempo` null (never invented), so their inner fields are checked when present.
 */
function expectOriginSongMapFields(m: Record<string, unknown>): void {
  const obj = (v: unknown): Record<string, unknown> => {
    expect(v).toBeTypeOf('object');
    expect(v).not.toBeNull();
    return v as Record<string, unknown>;
  };
  expect(m.id).toBeTypeOf('string');
  expect(m.duration_sec).toBeTypeOf('number');
  for (const k of ['beats', 'downbeats', 'key', 'chords', 'sections', 'lyrics']) expect(Array.isArray(m[k]), k).toBe(true);
  expect(m).toHaveProperty('meter');
  if (m.meter !== null) expect(obj(m.meter)).toMatchObject({ numerator: expect.any(Number), denominator: expect.any(Number) });
  expect(m).toHaveProperty('tempo');
  if (m.tempo !== null) {
    const t = obj(m.tempo);
    expect(t.bpm_global).toBeTypeOf('number');
    expect(Array.isArray(t.curve)).toBe(true);
    expect(t.confidence).toBeTypeOf('number');
  }
  for (const r of m.key as unknown[]) expect(obj(r)).toMatchObject({ start: expect.any(Number), end: expect.any(Number), tonic: expect.any(String), mode: expect.any(String), conf: expect.any(Number) });
  for (const c of m.chords as unknown[]) expect(obj(c)).toMatchObject({ start: expect.any(Number), end: expect.any(Number), label: expect.any(String), conf: expect.any(Number) });
  for (const s of m.sections as unknown[]) expect(obj(s)).toMatchObject({ start: expect.any(Number), end: expect.any(Number), label: expect.any(String) });
  const perf = obj(m.performance);
  expect(Array.isArray(perf.melody) && Array.isArray(perf.bass)).toBe(true);
  expect(obj(m.provenance)).toMatchObject({ engine: expect.any(String), created_at: expect.any(String) });
}

describe('headless server over the real core', () => {
  it('analyses an upload, streams its events, reports it in origin form, plays it, and cleanup removes it', async () => {
    const wav = sineWav(2, 22050, 330);
    let jobId = '';
    const sse = sseUntil((e, d) => e === 'job.updated' && d.id === jobId && (d.status === 'completed' || d.status === 'failed'), 45_000);
    await new Promise((r) => setTimeout(r, 100)); // let the SSE stream attach before the job exists

    const { body, contentType } = multipart([{ field: 'file', filename: 'tone.wav', data: wav }]);
    const up = await request(srv.port, 'POST', '/api/analyze', { headers: { ...auth(), 'Content-Type': contentType }, body });
    expect(up.status).toBe(200);
    jobId = up.json().job_id;
    expect(jobId).toMatch(/^[0-9A-Z]{26}$/);

    await sse.done;
    sse.close();
    const mine = sse.events.filter(([e, d]) => (e === 'job.updated' || e === 'job.progress') && d.id === jobId);
    expect(mine.some(([e, d]) => e === 'job.updated' && d.status === 'processing')).toBe(true);
    expect(mine.at(-1)?.[1].status).toBe('completed');

    const status = (await request(srv.port, 'GET', `/api/status/${jobId}`, { headers: auth() })).json();
    expect(status).toMatchObject({ job_id: jobId, status: 'complete', progress: 1, file_name: 'tone.wav', error_code: null });
    expect(Date.parse(status.completed_at)).toBeGreaterThanOrEqual(Date.parse(status.started_at));

    const map = await request(srv.port, 'GET', `/api/songmap/${jobId}`, { headers: auth() });
    expect(map.status).toBe(200);
    const parsed = SongMapSchema.parse(map.json());
    expect(parsed.id).toBe(jobId);
    expectOriginSongMapFields(map.json());
    expect(parsed.duration_sec).toBeCloseTo(2, 1);

    const audio = await request(srv.port, 'GET', `/api/audio/${jobId}/original`, { headers: { ...auth(), Range: 'bytes=0-43' } });
    expect(audio.status).toBe(206);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.body.equals(wav.subarray(0, 44))).toBe(true);

    const health = (await request(srv.port, 'GET', '/health', { headers: auth() })).json();
    expect(health).toMatchObject({ status: 'ok', jobs_count: 1, schema_version: expect.any(Number) });
    expect(fs.existsSync(health.database_path)).toBe(true);

    // cleanup removes the finished job together with the upload the store owns
    const job = (await request(srv.port, 'POST', '/rpc/jobs.get', { headers: auth(), body: JSON.stringify({ id: jobId }) })).json().value;
    expect(fs.existsSync(job.inputPath)).toBe(true);
    const dry = (await request(srv.port, 'DELETE', '/api/jobs/cleanup?days=0&dry_run=true', { headers: auth() })).json();
    expect(dry).toMatchObject({ deleted_count: 0, retention_days: 0, deleted: 1, dry_run: true });
    expect(dry.bytes_freed).toBeGreaterThanOrEqual(wav.length);
    const clean = await request(srv.port, 'DELETE', '/api/jobs/cleanup?days=0', { headers: auth() });
    expect(clean.status).toBe(200);
    expect(clean.json()).toMatchObject({ message: 'Cleaned up 1 jobs older than 0 days', deleted_count: 1, retention_days: 0, deleted: 1, dry_run: false });
    expect((await request(srv.port, 'GET', `/api/status/${jobId}`, { headers: auth() })).status).toBe(404);
    expect(fs.existsSync(job.inputPath)).toBe(false);
    expect((await request(srv.port, 'GET', '/api/jobs', { headers: auth() })).json().total).toBe(0);
  });

  it('submits by path over RPC, cancels, lists by origin status and deletes by id', async () => {
    const file = path.join(dir, 'by path.wav');
    fs.writeFileSync(file, sineWav(1, 22050, 500));
    const rpc = (ch: string, b: unknown) => request(srv.port, 'POST', `/rpc/${ch}`, { headers: auth(), body: JSON.stringify(b) });
    const sub = (await rpc('jobs.submit', { paths: [file, path.join(dir, 'missing.wav')] })).json();
    expect(sub.ok).toBe(true);
    expect(sub.value.jobs).toHaveLength(1);
    expect(sub.value.rejected).toEqual([expect.objectContaining({ code: 'E_NOT_FOUND' })]);
    const id = sub.value.jobs[0].id;
    const cancelled = (await rpc('jobs.cancel', { ids: [id] })).json();
    expect(cancelled.ok).toBe(true);
    const st = (await request(srv.port, 'GET', `/api/status/${id}`, { headers: auth() })).json().status;
    // cancel wins unless the (fast) analysis had already finished (the engine's verdict is not this test's concern)
    expect(['cancelled', 'complete', 'error']).toContain(st);
    const listed = (await request(srv.port, 'GET', `/api/jobs?status=${st}`, { headers: auth() })).json();
    expect(listed.jobs.map((j: { job_id: string }) => j.job_id)).toContain(id);
    const del = await request(srv.port, 'DELETE', `/api/jobs/${id}`, { headers: auth() });
    expect(del.json()).toEqual({ job_id: id, deleted: true });
    expect(fs.existsSync(file)).toBe(true); // a job submitted by path never owns the user's file
    expect((await request(srv.port, 'DELETE', `/api/jobs/${id}`, { headers: auth() })).status).toBe(404);
  });

  it('lists backups and restores one over RPC; SSE announces db.restored', async () => {
    const rpc = (ch: string, b: unknown) => request(srv.port, 'POST', `/rpc/${ch}`, { headers: auth(), body: JSON.stringify(b) });
    const file = path.join(dir, 'kept.wav');
    fs.writeFileSync(file, sineWav(1, 22050, 330));
    const id = (await rpc('jobs.submit', { paths: [file] })).json().value.jobs[0].id as string;
    const backup = (await rpc('db.backup', {})).json();
    expect(backup.ok).toBe(true);
    expect((await rpc('jobs.delete', { ids: [id] })).json().value).toEqual({ deleted: 1 });
    const listed = (await rpc('backups.list', {})).json();
    expect(listed.ok).toBe(true);
    const entry = listed.value.backups.find((b: { path: string }) => b.path === backup.value.path);
    expect(entry).toMatchObject({ jobCount: 1, name: path.basename(backup.value.path) });

    const sse = sseUntil((event) => event === 'db.restored', 20_000);
    await new Promise((r) => setTimeout(r, 100)); // the SSE stream is open before the restore
    const restored = (await rpc('backups.restore', { name: entry.name })).json();
    expect(restored).toMatchObject({ ok: true, value: { total: 1 } });
    await sse.done;
    sse.close();
    expect((await rpc('jobs.get', { id })).json().ok).toBe(true);
    const refused = await rpc('backups.restore', { name: '../performia.sqlite' });
    expect(refused.status).toBe(400);
    expect(refused.json().error.code).toBe('E_INVALID_REQUEST');
  });
});
