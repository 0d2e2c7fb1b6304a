/**
 * Who may talk to the headless server. Three independent checks:
 *  1. Host header ∈ {127.0.0.1, localhost, [::1]}:<port> — defeats DNS rebinding (a foreign name that
 *     resolves to 127.0.0.1 still carries its own Host header).
 *  2. A browser `Origin`, when present, must be exactly our origin — other sites may not drive the API.
 *  3. Authentication: the served UI's session cookie (HttpOnly, SameSite=Strict, set with index.html)
 *     together with a same-origin request; everything else needs `Authorization: Bearer <api token>`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { tokensEqual } from './token';

/**
 * Cookies are not isolated by port, so two Performia servers on one machine would overwrite each
 * other's session: the port is part of the name.
 */
export function sessionCookieName(port: number): string {
  return `performia_session_${port}`;
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** The exact Host value, lower-cased, if it is one of ours; null otherwise. */
export function checkHost(hostHeader: string | undefined, port: number): string | null {
  if (!hostHeader) return null;
  const host = hostHeader.toLowerCase();
  return allowedHosts(port).has(host) ? host : null;
}

export function sessionCookieHeader(port: number, secret: string): string {
  return `${sessionCookieName(port)}=${secret}; Path=/; HttpOnly; SameSite=Strict`;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export type OriginVerdict = 'none' | 'same' | 'foreign';

/** Compares the browser's Origin (or, lacking it, Sec-Fetch-Site) with the origin we serve on this Host. */
export function originVerdict(req: IncomingMessage, host: string): OriginVerdict {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin.toLowerCase() === `http://${host}` ? 'same' : 'foreign';
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'none') return 'none';
  return site === 'same-origin' ? 'same' : 'foreign';
}

export type AuthVerdict = 'token' | 'session' | 'none';

export interface Credentials {
  token: string;
  /** per-process session secret carried by the UI's cookie */
  sessionSecret: string;
  port: number;
}

export function authenticate(req: IncomingMessage, creds: Credentials, origin: OriginVerdict): AuthVerdict {
  const { token, sessionSecret } = creds;
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    // a wrong token is a failure even if a cookie is present: never fall through to weaker credentials
    return m && tokensEqual(m[1], token) ? 'token' : 'none';
  }
  const cookie = readCookie(req.headers.cookie, sessionCookieName(creds.port));
  // the cookie alone is not enough: the request must also come from our own page (SameSite is the
  // browser's promise; the Origin / Sec-Fetch-Site check is ours)
  if (cookie !== null && tokensEqual(cookie, sessionSecret) && origin !== 'foreign') return 'session';
  return 'none';
}
