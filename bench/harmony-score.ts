/**
 * Quick key / chord scores for the harmony tuning script, following mir_eval conventions:
 * MIREX weighted key score over the music; chord WCSR root / majmin / sevenths weighted by duration
 * (sampled every 10 ms), N counted, references outside the vocabulary excluded.
 */
import { Note } from '@tonaljs/tonal';

const HARTE: Record<string, number[]> = {
  maj: [0, 4, 7],
  min: [0, 3, 7],
  '7': [0, 4, 7, 10],
  maj7: [0, 4, 7, 11],
  min7: [0, 3, 7, 10],
  dim: [0, 3, 6],
  hdim7: [0, 3, 6, 10],
  sus4: [0, 5, 7],
};
const SUFFIX: Record<string, string> = { '': 'maj', m: 'min', '7': '7', maj7: 'maj7', m7: 'min7', dim: 'dim', m7b5: 'hdim7', sus4: 'sus4' };

interface Parsed {
  root: number;
  /** 12-bit interval mask relative to the root; 0 for N */
  mask: number;
}

function maskOf(q: string): number {
  const iv = HARTE[q];
  if (!iv) throw new Error(`unknown quality ${q}`);
  return iv.reduce((m, i) => m | (1 << i), 0);
}

export function parseLabel(label: string): Parsed {
  if (label === 'N') return { root: -1, mask: 0 };
  if (label.includes(':')) {
    const [r, q] = label.split(':');
    return { root: Note.chroma(r) ?? -1, mask: maskOf(q) };
  }
  const m = /^([A-G][#b]?)(.*)$/.exec(label);
  if (!m) throw new Error(`bad label ${label}`);
  const q = SUFFIX[m[2]];
  if (!q) throw new Error(`unknown suffix ${label}`);
  return { root: Note.chroma(m[1]) ?? -1, mask: maskOf(q) };
}

interface Seg {
  start: number;
  end: number;
  label: string;
}

function at(segs: Seg[], t: number, idx: { i: number }): string {
  while (idx.i < segs.length && segs[idx.i].end <= t) idx.i++;
  return idx.i < segs.length && segs[idx.i].start <= t ? segs[idx.i].label : 'N';
}

const MAJ = maskOf('maj');
const MIN = maskOf('min');
const SEVENTHS = new Set(['maj', 'min', '7', 'maj7', 'min7'].map(maskOf));

export function scoreChords(ref: Seg[], est: Seg[], duration: number): { root: number; majmin: number; sevenths: number } {
  const acc = { root: [0, 0], majmin: [0, 0], sevenths: [0, 0] };
  const ri = { i: 0 };
  const ei = { i: 0 };
  for (let t = 0.005; t < duration; t += 0.01) {
    const r = parseLabel(at(ref, t, ri));
    const e = parseLabel(at(est, t, ei));
    acc.root[1]++;
    if (r.root === e.root) acc.root[0]++;
    const r8 = r.mask & 0xff;
    const e8 = e.mask & 0xff;
    if (r.root < 0 || r8 === MAJ || r8 === MIN) {
      acc.majmin[1]++;
      if (r.root === e.root && r8 === e8) acc.majmin[0]++;
    }
    if (r.root < 0 || SEVENTHS.has(r.mask)) {
      acc.sevenths[1]++;
      if (r.root === e.root && r.mask === e.mask) acc.sevenths[0]++;
    }
  }
  return {
    root: acc.root[0] / acc.root[1],
    majmin: acc.majmin[0] / acc.majmin[1],
    sevenths: acc.sevenths[0] / acc.sevenths[1],
  };
}

interface KeySeg {
  start: number;
  end: number;
  tonic: string;
  mode: string;
}

export function keyWeighted(rt: number, rm: string, et: number, em: string): number {
  if (et < 0) return 0;
  if (rt === et && rm === em) return 1;
  if (rm === em && (et - rt + 12) % 12 === 7) return 0.5;
  if (rm === 'major' && em === 'minor' && (et - rt + 12) % 12 === 9) return 0.3;
  if (rm === 'minor' && em === 'major' && (et - rt + 12) % 12 === 3) return 0.3;
  if (rt === et && rm !== em) return 0.2;
  return 0;
}

export function scoreKey(ref: KeySeg[], est: KeySeg[], start: number, end: number): { key: number; keyExact: number } {
  let w = 0;
  let ex = 0;
  let n = 0;
  for (let t = start + 0.005; t < end; t += 0.01) {
    const r = ref.find((k) => k.start <= t && t < k.end) ?? ref[ref.length - 1];
    const e = est.find((k) => k.start <= t && t < k.end) ?? est[est.length - 1];
    n++;
    if (!e) continue;
    const s = keyWeighted(Note.chroma(r.tonic) ?? -1, r.mode, Note.chroma(e.tonic) ?? -1, e.mode);
    w += s;
    if (s === 1) ex++;
  }
  return { key: w / n, keyExact: ex / n };
}
