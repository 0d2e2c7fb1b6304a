/**
 * Diagnostic: periodicity of harmonic novelty at 1–8 true beats (bar length as the harmony sees it),
 * optionally on a varispeed copy. Usage: npx tsx bench/rhythm-harm.ts <speed> <ids…>
 */
import { readFileSync } from 'node:fs';
import { stft } from '../src/main/analysis/spectrum';
import { onsetFeatures } from '../src/main/analysis/onset';
import { frameChroma } from '../src/main/analysis/meter';
import {
  acfTempogram,
  detrend,
  periodPath,
  metricalLevels,
  around,
  median,
} from '../src/main/analysis/tempo';
const k = Number(process.argv[2]);
for (const id of process.argv.slice(3)) {
  const gt = JSON.parse(readFileSync(`/work/shared/corpus/gt/${id}.gt.json`, 'utf8'));
  const buf = readFileSync(`/tmp/rhythm-cache/${id}.f32`);
  const x0 = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const n = Math.floor((x0.length - 1) / k);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * k;
    const j = Math.floor(p);
    x[i] = x0[j] * (1 - (p - j)) + x0[j + 1] * (p - j);
  }
  const spec = stft(x, { sr: 22050, nFft: 2048, hop: 512 });
  const f = onsetFeatures(spec);
  const ch = frameChroma(spec);
  // novelty: cosine distance between mean chroma of the 0.3 s before and after each frame
  const w = Math.round(0.3 * f.fps);
  const nov = new Float32Array(f.nFrames);
  for (let t = w; t < f.nFrames - w; t++) {
    const a = new Float64Array(12),
      b = new Float64Array(12);
    for (let j = t - w; j < t; j++) for (let c = 0; c < 12; c++) a[c] += ch[j * 12 + c];
    for (let j = t; j < t + w; j++) for (let c = 0; c < 12; c++) b[c] += ch[j * 12 + c];
    let d = 0,
      na = 0,
      nb = 0;
    for (let c = 0; c < 12; c++) {
      d += a[c] * b[c];
      na += a[c] ** 2;
      nb += b[c] ** 2;
    }
    nov[t] = na > 0 && nb > 0 ? 1 - d / Math.sqrt(na * nb) : 0;
  }
  const od = detrend(f.env, f.fps);
  const tg = acfTempogram(od, f.fps, { minBpm: 18 });
  const p0 = periodPath(tg, [(60 * f.fps) / 240, (60 * f.fps) / 40]);
  const p1 = periodPath(tg, around(median(Array.from(p0))));
  const tgn = acfTempogram(detrend(nov, f.fps), f.fps, { minBpm: 10, winSec: 16 });
  const pathBpm = median(Array.from(p1, (p) => (60 * f.fps) / p));
  // novelty salience at periods of 1..8 beats of the TRUE beat
  const beatBpm = gt.tempo.bpm_global * k;
  const L1 = tgn.maxLag + 1;
  const sal = (bpm: number) => {
    const p = (60 * f.fps) / bpm;
    let s = 0,
      c = 0;
    for (let wi = 0; wi < tgn.nWin; wi++) {
      let m = -1;
      for (let q = Math.floor(p * 0.97); q <= Math.ceil(p * 1.03) && q < L1; q++)
        m = Math.max(m, tgn.acf[wi * L1 + q]);
      if (m > -1) {
        s += m;
        c++;
      }
    }
    return c ? s / c : 0;
  };
  console.log(
    id,
    beatBpm.toFixed(0),
    `${gt.meter.numerator}/${gt.meter.denominator}`,
    [1, 2, 3, 4, 6, 8].map((nb) => `${nb}:${sal(beatBpm / nb).toFixed(2)}`).join(' '),
  );
}
