/**
 * The app-wide Electron hardening (security.ts) with electron mocked: what a renderer may get the OS to
 * open (only the app's own links, src/shared/external-links.ts), navigation, webviews, permissions, CSP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const m = vi.hoisted(() => ({
  appOn: vi.fn(),
  openExternal: vi.fn(async () => {}),
  onHeadersReceived: vi.fn(),
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
}));

vi.mock('electron', () => ({
  app: { on: m.appOn },
  shell: { openExternal: m.openExternal },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: m.onHeadersReceived },
      setPermissionRequestHandler: m.setPermissionRequestHandler,
      setPermissionCheckHandler: m.setPermissionCheckHandler,
    },
  },
}));

import { EXTERNAL_LINKS, checkExternalLink } from '../../shared/external-links';
import { hardenApp } from './security';
import { APP_ORIGIN } from './sender';

type OpenHandler = (d: { url: string }) => { action: string };
type Listener = (event: { preventDefault: () => void }, url: string) => void;

/** A WebContents stand-in that records the handlers hardenApp installs. */
function fakeContents(): { openHandler: () => OpenHandler; emit: (name: string, url?: string) => boolean } {
  let openHandler: OpenHandler | null = null;
  const listeners = new Map<string, Listener>();
  const contents = {
    setWindowOpenHandler: (h: OpenHandler) => (openHandler = h),
    on: (name: string, l: Listener) => listeners.set(name, l),
  };
  const created = m.appOn.mock.calls.find((c) => c[0] === 'web-contents-created');
  if (!created) throw new Error('hardenApp did not listen for web-contents-created');
  (created[1] as (e: unknown, wc: unknown) => void)({}, contents);
  return {
    openHandler: () => {
      if (!openHandler) throw new Error('no window-open handler installed');
      return openHandler;
    },
    /** true when the listener called preventDefault */
    emit: (name, url = '') => {
      const l = listeners.get(name);
      if (!l) throw new Error(`no ${name} listener`);
      let prevented = false;
      l({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    },
  };
}

const LISTED = 'https://example.org/performia/help';

beforeEach(() => {
  for (const f of Object.values(m)) f.mockClear();
});

describe('shell.openExternal only for the app’s own links', () => {
  it('with the app’s list (it links to no web page today), opens nothing a renderer asks for and logs why', () => {
    const log = vi.fn();
    hardenApp([APP_ORIGIN], null, { log });
    const wc = fakeContents();
    for (const url of ['https://evil.example/', 'https://github.com/', 'http://example.org/', 'file:///etc/passwd', 'ms-settings:', 'javascript:alert(1)']) {
      expect(wc.openHandler()({ url }), url).toEqual({ action: 'deny' });
    }
    expect(m.openExternal).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(6);
    expect(log.mock.calls[0][0]).toMatch(/refused to open "https:\/\/evil\.example\/".*not one of the links the app shows/);
    expect(log.mock.calls[3][0]).toMatch(/"file:\/\/\/etc\/passwd".*file: scheme is never opened/);
  });

  it('opens exactly a listed link in the browser (never in the app) and refuses every variation of it', () => {
    const log = vi.fn();
    hardenApp([APP_ORIGIN], null, { log, externalLinks: [LISTED] });
    const wc = fakeContents();
    expect(wc.openHandler()({ url: LISTED })).toEqual({ action: 'deny' });
    expect(m.openExternal).toHaveBeenCalledTimes(1);
    expect(m.openExternal).toHaveBeenCalledWith(LISTED);
    expect(log).not.toHaveBeenCalled();
    for (const url of [
      'http://example.org/performia/help',
      'https://example.org/performia/help/../../evil',
      'https://example.org/performia/help?next=https://evil.example',
      'https://example.org/performia',
      'https://example.org/performia/help2',
      'https://user:pw@example.org/performia/help',
      'https://example.org.evil.example/performia/help',
    ]) {
      expect(wc.openHandler()({ url }), url).toEqual({ action: 'deny' });
    }
    expect(m.openExternal).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledTimes(7);
  });

  it('a plain link click (navigation) stays in the app only for the app’s origin; a listed link goes to the browser', () => {
    const log = vi.fn();
    hardenApp([APP_ORIGIN], null, { log, externalLinks: [LISTED] });
    const wc = fakeContents();
    expect(wc.emit('will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false);
    expect(wc.emit('will-navigate', 'https://evil.example/')).toBe(true);
    expect(m.openExternal).not.toHaveBeenCalled();
    expect(wc.emit('will-navigate', LISTED)).toBe(true);
    expect(m.openExternal).toHaveBeenCalledWith(LISTED);
    expect(wc.emit('will-redirect', 'https://evil.example/')).toBe(true);
    expect(wc.emit('will-attach-webview')).toBe(true);
    expect(m.openExternal).toHaveBeenCalledTimes(1);
  });

  it('keeps the long log line short and on one line', () => {
    const log = vi.fn();
    hardenApp([APP_ORIGIN], null, { log });
    fakeContents().openHandler()({ url: `https://evil.example/${'a'.repeat(5000)}\n` });
    const line = log.mock.calls[0][0] as string;
    expect(line.length).toBeLessThan(400);
    expect(line).not.toContain('\n');
  });

  it('denies every permission and sets the CSP on every response', () => {
    hardenApp([APP_ORIGIN], null, { log: () => {} });
    const request = m.setPermissionRequestHandler.mock.calls[0][0] as (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
    const cb = vi.fn();
    request({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    expect((m.setPermissionCheckHandler.mock.calls[0][0] as () => boolean)()).toBe(false);
    const headers = m.onHeadersReceived.mock.calls[0][0] as (d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
    const out = vi.fn();
    headers({ responseHeaders: {} }, out);
    expect(out.mock.calls[0][0].responseHeaders['Content-Security-Policy'][0]).toContain("script-src 'self'");
  });
});

describe('checkExternalLink', () => {
  it('accepts the exact listed URL (normalised) and nothing else', () => {
    expect(checkExternalLink('HTTPS://EXAMPLE.org/performia/help', [LISTED])).toEqual({ ok: true, url: LISTED });
    expect(checkExternalLink('not a url', [LISTED])).toEqual({ ok: false, reason: 'not a valid URL' });
    expect(checkExternalLink(LISTED).ok).toBe(EXTERNAL_LINKS.includes(LISTED));
  });
});

describe('the allow-list holds every web link in the renderer', () => {
  const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
  function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return sources(p);
      return /\.(tsx?|html|css)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !p.includes(`${path.sep}test${path.sep}`) ? [p] : [];
    });
  }

  it('finds no http(s) URL in src/renderer or src/preload that is missing from EXTERNAL_LINKS', () => {
    const files = [...sources(path.join(root, 'src/renderer')), ...sources(path.join(root, 'src/preload'))];
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) =>
      [...fs.readFileSync(f, 'utf8').matchAll(/https?:\/\/[^\s'"`)<>\\]+/g)]
        .map((x) => x[0])
        // loopback (the headless server) and XML namespace names are not links
        .filter((u) => !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(u) && !u.startsWith('http://www.w3.org/'))
        .map((u) => `${path.relative(root, f)}: ${u}`),
    );
    const missing = found.filter((s) => !EXTERNAL_LINKS.includes(s.slice(s.indexOf(': ') + 2)));
    expect(missing).toEqual([]);
  });
});
