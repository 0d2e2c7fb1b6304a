/**
 * Serves the built renderer (out/renderer). Paths are decoded once, must stay inside the root after
 * resolving `..` and symlinks, and dot-files are never served. Unknown extension-less paths fall back to
 * index.html (client-side navigation); unknown files are 404.
 */
import fs from 'node:fs';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; file: string; size: number; isIndex: boolean }
  | { kind: 'not-found' }
  | { kind: 'bad-path' }
  | { kind: 'no-renderer' };

/** Resolves a URL pathname (still percent-encoded) to a file under `root`, refusing any escape. */
export function resolveStatic(root: string, urlPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad-path' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad-path' };
  const segments = decoded.split('/').filter((s) => s.length > 0);
  // '..' is refused outright rather than normalised away: a request that tries it is not a UI request
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return { kind: 'bad-path' };
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    return { kind: 'no-renderer' };
  }
  const index = path.join(realRoot, 'index.html');
  if (!fs.existsSync(index)) return { kind: 'no-renderer' };
  if (segments.length === 0) return fileAt(index, true);
  const candidate = path.join(realRoot, ...segments);
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    // extension-less unknown paths are client routes of the single-page app
    return path.extname(candidate) === '' ? fileAt(index, true) : { kind: 'not-found' };
  }
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { kind: 'bad-path' }; // a symlink pointing out
  const st = fs.statSync(real);
  if (st.isDirectory()) {
    const inner = path.join(real, 'index.html');
    return fs.existsSync(inner) ? fileAt(inner, inner === index) : { kind: 'not-found' };
  }
  if (!st.isFile()) return { kind: 'not-found' };
  return { kind: 'file', file: real, size: st.size, isIndex: real === index };
}

function fileAt(file: string, isIndex: boolean): StaticLookup {
  return { kind: 'file', file, size: fs.statSync(file).size, isIndex };
}
