/**
 * The web pages the app itself links to — the one list. The Electron main process hands a URL to the OS
 * (`shell.openExternal`, src/main/electron/security.ts) only when it is exactly one of these; anything else
 * a renderer asks for is refused with a logged reason, so a compromised or confused renderer cannot make
 * the OS open arbitrary URLs (other schemes, protocol handlers, look-alike pages).
 *
 * The renderer links to no web page today, so the list is empty and every request is refused.
 * To add a link: put its exact https URL here and use this constant in the renderer; a test
 * (src/main/electron/security.test.ts) fails when renderer source holds an http(s) URL missing here.
 */
export const EXTERNAL_LINKS: readonly string[] = [];

export type ExternalLinkVerdict = { ok: true; url: string } | { ok: false; reason: string };

/** Exact match on the normalised URL: no prefixes, no wildcards, https only, no credentials. */
export function checkExternalLink(raw: string, allowed: readonly string[] = EXTERNAL_LINKS): ExternalLinkVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: `the ${url.protocol} scheme is never opened` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'a URL with credentials is never opened' };
  const href = url.href;
  if (!allowed.some((a) => new URL(a).href === href)) {
    return { ok: false, reason: 'not one of the links the app shows (src/shared/external-links.ts)' };
  }
  return { ok: true, url: href };
}
