/** The renderer's Content-Security-Policy (Electron); the headless server sends the same policy. */
export function contentSecurityPolicy(opts: { dev?: string | null } = {}): string {
  const dev = opts.dev ? ` ${opts.dev}` : '';
  const devWs = opts.dev ? ` ${opts.dev.replace(/^http/, 'ws')}` : '';
  return [
    `default-src 'self'${dev}`,
    // React's dev preamble needs inline script only on the dev server
    `script-src 'self'${dev}${opts.dev ? " 'unsafe-inline'" : ''}`,
    `style-src 'self' 'unsafe-inline'${dev}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob: performia-audio:",
    `connect-src 'self'${dev}${devWs}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
