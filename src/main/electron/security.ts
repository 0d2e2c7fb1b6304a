/**
 * Electron security checklist, applied app-wide: no new windows, no navigation away from the app,
 * no webviews, no permissions, CSP on every response of the default session.
 */
import { app, session, shell, type WebContents } from 'electron';
import { contentSecurityPolicy } from './csp';
import { originOf } from './sender';

export function hardenApp(allowedOrigins: readonly string[], devUrl: string | null): void {
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

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      // links to the web open in the user's browser, never inside the app
      if (/^https:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      const origin = originOf(url);
      if (!origin || !allowedOrigins.includes(origin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      const origin = originOf(url);
      if (!origin || !allowedOrigins.includes(origin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
