import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() } }));

import { resolveInside } from './protocol';

describe('resolveInside', () => {
  const root = '/srv/renderer';
  it('resolves files inside the root', () => {
    expect(resolveInside(root, '/index.html')).toBe('/srv/renderer/index.html');
    expect(resolveInside(root, '/assets/a%20b.js')).toBe('/srv/renderer/assets/a b.js');
  });
  it('refuses traversal, encoded traversal, NUL and bad escapes', () => {
    expect(resolveInside(root, '/../etc/passwd')).toBeNull();
    expect(resolveInside(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveInside(root, '/..%2frenderer2/x')).toBeNull();
    expect(resolveInside(root, '/a%00b')).toBeNull();
    expect(resolveInside(root, '/%E0%A4%A')).toBeNull();
  });
});
