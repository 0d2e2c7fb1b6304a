/** CSV of beats and chords, one row per event: RFC 4180 quoting, times in seconds. */
import type { EffectiveMap } from '../songmap/effective';
import { barAt } from '../songmap/effective';

export const CSV_HEADER = ['type', 'start', 'end', 'bar', 'beat', 'downbeat', 'label', 'confidence'] as const;

export function csvCell(v: string | number | null): string {
  if (v == null) return '';
  const s = typeof v === 'number' ? String(Math.round(v * 1e4) / 1e4) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function beatsChordsCsv(m: EffectiveMap): string {
  const rows: (string | number | null)[][] = [[...CSV_HEADER]];
  const downs = new Set(m.downbeats);
  let beatInBar = 0;
  for (const b of m.beats) {
    const bar = barAt(m.downbeats, b);
    beatInBar = downs.has(b) ? 1 : bar == null ? 0 : beatInBar + 1;
    rows.push(['beat', b, null, bar, bar == null ? null : beatInBar, downs.has(b) ? 1 : 0, null, null]);
  }
  for (const c of m.chords)
    rows.push(['chord', c.start, c.end, barAt(m.downbeats, c.start), null, null, c.label, c.conf]);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** a small RFC 4180 reader, used by the tests to read the export back */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
