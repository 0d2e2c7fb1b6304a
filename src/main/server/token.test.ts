import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateToken, tokenPath, tokensEqual } from './token';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'performia-token-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('api token', () => {
  it('is generated once with mode 0600 and reused after that', () => {
    const t1 = loadOrCreateToken(path.join(dir, 'nested'));
    expect(t1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = tokenPath(path.join(dir, 'nested'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(path.join(dir, 'nested'))).toBe(t1);
  });
  it('differs between data dirs (random)', () => {
    expect(loadOrCreateToken(path.join(dir, 'a'))).not.toBe(loadOrCreateToken(path.join(dir, 'b')));
  });
  it('replaces a garbage token file and tightens loose permissions', () => {
    fs.writeFileSync(tokenPath(dir), 'short', { mode: 0o644 });
    const t = loadOrCreateToken(dir);
    expect(t).not.toBe('short');
    const good = 'x'.repeat(40);
    fs.writeFileSync(tokenPath(dir), good + '\n', { mode: 0o644 });
    fs.chmodSync(tokenPath(dir), 0o644);
    expect(loadOrCreateToken(dir)).toBe(good);
    expect(fs.statSync(tokenPath(dir)).mode & 0o777).toBe(0o600);
  });
  it('compares tokens exactly', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
  });
});
