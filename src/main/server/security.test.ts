import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authenticate, checkHost, originVerdict, readCookie, sessionCookieHeader } from './security';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('checkHost', () => {
  it('accepts the three loopback spellings with our port only', () => {
    expect(checkHost('127.0.0.1:8000', 8000)).toBe('127.0.0.1:8000');
    expect(checkHost('LOCALHOST:8000', 8000)).toBe('localhost:8000');
    expect(checkHost('[::1]:8000', 8000)).toBe('[::1]:8000');
  });
  it('refuses other names, other ports, a missing port and a missing header', () => {
    for (const h of ['evil.example:8000', '127.0.0.1:8001', '127.0.0.1', 'localhost', '0.0.0.0:8000', '127.0.0.2:8000', undefined]) {
      expect(checkHost(h, 8000), String(h)).toBeNull();
    }
  });
});

describe('originVerdict', () => {
  it('compares Origin exactly with the served origin', () => {
    expect(originVerdict(req({ origin: 'http://127.0.0.1:8000' }), '127.0.0.1:8000')).toBe('same');
    expect(originVerdict(req({ origin: 'http://localhost:8000' }), '127.0.0.1:8000')).toBe('foreign');
    expect(originVerdict(req({ origin: 'null' }), '127.0.0.1:8000')).toBe('foreign');
    expect(originVerdict(req({ origin: 'https://127.0.0.1:8000' }), '127.0.0.1:8000')).toBe('foreign');
  });
  it('falls back to Sec-Fetch-Site', () => {
    expect(originVerdict(req({}), 'h')).toBe('none');
    expect(originVerdict(req({ 'sec-fetch-site': 'same-origin' }), 'h')).toBe('same');
    expect(originVerdict(req({ 'sec-fetch-site': 'cross-site' }), 'h')).toBe('foreign');
    expect(originVerdict(req({ 'sec-fetch-site': 'same-site' }), 'h')).toBe('foreign');
  });
});

describe('authenticate', () => {
  const token = 't'.repeat(43);
  const secret = 's'.repeat(43);
  const creds = { token, sessionSecret: secret, port: 8000 };
  it('accepts the right bearer token, refuses a wrong one even with a valid cookie', () => {
    expect(authenticate(req({ authorization: `Bearer ${token}` }), creds, 'none')).toBe('token');
    expect(authenticate(req({ authorization: `Bearer x${token}`, cookie: `performia_session_8000=${secret}` }), creds, 'same')).toBe('none');
    expect(authenticate(req({ authorization: token }), creds, 'none')).toBe('none');
  });
  it('accepts the session cookie only when the request is not cross-origin', () => {
    const cookie = `a=b; performia_session_8000=${secret}`;
    expect(authenticate(req({ cookie }), creds, 'same')).toBe('session');
    expect(authenticate(req({ cookie }), creds, 'none')).toBe('session');
    expect(authenticate(req({ cookie }), creds, 'foreign')).toBe('none');
    expect(authenticate(req({ cookie: 'performia_session_8000=wrong' }), creds, 'same')).toBe('none');
    expect(authenticate(req({}), creds, 'same')).toBe('none');
  });
  it('builds and reads the cookie', () => {
    const h = sessionCookieHeader(8000, secret);
    expect(h).toContain('HttpOnly');
    expect(h).toContain('SameSite=Strict');
    expect(readCookie(h.split(';')[0], 'performia_session_8000')).toBe(secret);
  });
  it('does not accept the cookie of a server on another port', () => {
    expect(authenticate(req({ cookie: `performia_session_8001=${secret}` }), creds, 'same')).toBe('none');
  });
});
