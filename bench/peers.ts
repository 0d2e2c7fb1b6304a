/**
 * The free peers on a corpus with ground truth, scored with the same metrics as the engine:
 * - essentia.js 0.1.3: `RhythmExtractor2013` (`degara`, 40–208 BPM) for tempo and beats, `KeyExtractor`
 *   with its defaults for one key per song;
 * - music-tempo 1.0.3 (Dixon's BeatRoot-style agents) for tempo and beats;
 * each on the whole song decoded by the bundled ffmpeg to 44.1 kHz mono.
 *
 *   npx tsx bench/peers.ts <corpus dir> [--part tune|held] [--only id,id] [--shard k/n] --save <dir>
 *   npx tsx bench/peers.ts <corpus dir> [--part tune|held] --pred <dir>      # score saved answers only
 *
 * `--save` writes `<dir>/<peer>/<id>.json` (song-map fields the peer gives) and skips songs already
 * there, so shards can run side by side and a stopped run resumes. Both modes print the means per peer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { HEAD, loadGroundTruth } from './accuracy';
import { METRICS, scoreSong, summarise, type GroundTruth, type PredictedMap } from './metrics/score';
import { partOf, type Part } from './parts';

const SR = 44100;
const PEERS = ['essentia.js', 'music-tempo'] as const;
type Peer = (typeof PEERS)[number];

interface Args {
  corpus: string;
  part?: Part;
  only?: Set<string>;
  shard: [number, number];
  save?: string;
  pred?: string;
}

function parse(argv: string[]): Args {
  const a: Partial<Args> = { shard: [0, 1] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--part') a.part = argv[++i] as Part;
    else if (v === '--only') a.only = new Set(argv[++i].split(','));
    else if (v === '--shard') {
      const [k, n] = argv[++i].split('/').map(Number);
      a.shard = [k, n];
    } else if (v === '--save') a.save = argv[++i];
    else if (v === '--pred') a.pred = argv[++i];
    else rest.push(v);
  }
  if (rest.length !== 1 || !(a.save || a.pred))
    throw new Error(
      'usage: peers.ts <corpus> [--part tune|held] [--only ids] [--shard k/n] (--save <dir> | --pred <dir>)',
    );
  return { corpus: rest[0], ...a } as Args;
}

function decode(path: string): Float32Array {
  const out = execFileSync(
    ffmpeg.path,
    ['-nostdin', '-v', 'error', '-i', path, '-ac', '1', '-ar', String(SR), '-f', 'f32le', '-'],
    { maxBuffer: 1 << 30 },
  );
  const x = new Float32Array(out.byteLength / 4);
  new Uint8Array(x.buffer).set(out.subarray(0, x.byteLength));
  return x;
}

interface Vec {
  delete(): void;
}
interface EssentiaApi {
  arrayToVector(a: Float32Array): Vec;
  vectorToArray(v: Vec): Float32Array;
  RhythmExtractor2013(v: Vec, maxTempo?: number, method?: string, minTempo?: number): Record<string, unknown>;
  KeyExtractor(v: Vec): Record<string, unknown>;
}

function freeAll(r: Record<string, unknown>): void {
  for (const v of Object.values(r)) if (v && typeof (v as Vec).delete === 'function') (v as Vec).delete();
}

/** one WASM instance for the run */
let essentia: EssentiaApi | null = null;

function runPeers(x: Float32Array): Record<Peer, PredictedMap> {
  const require = createRequire(import.meta.url);
  const { Essentia, EssentiaWASM } = require('essentia.js') as {
    Essentia: new (wasm: unknown) => EssentiaApi;
    EssentiaWASM: unknown;
  };
  const MusicTempo = require('music-tempo') as new (a: Float32Array) => {
    tempo: string | number;
    beats: number[];
  };
  const es = (essentia ??= new Essentia(EssentiaWASM));
  const ess: PredictedMap = {};
  const vec = es.arrayToVector(x);
  try {
    const r = es.RhythmExtractor2013(vec, 208, 'degara', 40);
    ess.tempo = { bpm_global: Number(r.bpm) };
    ess.beats = Array.from(es.vectorToArray(r.ticks as Vec));
    freeAll(r);
    const k = es.KeyExtractor(vec);
    const dur = x.length / SR;
    ess.key = [{ start: 0, end: dur, tonic: String(k.key), mode: String(k.scale) }];
    freeAll(k);
  } finally {
    vec.delete();
  }
  const mt: PredictedMap = {};
  try {
    const m = new MusicTempo(x);
    const bpm = Number(m.tempo);
    if (Number.isFinite(bpm) && bpm > 0) mt.tempo = { bpm_global: bpm };
    mt.beats = m.beats;
  } catch {
    // music-tempo throws on audio it finds no tempo in: nothing predicted
  }
  return { 'essentia.js': ess, 'music-tempo': mt };
}

const fmt = (v: number | null | undefined): string => (v == null ? '   --' : v.toFixed(3).padStart(5));

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const gts = loadGroundTruth(a.corpus, a.only).filter((g) => !a.part || partOf(g.id) === a.part);
  const dir = a.save ?? a.pred!;
  if (a.save) {
    const mine = gts.filter((_, i) => i % a.shard[1] === a.shard[0]);
    for (const gt of mine) {
      const files = PEERS.map((p) => join(dir, p, `${gt.id}.json`));
      if (files.every((f) => existsSync(f))) continue;
      const t0 = performance.now();
      const maps = runPeers(decode(join(a.corpus, 'audio', gt.audio)));
      PEERS.forEach((p, i) => {
        mkdirSync(join(dir, p), { recursive: true });
        writeFileSync(files[i], JSON.stringify(maps[p]));
      });
      process.stderr.write(`${gt.id} ${Math.round(performance.now() - t0)} ms\n`);
    }
    if (a.shard[1] > 1) return;
  }
  const head = METRICS.map((m) => HEAD[m].padStart(5)).join(' ');
  console.log(`${'peer'.padEnd(26)} ${head}`);
  for (const p of PEERS) {
    const reports = gts
      .filter((gt) => existsSync(join(dir, p, `${gt.id}.json`)))
      .map((gt: GroundTruth) =>
        scoreSong(gt, JSON.parse(readFileSync(join(dir, p, `${gt.id}.json`), 'utf8')) as PredictedMap),
      );
    const s = summarise(reports);
    console.log(`${`${p} (${reports.length})`.padEnd(26)} ${METRICS.map((m) => fmt(s[m]?.mean)).join(' ')}`);
  }
}

void main();
