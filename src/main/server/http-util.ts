/**
 * Small response/request helpers shared by every route: security headers, JSON replies with the
 * `{error:{code,message}}` shape, error-code → HTTP status, and a size-capped JSON body reader.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, isAppError, type ErrorCode } from '../../shared';

/** Equal in spirit to the Electron window's CSP: only our own origin, no inline script, no framing. */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  E_INVALID_REQUEST: 400,
  E_UNKNOWN_CHANNEL: 404,
  E_JOB_NOT_FOUND: 404,
  E_BACKUP_NOT_FOUND: 404,
  E_NOT_FOUND: 404,
  E_FORBIDDEN: 403,
  E_TOO_LARGE: 413,
  E_NOT_READY: 409,
  E_ILLEGAL_TRANSITION: 409,
  E_DUPLICATE_ID: 409,
  E_BUSY: 503,
  E_UNSUPPORTED: 501,
  E_UNSUPPORTED_FORMAT: 415,
  E_INTERNAL: 500,
  E_DB_CORRUPT: 500,
  E_SCHEMA_TOO_NEW: 500,
};

export function statusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 422;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders?: Record<string, string>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  res.end(text);
}

/** `{ok:false, error:{code,message}}`: the origin's error shape and, at once, a failed contract Result. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  extraHeaders?: Record<string, string>,
): void {
  sendJson(res, status, { ok: false, error: { code, message } }, extraHeaders);
}

/** Turns anything thrown by a route into a safe reply: AppErrors keep their code; the rest is E_INTERNAL. */
export function sendCaught(res: ServerResponse, e: unknown, log: (msg: string) => void): void {
  if (isAppError(e)) {
    sendError(res, statusForCode(e.code), e.code, e.message);
    return;
  }
  log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  sendError(res, 500, 'E_INTERNAL', 'internal error');
}

/** Reads a JSON body of at most `maxBytes`; an empty body reads as `{}` (channels without parameters). */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new AppError('E_TOO_LARGE', `request body is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new AppError('E_TOO_LARGE', `request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('E_INVALID_REQUEST', 'request body is not valid JSON');
  }
}

/** Job ids as the contract defines them; validated before any lookup. */
export const ID_RE = /^[0-9A-Za-z_-]{1,64}$/;
