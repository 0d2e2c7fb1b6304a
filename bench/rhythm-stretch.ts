/**
 * Robustness check beyond the dev songs: each song replayed faster or slower (varispeed: tempo and
 * pitch scale together), ground truth scaled to match. Usage: npx tsx bench/rhythm-stretch.ts 0.8 1.25
 */
import { readFileSync, readdirSync } from 'node:fs';
import { stft } from '../src/main/analysis/spectrum';
import { analyzeRhythm } from '../src/main/analysis/rhythm';
import { beatFMeasure } from './metrics/beat';
import { trimBeats } from './metrics/events';
import { tempoAcc1, tempoAcc2 } from './metrics/tempo';
const CORPUS = new URL('../../shared/corpus/', import.meta.url).pathname;
const ids = readdirSync(`${CORPUS}gt`)
  .map((f) => f.replace('.gt.json', ''))
  .sort();
for (const k of process.argv.slice(2).map(Number)) {
  const rows: number[][] = [];
  const bad: string[] = [];
  for (const id of ids) {
    const gt = JSON.parse(readFileSync(`${CORPUS}gt/${id}.gt.json`, 'utf8'));
    const buf = readFileSync(`/tmp/rhythm-cache/${id}.f32`);
    const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const n = Math.floor((x.length - 1) / k);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = i * k;
      const j = Math.floor(p);
      y[i] = x[j] * (1 - (p - j)) + x[j + 1] * (p - j);
    }
    const spec = stft(y, { sr: 22050, nFft: 2048, hop: 512 });
    const r = analyzeRhythm({ samples: y, sr: 22050 }, { spec });
    const bpm = r.tempo?.bpm_global ?? 0;
    const sc = (a: number[]) => a.map((t) => t / k);
    const row = [
      tempoAcc1(bpm, gt.tempo.bpm_global * k),
      tempoAcc2(bpm, gt.tempo.bpm_global * k),
      beatFMeasure(trimBeats(sc(gt.beats)), trimBeats(r.beats)),
      beatFMeasure(trimBeats(sc(gt.downbeats)), trimBeats(r.downbeats)),
      r.meter?.numerator === gt.meter.numerator && r.meter?.denominator === gt.meter.denominator ? 1 : 0,
    ];
    rows.push(row);
    if (row[0] < 1 || row[3] < 0.9 || row[4] < 1)
      bad.push(
        `${id}(${(gt.tempo.bpm_global * k).toFixed(0)}→${bpm.toFixed(0)} ${r.meter?.numerator}/${r.meter?.denominator} dbF ${row[3].toFixed(2)})`,
      );
  }
  const mean = (c: number) => (rows.reduce((a, r) => a + r[c], 0) / rows.length).toFixed(3);
  console.log(
    `x${k}: acc1 ${mean(0)} acc2 ${mean(1)} beatF ${mean(2)} dbF ${mean(3)} meter ${mean(4)} | ${bad.join(' ')}`,
  );
}
