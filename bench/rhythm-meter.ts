/** Which beat-synchronous feature points at the true downbeat phase, song by song. */
import { readFileSync } from 'node:fs';
import { stft } from '../src/main/analysis/spectrum';
import { onsetFeatures } from '../src/main/analysis/onset';
import { detrend } from '../src/main/analysis/tempo';
import { beatFeatures, frameChroma } from '../src/main/analysis/meter';
import { analyzeRhythm } from '../src/main/analysis/rhythm';
const CORPUS = new URL('../../shared/corpus/', import.meta.url).pathname;
const ids = process.argv.slice(2);
const tally: Record<string, number> = {};
for (const id of ids) {
  const gt = JSON.parse(readFileSync(`${CORPUS}gt/${id}.gt.json`, 'utf8'));
  const buf = readFileSync(`/tmp/rhythm-cache/${id}.f32`);
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const spec = stft(x, { sr: 22050, nFft: 2048, hop: 512 });
  const r = analyzeRhythm({ samples: x, sr: 22050 }, { spec });
  const f = onsetFeatures(spec);
  const od = detrend(f.env, f.fps);
  const frames = r.beats.map((t) => t * f.fps);
  const feats = beatFeatures(frames, od, f, frameChroma(spec)) as unknown as Record<string, Float64Array>;
  const m = gt.meter.numerator === 6 ? 2 : gt.meter.numerator;
  const hist = new Array<number>(m).fill(0);
  for (const d of gt.downbeats) {
    let bi = 0;
    for (let i = 0; i < r.beats.length; i++) if (Math.abs(r.beats[i] - d) < Math.abs(r.beats[bi] - d)) bi = i;
    if (Math.abs(r.beats[bi] - d) < 0.07) hist[bi % m]++;
  }
  const truth = hist.indexOf(Math.max(...hist));
  const line: string[] = [];
  for (const [name, v] of Object.entries(feats)) {
    const s = new Array<number>(m).fill(0);
    for (let i = 0; i < v.length; i++) s[i % m] += v[i] / (v.length / m);
    const best = s.indexOf(Math.max(...s));
    const others = s.filter((_, k) => k !== truth);
    const margin = s[truth] - Math.max(...others);
    tally[name] = (tally[name] ?? 0) + (best === truth ? 1 : 0);
    line.push(`${name} ${best === truth ? 'OK ' : 'bad'} ${margin.toFixed(2)}`);
  }
  console.log(id, `m=${m}`, line.join(' | '));
}
console.log(tally);
