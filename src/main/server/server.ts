/**
 * The headless HTTP server: the same core as the Electron app, on 127.0.0.1 only.
 *
 * WIRE FORMAT (stable; the browser build of the renderer and scripts depend on it)
 *
 *   Authentication (every route below except `GET /health`'s minimal form and the static UI):
 *     - the served UI: the session cookie `performia_session_<port>` (HttpOnly, SameSite=Strict) set with
 *       index.html, on a same-origin request; POST/DELETE must also carry `Origin: http://<host>`
 *       (browsers do this for fetch) — so the UI needs no token;
 *     - anything else: `Authorization: Bearer <token>`, token in `<data-dir>/api-token`.
 *   Refusals: Host not 127.0.0.1:<port> / localhost:<port> / [::1]:<port> → 421; a foreign `Origin`
 *   → 403; missing/wrong credentials → 401. No CORS headers are ever sent.
 *   Every error body, on every route, is `{ "ok": false, "error": { "code": "<E_…>", "message": "…" } }`:
 *   the origin's `{error:{code,message}}` and a failed contract Result at once.
 *
 *   Contract (the renderer's transport):
 *     POST /rpc/<channel>    body: the channel's request JSON (empty body = {}), ≤ 16 MiB
 *                            → the Result JSON `{ok:true,value}` | `{ok:false,error:{code,message}}`;
 *                              HTTP 200 when ok, else the status of the error code (400, 404, 409, …).
 *                              Always read the body: it is the Result either way.
 *     GET  /events           text/event-stream; per core event: `event: <name>\ndata: <json>\n\n`
 *                            (names: job.updated, job.progress, jobs.removed, app.notice, db.restored);
 *                            `: ping` comments every 15 s.
 *     POST /api/upload       multipart/form-data, one or more files in field `file` (or `files`)
 *                            → Result<SubmitResult> `{ok:true,value:{jobs:[Job…],rejected:[…]}}`.
 *     GET  /api/audio/{id}/original   the job's input file, with Range support (206/416).
 *
 *   The origin's REST API (field names as the origin had them):
 *     GET    /health               no credentials → {status:"ok"}; with → + jobs_count, database_path,
 *                                  database_size_bytes, schema_version, data_dir
 *     POST   /api/analyze          multipart field `file` → {job_id, status, file_name, created_at}
 *     GET    /api/status/{id}      {job_id, status: pending|processing|complete|error|cancelled, progress,
 *                                  stage, elapsed, estimated_remaining, error_message, error_code,
 *                                  file_name, created_at, started_at, completed_at}
 *     GET    /api/songmap/{id}     200 song map | 202 status record while pending/processing |
 *                                  422 failed | 409 cancelled | 404 unknown
 *     GET    /api/jobs?limit=&status=&cursor=&search=   {jobs:[status record…], total, next_cursor}
 *     DELETE /api/jobs/cleanup?days=N[&dry_run=1]       {message, deleted_count, retention_days} (the origin's)
 *                                  + {deleted, bytes_freed, dry_run} (ours; a dry run has deleted_count 0)
 *     DELETE /api/jobs/{id}        {job_id, deleted:true} | 404
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AppError, isAppError, type Job, type ListPage, type Stats, type SubmitResult } from '../../shared';
import type { Core } from '../core/core-api';
import { ID_RE, readJsonBody, sendCaught, sendError, sendJson, setSecurityHeaders, statusForCode } from './http-util';
import { sniffFormat, type ContainerFormat } from '../analysis/probe';
import { parseStatusName, toOriginStatus } from './origin-api';
import { parseRange } from '../lib/range';
import { authenticate, checkHost, newSessionSecret, originVerdict, sessionCookieHeader, type OriginVerdict } from './security';
import { SseHub } from './sse';
import { contentTypeFor, resolveStatic } from './static-files';
import { loadOrCreateToken, tokenPath } from './token';
import { receiveUploads, removeUploads, sweepPartialUploads, type UploadedFile } from './upload';

export const LOOPBACK = '127.0.0.1';

export interface ServerOptions {
  core: Core;
  dataDir: string;
  /** the built renderer (out/renderer) */
  rendererDir: string;
  /** 0 = any free port */
  port: number;
  /** only loopback addresses are accepted */
  host?: string;
  maxUploadBytes?: number;
  maxJsonBytes?: number;
  heartbeatMs?: number;
  log?: (msg: string) => void;
}

export interface HeadlessServer {
  readonly port: number;
  readonly url: string;
  readonly token: string;
  readonly tokenFile: string;
  /** connected SSE clients (tests check that departed clients are dropped) */
  readonly sseClients: number;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1']);

/** By the container found in the file's bytes, never by its name (a renamed file is not trusted). */
const AUDIO_TYPES: Record<ContainerFormat, string> = {
  wav: 'audio/wav',
  aiff: 'audio/aiff',
  mp3: 'audio/mpeg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  mp4: 'audio/mp4',
  caf: 'audio/x-caf',
  asf: 'audio/x-ms-asf',
  webm: 'audio/webm',
};

export function audioContentType(format: ContainerFormat): string {
  return AUDIO_TYPES[format] ?? 'application/octet-stream';
}

const SNIFF_BYTES = 64 * 1024;

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  host: string;
  origin: OriginVerdict;
}

export async function startServer(opts: ServerOptions): Promise<HeadlessServer> {
  const host = opts.host ?? LOOPBACK;
  if (!LOOPBACK_HOSTS.has(host)) throw new AppError('E_FORBIDDEN', `refusing to listen on ${host}: loopback only`);
  const { core } = opts;
  const log = opts.log ?? ((m: string) => console.error(`[server] ${m}`));
  const maxUploadBytes = opts.maxUploadBytes ?? 2048 * 1024 * 1024;
  const maxJsonBytes = opts.maxJsonBytes ?? 16 * 1024 * 1024;
  const uploadsDir = path.join(opts.dataDir, 'uploads');
  const token = loadOrCreateToken(opts.dataDir);
  const swept = sweepPartialUploads(uploadsDir);
  if (swept > 0) log(`removed ${swept} partial upload(s) left by an interrupted run`);
  const sessionSecret = newSessionSecret();
  const hub = new SseHub(core.events, opts.heartbeatMs ?? 15_000);
  let port = opts.port;

  /** Calls the contract and unwraps its Result; failures become AppErrors the route turns into replies. */
  async function call<T>(channel: string, payload: unknown): Promise<T> {
    const r = await core.dispatch(channel, payload);
    if (!r.ok) throw new AppError(r.error.code, r.error.message);
    return r.value as T;
  }

  function requireId(raw: string): string {
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      throw new AppError('E_INVALID_REQUEST', 'malformed job id');
    }
    if (!ID_RE.test(id)) throw new AppError('E_INVALID_REQUEST', 'malformed job id');
    return id;
  }

  function methodNotAllowed(res: ServerResponse, allow: string): void {
    sendError(res, 405, 'E_INVALID_REQUEST', 'method not allowed', { Allow: allow });
  }

  /** Origin + credentials for an API route; replies and returns false when refused. */
  function guard(ctx: Ctx, stateChanging: boolean): boolean {
    if (ctx.origin === 'foreign') {
      sendError(ctx.res, 403, 'E_FORBIDDEN', 'cross-origin requests are not allowed');
      return false;
    }
    const auth = authenticate(ctx.req, { token, sessionSecret, port }, ctx.origin);
    if (auth === 'none') {
      sendError(ctx.res, 401, 'E_FORBIDDEN', 'missing or wrong credentials: send Authorization: Bearer <token from the api-token file>', {
        'WWW-Authenticate': 'Bearer realm="performia"',
      });
      return false;
    }
    // a cookie is sent by the browser on its own; a state change additionally needs proof it came from our page
    if (auth === 'session' && stateChanging && ctx.origin !== 'same') {
      sendError(ctx.res, 403, 'E_FORBIDDEN', 'state-changing requests from the UI must be same-origin');
      return false;
    }
    return true;
  }

  async function handleUpload(ctx: Ctx, single: boolean): Promise<void> {
    const files = await receiveUploads(ctx.req, {
      dir: uploadsDir,
      maxFileBytes: maxUploadBytes,
      fields: single ? ['file'] : ['file', 'files'],
      maxFiles: single ? 1 : 1000,
    });
    const jobs: Job[] = [];
    const rejected: SubmitResult['rejected'] = [];
    let firstError: AppError | null = null;
    for (let i = 0; i < files.length; i++) {
      const f: UploadedFile = files[i];
      try {
        jobs.push(await core.submitUpload(f.tempPath, f.originalName));
      } catch (e) {
        // the core did not adopt the file, so it is still ours to remove
        removeUploads([f]);
        const err = isAppError(e) ? new AppError(e.code, e.message) : new AppError('E_INTERNAL', 'could not create the job');
        if (!isAppError(e)) log(`submitUpload failed: ${e instanceof Error ? e.message : String(e)}`);
        firstError ??= err;
        rejected.push({ path: f.originalName, code: err.code, message: err.message });
      }
    }
    if (single) {
      if (firstError) throw firstError;
      const job = jobs[0];
      const rec = toOriginStatus(job, Date.now());
      sendJson(ctx.res, 200, { job_id: job.id, status: rec.status, file_name: job.fileName, created_at: rec.created_at });
      return;
    }
    if (jobs.length === 0 && firstError) {
      sendJson(ctx.res, statusForCode(firstError.code), { ok: false, error: { code: firstError.code, message: firstError.message } });
      return;
    }
    sendJson(ctx.res, 200, { ok: true, value: { jobs, rejected } });
  }

  async function handleRpc(ctx: Ctx, channel: string): Promise<void> {
    let body: unknown;
    try {
      body = await readJsonBody(ctx.req, maxJsonBytes);
    } catch (e) {
      if (!isAppError(e)) throw e;
      sendJson(ctx.res, statusForCode(e.code), { ok: false, error: { code: e.code, message: e.message } });
      return;
    }
    const result = await core.dispatch(channel, body);
    sendJson(ctx.res, result.ok ? 200 : statusForCode(result.error.code), result);
  }

  async function handleHealth(ctx: Ctx): Promise<void> {
    const authed = ctx.origin !== 'foreign' && authenticate(ctx.req, { token, sessionSecret, port }, ctx.origin) !== 'none';
    if (!authed) {
      sendJson(ctx.res, 200, { status: 'ok' });
      return;
    }
    const s = await call<Stats>('db.stats', {});
    sendJson(ctx.res, 200, {
      status: 'ok',
      jobs_count: s.total,
      counts: s.counts,
      database_path: s.dbPath,
      database_size_bytes: s.sizeBytes,
      schema_version: s.schemaVersion,
      data_dir: s.dataDir,
    });
  }

  async function handleStatus(ctx: Ctx, id: string): Promise<void> {
    const job = await call<Job>('jobs.get', { id });
    sendJson(ctx.res, 200, toOriginStatus(job, Date.now()));
  }

  async function handleSongMap(ctx: Ctx, id: string): Promise<void> {
    const job = await call<Job>('jobs.get', { id });
    const rec = toOriginStatus(job, Date.now());
    if (job.status === 'queued' || job.status === 'processing') {
      sendJson(ctx.res, 202, rec);
    } else if (job.status === 'failed') {
      sendJson(ctx.res, 422, { ...rec, ok: false, error: { code: job.errorCode ?? 'E_ANALYSIS', message: job.errorMessage ?? 'analysis failed' } });
    } else if (job.status === 'cancelled') {
      sendJson(ctx.res, 409, { ...rec, ok: false, error: { code: 'E_NOT_READY', message: 'the job was cancelled' } });
    } else {
      sendJson(ctx.res, 200, await call('jobs.songMap', { id }));
    }
  }

  async function handleList(ctx: Ctx): Promise<void> {
    const q = ctx.url.searchParams;
    const query: Record<string, unknown> = {};
    const limit = q.get('limit');
    if (limit !== null) {
      if (!/^\d{1,4}$/.test(limit)) throw new AppError('E_INVALID_REQUEST', 'limit must be an integer 1-500');
      query.limit = Number(limit);
    }
    const status = q.getAll('status').flatMap((s) => s.split(',')).filter((s) => s.trim() !== '');
    if (status.length > 0) {
      const mapped = status.map((s) => {
        const st = parseStatusName(s);
        if (!st) throw new AppError('E_INVALID_REQUEST', `unknown status ${JSON.stringify(s)}`);
        return st;
      });
      query.status = [...new Set(mapped)];
    }
    for (const key of ['cursor', 'search', 'sort', 'order'] as const) {
      const v = q.get(key);
      if (v !== null) query[key] = v;
    }
    const page = await call<ListPage>('jobs.list', query);
    const now = Date.now();
    sendJson(ctx.res, 200, { jobs: page.items.map((j) => toOriginStatus(j, now)), total: page.total, next_cursor: page.nextCursor });
  }

  async function handleCleanup(ctx: Ctx): Promise<void> {
    const days = ctx.url.searchParams.get('days');
    if (days === null || !/^\d+(\.\d+)?$/.test(days)) throw new AppError('E_INVALID_REQUEST', 'days must be a non-negative number');
    const dry = ctx.url.searchParams.get('dry_run');
    const dryRun = dry === '1' || dry === 'true';
    const retention = Number(days);
    const r = await call<{ count: number; bytes: number; dryRun: boolean }>('jobs.cleanup', { olderThanDays: retention, dryRun });
    sendJson(ctx.res, 200, {
      // the origin's answer, field for field (scripts read `deleted_count`; some print `message`)
      message: r.dryRun ? `Dry run: would clean up ${r.count} jobs older than ${retention} days` : `Cleaned up ${r.count} jobs older than ${retention} days`,
      deleted_count: r.dryRun ? 0 : r.count,
      retention_days: retention,
      // ours: `deleted` counts the jobs removed, or that would be removed in a dry run
      deleted: r.count,
      bytes_freed: r.bytes,
      dry_run: r.dryRun,
    });
  }

  async function handleDelete(ctx: Ctx, id: string): Promise<void> {
    const r = await call<{ deleted: number }>('jobs.delete', { ids: [id] });
    if (r.deleted === 0) throw new AppError('E_JOB_NOT_FOUND', 'no such job');
    sendJson(ctx.res, 200, { job_id: id, deleted: true });
  }

  async function handleAudio(ctx: Ctx, id: string): Promise<void> {
    const job = await call<Job>('jobs.get', { id });
    let fd: fs.promises.FileHandle;
    try {
      fd = await fs.promises.open(job.inputPath, 'r');
    } catch {
      throw new AppError('E_NOT_FOUND', 'the audio file of this job is no longer there');
    }
    try {
      const st = await fd.stat();
      if (!st.isFile()) throw new AppError('E_NOT_REGULAR_FILE', 'the input of this job is not a regular file');
      const size = st.size;
      // the playback route serves audio only: a job whose input is some other file (say, a text file
      // submitted by path) must not turn this route into a way to read it back
      const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
      await fd.read(head, 0, head.length, 0);
      const format = sniffFormat(head);
      if (!format) throw new AppError('E_UNSUPPORTED_FORMAT', 'the input of this job is not a recognised audio file');
      const type = audioContentType(format);
      const range = parseRange(ctx.req.headers.range, size);
      const common = { 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
      if (range === 'invalid') {
        sendError(ctx.res, 416, 'E_INVALID_REQUEST', 'range not satisfiable', { 'Content-Range': `bytes */${size}` });
        return;
      }
      const start = range ? range.start : 0;
      const end = range ? range.end : size - 1;
      const length = size === 0 ? 0 : end - start + 1;
      const headers: Record<string, string | number> = { ...common, 'Content-Length': length };
      if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      ctx.res.writeHead(range ? 206 : 200, headers);
      if (ctx.req.method === 'HEAD' || length === 0) {
        ctx.res.end();
        return;
      }
      const stream = fd.createReadStream({ start, end, autoClose: false });
      await new Promise<void>((resolve) => {
        stream.on('error', () => {
          ctx.res.destroy();
          resolve();
        });
        ctx.res.on('close', () => {
          stream.destroy();
          resolve();
        });
        stream.pipe(ctx.res);
      });
    } finally {
      await fd.close();
    }
  }

  function handleStatic(ctx: Ctx): void {
    const { req, res, url } = ctx;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      methodNotAllowed(res, 'GET, HEAD');
      return;
    }
    const found = resolveStatic(opts.rendererDir, url.pathname);
    if (found.kind === 'bad-path') return sendError(res, 400, 'E_INVALID_REQUEST', 'bad path');
    if (found.kind === 'not-found') return sendError(res, 404, 'E_NOT_FOUND', 'not found');
    if (found.kind === 'no-renderer') {
      return sendError(res, 503, 'E_NOT_FOUND', 'the UI is not built: run `npm run build` (the API works without it)');
    }
    const headers: Record<string, string | number> = {
      'Content-Type': contentTypeFor(found.file),
      'Content-Length': found.size,
      // hashed asset names may be cached; index.html must not be, so a rebuild is picked up
      'Cache-Control': found.isIndex || !url.pathname.startsWith('/assets/') ? 'no-cache' : 'public, max-age=31536000, immutable',
    };
    if (found.isIndex) headers['Set-Cookie'] = sessionCookieHeader(port, sessionSecret);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  /** Routes in order: the cleanup route comes before `/api/jobs/{id}` (the origin shadowed it). */
  async function route(ctx: Ctx): Promise<void> {
    const { req, res, url } = ctx;
    const p = url.pathname;
    const m = req.method ?? 'GET';

    if (p === '/health') {
      if (m !== 'GET' && m !== 'HEAD') return methodNotAllowed(res, 'GET');
      return handleHealth(ctx);
    }
    const rpc = /^\/rpc\/([^/]+)$/.exec(p);
    if (rpc) {
      if (m !== 'POST') return methodNotAllowed(res, 'POST');
      if (!guard(ctx, true)) return;
      let channel: string;
      try {
        channel = decodeURIComponent(rpc[1]);
      } catch {
        return sendError(res, 400, 'E_INVALID_REQUEST', 'malformed channel name');
      }
      return handleRpc(ctx, channel);
    }
    if (p === '/events') {
      if (m !== 'GET') return methodNotAllowed(res, 'GET');
      if (!guard(ctx, false)) return;
      hub.attach(res);
      return;
    }
    if (!p.startsWith('/api/') && p !== '/api' && !p.startsWith('/rpc')) return handleStatic(ctx);

    let match: RegExpExecArray | null;
    if (p === '/api/upload' || p === '/api/analyze') {
      if (m !== 'POST') return methodNotAllowed(res, 'POST');
      if (!guard(ctx, true)) return;
      return handleUpload(ctx, p === '/api/analyze');
    }
    if ((match = /^\/api\/status\/([^/]+)$/.exec(p))) {
      if (m !== 'GET') return methodNotAllowed(res, 'GET');
      if (!guard(ctx, false)) return;
      return handleStatus(ctx, requireId(match[1]));
    }
    if ((match = /^\/api\/songmap\/([^/]+)$/.exec(p))) {
      if (m !== 'GET') return methodNotAllowed(res, 'GET');
      if (!guard(ctx, false)) return;
      return handleSongMap(ctx, requireId(match[1]));
    }
    if (p === '/api/jobs') {
      if (m !== 'GET') return methodNotAllowed(res, 'GET');
      if (!guard(ctx, false)) return;
      return handleList(ctx);
    }
    if (p === '/api/jobs/cleanup') {
      if (m !== 'DELETE') return methodNotAllowed(res, 'DELETE');
      if (!guard(ctx, true)) return;
      return handleCleanup(ctx);
    }
    if ((match = /^\/api\/jobs\/([^/]+)$/.exec(p))) {
      if (m === 'GET') {
        if (!guard(ctx, false)) return;
        return handleStatus(ctx, requireId(match[1]));
      }
      if (m !== 'DELETE') return methodNotAllowed(res, 'GET, DELETE');
      if (!guard(ctx, true)) return;
      return handleDelete(ctx, requireId(match[1]));
    }
    if ((match = /^\/api\/audio\/([^/]+)\/original$/.exec(p))) {
      if (m !== 'GET' && m !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      if (!guard(ctx, false)) return;
      return handleAudio(ctx, requireId(match[1]));
    }
    sendError(res, 404, 'E_NOT_FOUND', 'no such route');
  }

  const server = http.createServer((req, res) => {
    setSecurityHeaders(res);
    const host = checkHost(req.headers.host, port);
    if (!host) {
      // 421 Misdirected Request: this server does not answer for that name (DNS rebinding)
      sendError(res, 421, 'E_FORBIDDEN', 'unexpected Host header');
      req.resume();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      sendError(res, 400, 'E_INVALID_REQUEST', 'bad request target');
      return;
    }
    const ctx: Ctx = { req, res, url, host, origin: originVerdict(req, host) };
    route(ctx).then(
      () => {
        // whatever a refused or failed route left unread is drained so the connection can be reused
        if (!req.readableEnded) req.resume();
      },
      (e: unknown) => {
        sendCaught(res, e, log);
        if (!req.readableEnded) req.resume();
      },
    );
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // uploads and SSE streams may legitimately run long
  // An idle kept-alive socket is closed after 65 s, not Node's 5 s: a client that reuses one just as
  // the server closes it gets a reset (ECONNRESET) unless it retries; scripts polling every few
  // seconds should not meet that race. Loopback only, so idle sockets cost nothing worth saving.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;

  let closing: Promise<void> | null = null;
  return {
    port,
    url: `http://${urlHost}:${port}/`,
    token,
    tokenFile: tokenPath(opts.dataDir),
    get sseClients() {
      return hub.size;
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // in-flight uploads get a moment, then everything still open is cut
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closing;
    },
  };
}
