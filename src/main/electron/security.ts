/**
 * Electron security checklist, applied app-wide: no new windows, no navigation away from the app,
 * no webviews, no permissions, CSP on every response of the default session, and the OS asked to open
 * only the app's own links (src/shared/external-links.ts) — everything else refused with a logged reason.
 */
import { app, session, shell, type WebContents } from 'electron';
import { EXTERNAL_LINKS, checkExternalLink } from '../../shared/external-links';
import { contentSecurityPolicy } from './csp';
import { originOf } from './sender';

export interface HardenOptions {
  /** the URLs the OS may be asked to open; the app's list unless a test passes its own */
  externalLinks?: readonly string[];
  log?: (msg: string) => void;
}

/** A URL as it goes into the log: quoted (no control characters, one line) and cut short. */
const forLog = (url: string): string => JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url);

export function hardenApp(allowedOrigins: readonly string[], devUrl: string | null, opts: HardenOptions = {}): void {
  const externalLinks = opts.externalLinks ?? EXTERNAL_LINKS;
  const log = opts.log ?? ((m: string) => console.warn(`[security] ${m}`));
  const csp = contentSecurityPolicy({ dev: devUrl ? originOf(devUrl) : null });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [csp],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  // the app needs no camera, microphone, notifications-from-web, geolocation …
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  /** The app's own links open in the user's browser, never inside the app; nothing else is handed to the OS. */
  function openIfListed(url: string, via: string): void {
    const verdict = checkExternalLink(url, externalLinks);
    // reviewed (electronegativity OPEN_EXTERNAL_JS_CHECK flags any non-literal argument): `verdict.url` is
    // only ever an https URL equal to an entry of the fixed list, never what the renderer sent as such
    if (verdict.ok) void shell.openExternal(verdict.url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
    else log(`refused to open ${forLog(url)} (${via}): ${verdict.reason}`);
  }

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openIfListed(url, 'new window');
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      const origin = originOf(url);
      if (origin && allowedOrigins.includes(origin)) return;
      event.preventDefault();
      openIfListed(url, 'navigation');
    });
    contents.on('will-redirect', (event, url) => {
      const origin = originOf(url);
      if (!origin || !allowedOrigins.includes(origin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
