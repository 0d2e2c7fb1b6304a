/**
 * Who may call the IPC handlers: only the app's own top-level frame, loaded from the app's own origin.
 * Kept free of Electron imports (it takes the few frame fields it needs) so it is unit-tested directly.
 */

/** The origin the packaged renderer is served from (custom protocol, never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'performia';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface SenderFrameLike {
  url: string;
  /** null for the top-level frame */
  parent: unknown | null;
}

export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    // custom standard schemes report origin "null" in some URL implementations: rebuild it
    return u.origin !== 'null' ? u.origin : `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/**
 * True when the frame is a top-level frame whose origin is one of `allowedOrigins`
 * (APP_ORIGIN in production; the electron-vite dev server's origin in development).
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, allowedOrigins: readonly string[]): boolean {
  if (!frame || typeof frame.url !== 'string') return false;
  if (frame.parent) return false; // no iframes
  const origin = originOf(frame.url);
  return origin !== null && allowedOrigins.includes(origin);
}
