import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp';

const directives = (csp: string) =>
  Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('contentSecurityPolicy', () => {
  it('is strict in production: no inline or eval script, no objects, no framing', () => {
    const d = directives(contentSecurityPolicy());
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['base-uri']).toEqual(["'none'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(JSON.stringify(d)).not.toContain('unsafe-eval');
  });
  it('allows the dev server (and its websocket) only in development', () => {
    const d = directives(contentSecurityPolicy({ dev: 'http://localhost:5173' }));
    expect(d['script-src']).toContain('http://localhost:5173');
    expect(d['connect-src']).toContain('ws://localhost:5173');
  });
});
