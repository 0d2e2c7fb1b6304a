/**
 * Private tuning script for the rhythm engine: runs analyzeRhythm over the corpus (decoded with the
 * bundled ffmpeg, cached in /tmp/rhythm-cache) and prints tempo / beat / downbeat / meter scores.
 * Usage: npx tsx bench/rhythm-eval.ts [ids…]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { stft } from '../src/main/analysis/spectrum';
import { decodeCached } from './decode-cache';
import { analyzeRhythm } from '../src/main/analysis/rhythm';
import { beatFMeasure } from './metrics/beat';
import { trimBeats } from './metrics/events';
import { tempoAcc1, tempoAcc2, tempoCurve4 } from './metrics/tempo';

const CORPUS = new URL('../../shared/corpus/', import.meta.url).pathname;
const CACHE = '/tmp/rhythm-cache';

const load = (id: string, file: string): Float32Array =>
  decodeCached(`${CORPUS}audio/${file}`, `${CACHE}/${id}.f32`);

const ids = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(`${CORPUS}gt`)
      .map((f) => f.replace('.gt.json', ''))
      .sort();
const rows: number[][] = [];
const offs: number[] = [];
for (const id of ids) {
  const gt = JSON.parse(readFileSync(`${CORPUS}gt/${id}.gt.json`, 'utf8'));
  const x = load(id, gt.audio);
  const spec = stft(x, { sr: 22050, nFft: 2048, hop: 512 });
  // CPU time, not wall time: the machine is shared, and other processes stretch the wall clock
  const c0 = process.cpuUsage();
  const r = analyzeRhythm({ samples: x, sr: 22050 }, { spec });
  const c1 = process.cpuUsage(c0);
  const ms = (((c1.user + c1.system) / 1000) * 180) / gt.duration_sec;
  const bpm = r.tempo?.bpm_global ?? 0;
  const a1 = tempoAcc1(bpm, gt.tempo.bpm_global);
  const a2 = tempoAcc2(bpm, gt.tempo.bpm_global);
  const c4 = r.tempo
    ? tempoCurve4(gt.tempo.curve, r.tempo.curve, bpm, gt.music.start_sec, gt.music.end_sec)
    : 0;
  const bf = beatFMeasure(trimBeats(gt.beats), trimBeats(r.beats));
  const df = beatFMeasure(trimBeats(gt.downbeats), trimBeats(r.downbeats));
  const met =
    r.meter && r.meter.numerator === gt.meter.numerator && r.meter.denominator === gt.meter.denominator
      ? 1
      : 0;
  // signed offset of matched beats, to calibrate the onset latency
  for (const b of r.beats) {
    let best = Infinity;
    for (const g of gt.beats) if (Math.abs(b - g) < Math.abs(best)) best = b - g;
    if (Math.abs(best) < 0.07) offs.push(best);
  }
  rows.push([a1, a2, c4, bf, df, met, ms]);
  if (process.env.RHYTHM_DEBUG && r.beats.length) {
    // which of our beat indices (mod bar) carry the true downbeats
    const m = gt.meter.numerator === 6 ? 2 : gt.meter.numerator;
    const hist = new Array<number>(m).fill(0);
    for (const d of gt.downbeats) {
      let bi = 0;
      for (let i = 0; i < r.beats.length; i++)
        if (Math.abs(r.beats[i] - d) < Math.abs(r.beats[bi] - d)) bi = i;
      if (Math.abs(r.beats[bi] - d) < 0.07) hist[bi % m]++;
    }
    console.log('true downbeat phase histogram', hist.join(' '));
  }
  console.log(
    `${id} gt ${String(gt.tempo.bpm_global).padStart(6)} ${gt.meter.numerator}/${gt.meter.denominator} | est ${bpm.toFixed(1).padStart(6)} ${r.meter ? `${r.meter.numerator}/${r.meter.denominator}` : '-'}` +
      ` | acc1 ${a1} acc2 ${a2} curve4 ${c4.toFixed(3)} beatF ${bf.toFixed(3)} dbF ${df.toFixed(3)} meter ${met} | ${ms.toFixed(0)} cpu-ms/3min pts ${r.tempo?.curve.length ?? 0} conf ${r.tempo?.confidence}`,
  );
}
const mean = (k: number): string => (rows.reduce((a, r) => a + r[k], 0) / rows.length).toFixed(3);
console.log(
  `MEAN acc1 ${mean(0)} acc2 ${mean(1)} curve4 ${mean(2)} beatF ${mean(3)} dbF ${mean(4)} meter ${mean(5)} cpu-ms/3min ${mean(6)}`,
);
offs.sort((a, b) => a - b);
console.log(`beat offset median ${(offs[offs.length >> 1] * 1000).toFixed(1)} ms (n=${offs.length})`);
