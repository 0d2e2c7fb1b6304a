/**
 * Custom protocols, so app content never loads from file://:
 *  - app://performia/…           the built renderer (out/renderer), traversal-proof
 *  - performia-audio://job/<id>  a job's original audio for playback, with Range support
 */
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import type { Core } from '../core/core-api';
import { parseRange } from '../lib/range';
import { contentSecurityPolicy } from './csp';
import { APP_HOST, APP_SCHEME } from './sender';

export const AUDIO_SCHEME = 'performia-audio';

/** Must run before app 'ready'. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: AUDIO_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
};

/** Resolves a URL path inside `root`, or null if it would escape it. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = normalize(join(root, decoded));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

export function handleProtocols(core: Core, rendererRoot: string): void {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const path = resolveInside(rendererRoot, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!path) return new Response('Forbidden', { status: 403 });
    try {
      const st = statSync(path);
      if (!st.isFile()) return new Response('Not found', { status: 404 });
      const body = Readable.toWeb(createReadStream(path)) as ReadableStream;
      return new Response(body, {
        headers: {
          'Content-Type': MIME[extname(path).toLowerCase()] ?? 'application/octet-stream',
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });

  protocol.handle(AUDIO_SCHEME, async (request) => {
    const url = new URL(request.url);
    const id = url.pathname.replace(/^\//, '');
    if (url.host !== 'job' || !/^[0-9A-Za-z_-]{1,64}$/.test(id)) return new Response('Not found', { status: 404 });
    const job = core.store.getJob(id);
    if (!job) return new Response('Not found', { status: 404 });
    let size: number;
    try {
      const st = statSync(job.inputPath);
      if (!st.isFile()) return new Response('Not found', { status: 404 });
      size = st.size;
    } catch {
      return new Response('Gone', { status: 410 });
    }
    const type = MIME[extname(job.inputPath).toLowerCase()] ?? 'application/octet-stream';
    const range = parseRange(request.headers.get('range'), size);
    if (range === 'invalid') {
      return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const body = size === 0 ? null : (Readable.toWeb(createReadStream(job.inputPath, { start, end })) as ReadableStream);
    return new Response(body, {
      status: range ? 206 : 200,
      headers: {
        'Content-Type': type,
        'Accept-Ranges': 'bytes',
        'Content-Length': String(size === 0 ? 0 : end - start + 1),
        ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
      },
    });
  });
}
