/** Where the estimated beats miss the truth (±70 ms), per song: unmatched truth/estimate times. */
import { readFileSync } from 'node:fs';
import { analyzeRhythm } from '../src/main/analysis/rhythm';
const id = process.argv[2];
const gt = JSON.parse(readFileSync(new URL(`../../shared/corpus/gt/${id}.gt.json`, import.meta.url), 'utf8'));
const buf = readFileSync(`/tmp/rhythm-cache/${id}.f32`);
const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const r = analyzeRhythm({ samples: x, sr: 22050 }, {});
const near = (xs: number[], t: number) => xs.some((v) => Math.abs(v - t) <= 0.07);
console.log(
  'missed truth',
  gt.beats
    .filter((t: number) => t > 5 && !near(r.beats, t))
    .map((t: number) => t.toFixed(2))
    .join(' '),
);
console.log(
  'extra est',
  r.beats
    .filter((t) => t > 5 && !near(gt.beats, t))
    .map((t) => t.toFixed(2))
    .join(' '),
);
