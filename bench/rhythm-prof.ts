import { readFileSync } from 'node:fs';
import { stft } from '../src/main/analysis/spectrum';
import { onsetFeatures } from '../src/main/analysis/onset';
import {
  acfTempogram,
  detrend,
  periodPath,
  metricalLevels,
  periodPerFrame,
} from '../src/main/analysis/tempo';
import { trackBeats } from '../src/main/analysis/beat';
import { analyzeMeter, frameChroma } from '../src/main/analysis/meter';
import { refineBeats } from '../src/main/analysis/rhythm-refine';
import { analyzeRhythm } from '../src/main/analysis/rhythm';
const id = process.argv[2] ?? 's01';
const buf = readFileSync(`/tmp/rhythm-cache/${id}.f32`);
const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const spec = stft(x, { sr: 22050, nFft: 2048, hop: 512 });
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const T: Record<string, number> = {};
const time = <R>(k: string, f: () => R): R => {
  const a = cpu();
  const r = f();
  T[k] = (T[k] ?? 0) + cpu() - a;
  return r;
};
for (let rep = 0; rep < 5; rep++) {
  const f = time('onset', () => onsetFeatures(spec));
  const od = time('detrend', () => detrend(f.env, f.fps));
  const tg = time('tempogram', () => acfTempogram(od, f.fps, { minBpm: 18 }));
  const p0 = time('path-wide', () => periodPath(tg, [(60 * f.fps) / 240, (60 * f.fps) / 40]));
  time('levels', () => metricalLevels(tg, p0, { minBpm: 40, maxBpm: 330 }));
  const pp = periodPerFrame(p0, tg.hop, f.nFrames);
  const b = time('beats', () => trackBeats(od, pp));
  time('refine', () =>
    refineBeats(
      x,
      22050,
      b.map((v) => v / f.fps),
    ),
  );
  const ch = time('chroma', () => frameChroma(spec));
  time('meter', () => analyzeMeter(b, od, f, ch));
  time('TOTAL analyzeRhythm', () => analyzeRhythm({ samples: x, sr: 22050 }, { spec }));
}
const dur = x.length / 22050;
for (const [k, v] of Object.entries(T))
  console.log(k.padEnd(22), (((v / 5) * 180) / dur).toFixed(1), 'ms per 3 min (cpu)');
