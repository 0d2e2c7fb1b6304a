/**
 * Tuning loop for the engine on a large generated set, with the split kept honest: a wide set
 * (`../shared/corpus/tools/build.sh wide <dir>`) is split by song number into a tuning part (even
 * ids) and an untouched part (odd ids). Choose parameters with `--part tune` only; look at
 * `--part held` once, to report.
 *
 *   npx tsx bench/tune.ts <corpus dir> [--part tune|held|all] [--only id,id] [--stages rhythm,harmony,sections]
 *                         [--jobs 2] [--save <dir>] [--verbose] [--raw]
 *
 * Decodes each song once with the bundled ffmpeg to 22050 Hz mono float (cached under
 * /tmp/performia-tune/<corpus>/), runs the engine's stages on it exactly as the pipeline does
 * (shared STFT → rhythm → harmony → meter from harmony → sections) and scores with bench/metrics; with
 * `--stages rhythm` the meter-from-harmony step (meter-harmony.ts) cannot run, so a fast 3/4 stays 6/8 there. Loudness is not
 * measured here (it needs the native-rate stream: use bench:accuracy). `--jobs N` runs N child
 * processes over disjoint shards.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { analyzeHarmony } from '../src/main/analysis/harmony';
import { readingFromHarmony } from '../src/main/analysis/meter-harmony';
import { reportRawConfidence } from '../src/main/analysis/calibration';
import { loadFastFft } from '../src/main/analysis/fft';
import { analyzeRhythm, completeBars } from '../src/main/analysis/rhythm';
import { analyzeSections } from '../src/main/analysis/segment';
import { stft } from '../src/main/analysis/spectrum';
import { ANALYSIS_SR, SHARED_HOP, SHARED_NFFT } from '../src/main/analysis/stages';
import { loadGroundTruth } from './accuracy';
import { decodeCached } from './decode-cache';
import { partOf, type Part } from './parts';
import {
  METRICS,
  scoreSong,
  summarise,
  type GroundTruth,
  type PredictedMap,
  type SongReport,
} from './metrics/score';

interface Args {
  corpus: string;
  part: Part | 'all';
  only?: Set<string>;
  stages: Set<string>;
  jobs: number;
  shard?: [number, number];
  save?: string;
  verbose: boolean;
  /** confidences as raw scores (for fitting the calibration), not probabilities */
  raw?: boolean;
}

function parse(argv: string[]): Args {
  const a: Args = {
    corpus: '',
    part: 'tune',
    stages: new Set(['rhythm', 'harmony']),
    jobs: 1,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--part') a.part = argv[++i] as Args['part'];
    else if (v === '--only') a.only = new Set(argv[++i].split(','));
    else if (v === '--stages') a.stages = new Set(argv[++i].split(','));
    else if (v === '--jobs') a.jobs = Number(argv[++i]);
    else if (v === '--shard') a.shard = argv[++i].split('/').map(Number) as [number, number];
    else if (v === '--save') a.save = argv[++i];
    else if (v === '--verbose') a.verbose = true;
    else if (v === '--raw') a.raw = true;
    else a.corpus = v;
  }
  if (!a.corpus)
    throw new Error('usage: tune.ts <corpus dir> [--part tune|held|all] [--only ids] [--stages ...]');
  return a;
}

const decoded = (corpus: string, gt: GroundTruth): Float32Array =>
  decodeCached(
    join(corpus, 'audio', gt.audio),
    join('/tmp/performia-tune', basename(resolve(corpus)), `${gt.id}.f32`),
  );

function predict(
  samples: Float32Array,
  stages: Set<string>,
): PredictedMap & { extra: Record<string, unknown> } {
  const audio = { samples, sr: ANALYSIS_SR };
  const spec = stft(samples, { sr: ANALYSIS_SR, nFft: SHARED_NFFT, hop: SHARED_HOP });
  const r = analyzeRhythm(audio, { spec });
  const out: PredictedMap & { extra: Record<string, unknown> } = {
    tempo: r.tempo,
    beats: r.beats,
    downbeats: r.downbeats,
    meter: r.meter,
    extra: { rhythmStages: r.stages, tempoConfidence: r.tempo?.confidence },
  };
  if (stages.has('harmony') || stages.has('sections')) {
    const h = analyzeHarmony(audio, { spec, beats: r.beats, downbeats: r.downbeats });
    out.key = h.key;
    out.chords = h.chords;
    // as the pipeline does: the chords can say the beat is one metrical level off
    const rr = readingFromHarmony(r, h.chords) ?? r;
    Object.assign(out, { tempo: rr.tempo, beats: rr.beats, downbeats: rr.downbeats, meter: rr.meter });
    out.extra.keyConfidence = h.key[0]?.conf;
    if (stages.has('sections')) {
      const s = analyzeSections(audio, {
        spec,
        beats: rr.beats,
        downbeats: rr.downbeats,
        beatChroma: h.beatChroma,
        meter: rr.meter,
      });
      out.sections = s.sections;
    }
  }
  // as the pipeline does: a soft intro keeps its bars back to the first note, a held final chord its bar
  const bars = completeBars(
    {
      beats: out.beats ?? [],
      downbeats: out.downbeats ?? [],
      meter: out.meter ?? null,
      tempo: out.tempo ?? null,
    },
    audio,
  );
  out.beats = bars.beats;
  if (out.downbeats) out.downbeats = bars.downbeats;
  if (out.tempo) out.tempo = bars.tempo;
  return out;
}

const HEAD = [
  'acc1',
  'acc2',
  'crv4',
  'beatF',
  'CMLt',
  'AMLt',
  'dbF',
  'metr',
  'key',
  'keyX',
  'root',
  'mjmn',
  '7ths',
  'cseg',
  'sF.5',
  'sF3',
  'pwF',
  'dLU',
];
const f3 = (v: number | null | undefined): string =>
  (v === undefined ? '' : v === null ? '--' : v.toFixed(3)).padStart(6);

async function runShard(a: Args, gts: GroundTruth[]): Promise<void> {
  await loadFastFft();
  reportRawConfidence(!!a.raw);
  for (const gt of gts) {
    const t0 = performance.now();
    const pred = predict(decoded(a.corpus, gt), a.stages);
    const rep = scoreSong(gt, pred);
    const line = {
      id: gt.id,
      scores: rep.scores,
      ms: Math.round(performance.now() - t0),
      info: {
        truth: {
          bpm: gt.tempo?.bpm_global,
          meter: gt.meter,
          key: gt.key?.[0],
          drums: gt.flags.drums,
          source: gt.source,
        },
        est: { bpm: pred.tempo?.bpm_global, meter: pred.meter, key: pred.key?.[0] },
        ...pred.extra,
      },
    };
    if (a.save) {
      mkdirSync(a.save, { recursive: true });
      writeFileSync(join(a.save, `${gt.id}.json`), JSON.stringify(pred));
    }
    process.stdout.write(JSON.stringify(line) + '\n');
  }
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  let gts = loadGroundTruth(a.corpus, a.only);
  if (a.part !== 'all') gts = gts.filter((g) => partOf(g.id) === a.part);
  if (a.shard) {
    const [k, n] = a.shard;
    await runShard(
      a,
      gts.filter((_, i) => i % n === k),
    );
    return;
  }
  // children over disjoint shards; each prints one JSON line per song
  const lines: string[] = [];
  const jobs = Math.max(1, a.jobs);
  await Promise.all(
    Array.from({ length: jobs }, (_, k) => {
      const args = [
        ...process.argv.slice(1).filter((x, i, arr) => x !== '--jobs' && arr[i - 1] !== '--jobs'),
        '--shard',
        `${k}/${jobs}`,
      ];
      return new Promise<void>((res, rej) => {
        const ch = spawn(process.execPath, [...process.execArgv, ...args], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let buf = '';
        ch.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const l = buf.slice(0, i);
            buf = buf.slice(i + 1);
            lines.push(l);
            if (a.verbose) {
              const o = JSON.parse(l) as { id: string; scores: Record<string, number | null>; info: unknown };
              console.log(
                o.id.padEnd(8) + METRICS.map((m) => f3(o.scores[m])).join('') + '  ' + JSON.stringify(o.info),
              );
            }
          }
        });
        ch.on('exit', (c) => (c === 0 ? res() : rej(new Error(`shard ${k} exited ${c}`))));
      });
    }),
  );
  const reports: SongReport[] = lines
    .map((l) => JSON.parse(l) as { id: string; scores: SongReport['scores'] })
    .sort((x, y) => x.id.localeCompare(y.id))
    .map((o) => ({ id: o.id, scores: o.scores, notes: [] }));
  const s = summarise(reports);
  console.log(''.padEnd(8) + HEAD.map((h) => h.padStart(6)).join(''));
  console.log(
    `MEAN(${reports.length})`.padEnd(8).slice(0, 8) +
      METRICS.map((m) => f3(s[m].n === 0 ? undefined : s[m].mean)).join(''),
  );
  if (!a.verbose) {
    // the songs below 0.9 on the rhythm metrics, to look at
    const weak = reports.filter((r) => (r.scores.beat_f ?? 1) < 0.9 || (r.scores.tempo_acc1 ?? 1) < 1);
    console.log(`weak rhythm: ${weak.map((r) => r.id).join(' ')}`);
  }
  writeFileSync(`/tmp/tune-${basename(resolve(a.corpus))}-${a.part}.jsonl`, lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
