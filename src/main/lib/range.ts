/**
 * HTTP Range header parsing (RFC 9110 §14) for a single byte range, as browsers send for media.
 * Returns null when there is no usable Range header (serve the whole file with 200),
 * 'invalid' when it is unsatisfiable (416), or inclusive start/end offsets (206).
 * Multi-range requests are answered with the first range only.
 */
export type ByteRange = { start: number; end: number };

export function parseRange(header: string | null | undefined, size: number): ByteRange | 'invalid' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return null; // unknown unit: ignore the header
  const first = m[1].split(',')[0].trim();
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(first);
  if (!r || (r[1] === '' && r[2] === '')) return 'invalid';
  if (size === 0) return 'invalid';
  if (r[1] === '') {
    // suffix range: the last N bytes
    const n = Number(r[2]);
    if (!Number.isSafeInteger(n) || n === 0) return 'invalid';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(r[1]);
  const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= size || end < start) return 'invalid';
  return { start, end };
}
