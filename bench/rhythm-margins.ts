/** Meter decision margins on the corpus: subdivision ratio (compound if > 1) and 3-vs-4 contrasts. */
import { readFileSync } from 'node:fs';
import { stft } from '../src/main/analysis/spectrum';
import { onsetFeatures } from '../src/main/analysis/onset';
import { detrend } from '../src/main/analysis/tempo';
import { analyzeMeter, frameChroma } from '../src/main/analysis/meter';
import { analyzeRhythm } from '../src/main/analysis/rhythm';
const CORPUS = new URL('../../shared/corpus/', import.meta.url).pathname;
for (const id of process.argv.slice(2)) {
  const gt = JSON.parse(readFileSync(`${CORPUS}gt/${id}.gt.json`, 'utf8'));
  const buf = readFileSync(`/tmp/rhythm-cache/${id}.f32`);
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const spec = stft(x, { sr: 22050, nFft: 2048, hop: 512 });
  const r = analyzeRhythm({ samples: x, sr: 22050 }, { spec });
  const f = onsetFeatures(spec);
  const od = detrend(f.env, f.fps);
  const m = analyzeMeter(
    r.beats.map((t) => t * f.fps),
    od,
    f,
    frameChroma(spec),
  )!;
  console.log(
    id,
    `${gt.meter.numerator}/${gt.meter.denominator}`,
    `tern ${m.ternaryRatio.toFixed(2)}`,
    `contrast3 ${m.contrasts[3]?.toFixed(2)} contrast4 ${m.contrasts[4]?.toFixed(2)} conf ${m.confidence.toFixed(2)}`,
  );
}
