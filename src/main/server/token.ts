/**
 * The API token for scripts: generated once (crypto random) and kept in `<data-dir>/api-token`, mode 0600.
 * A token file that is unreadable garbage is replaced; one that is readable is reused across restarts so
 * scripts keep working.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TOKEN_FILE = 'api-token';
const TOKEN_RE = /^[A-Za-z0-9_-]{32,128}$/;

export function tokenPath(dataDir: string): string {
  return path.join(dataDir, TOKEN_FILE);
}

export function loadOrCreateToken(dataDir: string): string {
  const file = tokenPath(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (TOKEN_RE.test(existing)) {
      // tighten permissions left loose by hand edits or copies
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const token = randomBytes(32).toString('base64url');
  // write to a private temp file, then rename: no window where the token is world-readable or half-written
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // the umask may have narrowed, never widened; be explicit anyway
  fs.renameSync(tmp, file);
  return token;
}

/** Constant-time comparison so the token cannot be guessed byte by byte from response timing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
