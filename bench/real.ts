/**
 * Real-recordings bench (issue 7): robustness where there is no ground truth.
 *
 *   npm run bench:real -- [--list <file of paths>] [--dirs d1,d2] [--json out.json]
 *                         [--min-sec 30] [--limit N] [--no-peers] [--cache <dir>] [--no-cache]
 *
 * Finds recorded music (by default in the music folders of a fixed list of Debian packages, see
 * DEFAULT_SOURCES; those not installed are named), runs the app's `analyzeFile` on each track in
 * this one process, one after another, and reports:
 * - crashes: any exception out of analyzeFile (must be 0);
 * - "0 invented results": bench/real-check.ts `checkSongMap` on every song map;
 * - each stage's status and reason;
 * - tempo agreement with independent peers: essentia.js RhythmExtractor2013 (degara beat tracker) and
 *   music-tempo (Dixon's BeatRoot-style agents), both on 44.1 kHz mono decoded by the bundled ffmpeg,
 *   over the same window the app analyses (the first DEFAULT_MAX_ANALYSIS_SEC seconds).
 * Peer results are cached per file (path, size, mtime) so a rerun after an engine change only
 * re-runs the app.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { isAudioName } from '../src/shared/names';
import { STAGE_NAMES, type SongMap, type StageName } from '../src/shared/songmap';
import {
  agrees,
  checkSongMap,
  relationMark,
  tempoRelation,
  type AgreementMode,
  type TempoRelation,
  type Violation,
} from './real-check';

/** Debian packages whose music folders hold recorded music (checked with dpkg -L, Debian 12/13). */
export const DEFAULT_SOURCES: ReadonlyArray<{ pkg: string; dir: string }> = [
  { pkg: 'planetblupi-music-ogg', dir: '/usr/share/planetblupi/music' },
  { pkg: 'drascula-music', dir: '/usr/share/scummvm/drascula/audio' },
  { pkg: 'colobot-common-sounds', dir: '/usr/share/games/colobot/music' },
  { pkg: 'asc-music', dir: '/usr/share/games/asc/music' },
  { pkg: 'wesnoth-1.16-music', dir: '/usr/share/games/wesnoth/1.16/data/core/music' },
];

/** The app's analysis window (src/main/analysis/decode.ts DEFAULT_MAX_ANALYSIS_SEC): peers hear the same. */
const WINDOW_SEC = 600;
const PEER_SR = 44100;

export interface Args {
  list?: string;
  dirs?: string[];
  json?: string;
  minSec: number;
  limit?: number;
  peers: boolean;
  cache?: string;
}

export function parseArgs(argv: string[]): Args {
  const out: Args = { minSec: 30, peers: true, cache: join(tmpdir(), 'performia-bench-real') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--list') out.list = val();
    else if (a === '--dirs') out.dirs = val().split(',').filter(Boolean);
    else if (a === '--json') out.json = val();
    else if (a === '--min-sec') out.minSec = Number(val());
    else if (a === '--limit') out.limit = Number(val());
    else if (a === '--no-peers') out.peers = false;
    else if (a === '--cache') out.cache = val();
    else if (a === '--no-cache') out.cache = undefined;
    else
      throw new Error(
        `unknown argument ${a}\nusage: bench:real -- [--list <file>] [--dirs d1,d2] [--json out.json] [--min-sec 30] [--limit N] [--no-peers] [--cache <dir> | --no-cache]`,
      );
  }
  if (!(out.minSec >= 0)) throw new Error('--min-sec must be a number ≥ 0');
  if (out.limit !== undefined && !(out.limit > 0)) throw new Error('--limit must be a positive number');
  return out;
}

// ---- finding tracks -------------------------------------------------------------------------------

interface Source {
  label: string;
  dir?: string;
}

function audioFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && isAudioName(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

function findCandidates(args: Args): { files: { path: string; source: string }[]; missing: string[] } {
  const files: { path: string; source: string }[] = [];
  const missing: string[] = [];
  if (args.list) {
    for (const line of readFileSync(args.list, 'utf8').split('\n')) {
      const p = line.trim();
      if (!p || p.startsWith('#')) continue;
      if (existsSync(p)) files.push({ path: resolve(p), source: basename(dirname(p)) });
      else missing.push(p);
    }
  }
  const sources: Source[] = args.dirs
    ? args.dirs.map((d) => ({ label: basename(d), dir: d }))
    : args.list
      ? []
      : DEFAULT_SOURCES.map((s) => ({ label: s.pkg, dir: s.dir }));
  for (const s of sources) {
    if (!s.dir || !existsSync(s.dir)) {
      missing.push(`${s.label} (${s.dir})`);
      continue;
    }
    for (const p of audioFilesIn(s.dir)) files.push({ path: p, source: s.label });
  }
  return { files, missing };
}

/** Duration in seconds from ffmpeg's header read (no decode), or null. */
function probeDuration(path: string): Promise<number | null> {
  return new Promise((res) => {
    execFile(ffmpeg.path, ['-hide_banner', '-nostdin', '-i', path], (_err, _out, stderr) => {
      const m = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(String(stderr));
      res(m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null);
    });
  });
}

// ---- peers ------------------------------------------------------------------------------------------

export interface PeerResult {
  /**
   * essentia.js RhythmExtractor2013 with method 'degara', 40–208 BPM (its defaults otherwise). Not
   * 'multifeature': that one is 6× slower (≈ 0.15 s of CPU per second of audio on this machine) for
   * the same BPM on the tracks tried; degara has no confidence (always 0).
   */
  essentia: { bpm: number; confidence: number } | null;
  /** music-tempo (default parameters: beat interval 0.3–1 s) */
  musicTempo: number | null;
  errors: string[];
  ms: number;
}

const PEER_VERSION = 'essentia.js@0.1.3:RhythmExtractor2013-degara+music-tempo@1.0.3/v2';

function decodeForPeers(path: string): Promise<Float32Array> {
  const argv = ['-nostdin', '-v', 'error', '-i', path, '-t', String(WINDOW_SEC), '-ac', '1', '-ar', String(PEER_SR)];
  return new Promise((res, rej) => {
    execFile(
      ffmpeg.path,
      [...argv, '-f', 'f32le', '-'],
      { encoding: 'buffer', maxBuffer: (WINDOW_SEC + 5) * PEER_SR * 4 },
      (err, out) => {
        if (err) return rej(err);
        const copy = new Float32Array(out.byteLength / 4);
        new Uint8Array(copy.buffer).set(out.subarray(0, copy.byteLength));
        res(copy);
      },
    );
  });
}

interface EssentiaVector {
  delete(): void;
}
interface EssentiaApi {
  version: string;
  arrayToVector(a: Float32Array): EssentiaVector;
  RhythmExtractor2013(v: EssentiaVector, maxTempo?: number, method?: string, minTempo?: number): Record<string, unknown>;
}
type MusicTempoCtor = new (audio: Float32Array) => { tempo: string | number };

let essentia: EssentiaApi | null = null;
let MusicTempo: MusicTempoCtor | null = null;

function loadPeers(): void {
  if (essentia && MusicTempo) return;
  const require = createRequire(import.meta.url);
  const { Essentia, EssentiaWASM } = require('essentia.js') as {
    Essentia: new (wasm: unknown) => EssentiaApi;
    EssentiaWASM: unknown;
  };
  essentia = new Essentia(EssentiaWASM);
  MusicTempo = require('music-tempo') as MusicTempoCtor;
}

/** Frees every WASM vector in an essentia result. */
function freeResult(r: Record<string, unknown>): void {
  for (const v of Object.values(r)) if (v && typeof (v as EssentiaVector).delete === 'function') (v as EssentiaVector).delete();
}

async function runPeers(path: string): Promise<PeerResult> {
  loadPeers();
  const t0 = performance.now();
  const errors: string[] = [];
  const out: PeerResult = { essentia: null, musicTempo: null, errors, ms: 0 };
  let x: Float32Array;
  try {
    x = await decodeForPeers(path);
  } catch (e) {
    errors.push(`decode: ${(e as Error).message}`);
    return out;
  }
  const vec = essentia!.arrayToVector(x);
  try {
    const r = essentia!.RhythmExtractor2013(vec, 208, 'degara', 40);
    out.essentia = { bpm: Number(r.bpm), confidence: Number(r.confidence) };
    freeResult(r);
  } catch (e) {
    errors.push(`essentia RhythmExtractor2013: ${String((e as Error)?.message ?? e)}`);
  }
  vec.delete();
  try {
    const bpm = Number(new MusicTempo!(x).tempo);
    out.musicTempo = Number.isFinite(bpm) && bpm > 0 ? bpm : null;
  } catch (e) {
    errors.push(`music-tempo: ${String((e as Error)?.message ?? e)}`);
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

async function peersCached(path: string, cache: string | undefined): Promise<PeerResult> {
  if (!cache) return runPeers(path);
  const st = statSync(path);
  const key = createHash('sha1').update(`${PEER_VERSION}\n${resolve(path)}\n${st.size}\n${st.mtimeMs}`).digest('hex');
  const file = join(cache, `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PeerResult;
  const r = await runPeers(path);
  mkdirSync(cache, { recursive: true });
  writeFileSync(file, JSON.stringify(r));
  return r;
}

// ---- the run ----------------------------------------------------------------------------------------

export interface TrackReport {
  track: string;
  path: string;
  source: string;
  duration_sec: number | null;
  crashed: boolean;
  error?: string;
  ms: number;
  stages: Partial<Record<StageName, { status: string; reason?: string }>>;
  bpm: number | null;
  tempo_confidence: number | null;
  meter: string | null;
  key: string | null;
  violations: Violation[];
  peers: PeerResult | null;
  vs_essentia: TempoRelation | null;
  vs_music_tempo: TempoRelation | null;
  peers_relation: TempoRelation | null;
}

const STATUS_LETTER: Record<string, string> = { ok: '.', degraded: 'd', failed: 'F', skipped: 's' };
const STAGE_ABBR = 'dTBMtKCSLW'; // decode tempo beats meter tuning key chords sections loudness waveform

/** One letter per stage in STAGE_NAMES order: . ok, d degraded, F failed, s skipped, ? missing. */
export function stageString(stages: TrackReport['stages']): string {
  return STAGE_NAMES.map((s) => (stages[s] ? (STATUS_LETTER[stages[s]!.status] ?? '?') : '?')).join('');
}

/** Main key: the key region covering the most time. */
function mainKey(m: SongMap): string | null {
  if (!m.key.length) return null;
  const best = [...m.key].sort((a, b) => b.end - b.start - (a.end - a.start))[0];
  return `${best.tonic} ${best.mode === 'major' ? 'maj' : 'min'}`;
}

const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)} % (${n}/${d})` : 'n/a (0 tracks)');

export interface AgreementFigures {
  tracks: number;
  exact: number;
  octave: number;
  with32: number;
}

/** Counts of `rels` (one per track) that agree in each mode; null relations (no comparison) are left out. */
export function agreementFigures(rels: ReadonlyArray<TempoRelation | null>): AgreementFigures {
  const r = rels.filter((x): x is TempoRelation => x !== null);
  const n = (mode: AgreementMode): number => r.filter((x) => agrees(x, mode)).length;
  return { tracks: r.length, exact: n('exact'), octave: n('octave'), with32: n('with-3/2') };
}

export interface Summary {
  tracks: number;
  crashes: number;
  maps_with_violations: number;
  violations: number;
  stage_failures: Record<string, Record<string, number>>;
  stage_degraded: Record<string, Record<string, number>>;
  vs_essentia: AgreementFigures;
  vs_music_tempo: AgreementFigures;
  peers_agree: AgreementFigures;
  /** Performia vs essentia on the tracks where the two peers agree with each other (octave mode) */
  vs_essentia_where_peers_agree: AgreementFigures;
  /** same, peers agreeing with 3/2 allowed, Performia judged with 3/2 allowed */
  vs_essentia_where_peers_agree_with32: AgreementFigures;
  tempo_failed: number;
}

/** Reasons are grouped with their numbers blanked, so "salience 0.21" and "salience 0.25" count together. */
const reasonKey = (r: string | undefined): string => (r ?? '(no reason)').replace(/-?\d+(\.\d+)?/g, '#');

export function summarise(reports: TrackReport[]): Summary {
  const stage_failures: Summary['stage_failures'] = {};
  const stage_degraded: Summary['stage_degraded'] = {};
  for (const r of reports)
    for (const [name, st] of Object.entries(r.stages)) {
      const bucket = st.status === 'failed' ? stage_failures : st.status === 'degraded' ? stage_degraded : null;
      if (!bucket) continue;
      bucket[name] ??= {};
      const k = reasonKey(st.reason);
      bucket[name][k] = (bucket[name][k] ?? 0) + 1;
    }
  const ok = reports.filter((r) => !r.crashed);
  const peersAgree = ok.filter((r) => r.peers_relation !== null && agrees(r.peers_relation, 'octave'));
  const peersAgree32 = ok.filter((r) => r.peers_relation !== null && agrees(r.peers_relation, 'with-3/2'));
  const w32 = agreementFigures(peersAgree32.map((r) => r.vs_essentia));
  return {
    tracks: reports.length,
    crashes: reports.filter((r) => r.crashed).length,
    maps_with_violations: ok.filter((r) => r.violations.length).length,
    violations: ok.reduce((s, r) => s + r.violations.length, 0),
    stage_failures,
    stage_degraded,
    vs_essentia: agreementFigures(ok.map((r) => r.vs_essentia)),
    vs_music_tempo: agreementFigures(ok.map((r) => r.vs_music_tempo)),
    peers_agree: agreementFigures(ok.map((r) => r.peers_relation)),
    vs_essentia_where_peers_agree: agreementFigures(peersAgree.map((r) => r.vs_essentia)),
    vs_essentia_where_peers_agree_with32: w32,
    tempo_failed: ok.filter((r) => r.bpm === null).length,
  };
}

const f1 = (x: number | null | undefined, w: number): string =>
  (x === null || x === undefined || !Number.isFinite(x) ? '--' : x.toFixed(1)).padStart(w);

function printTable(reports: TrackReport[]): void {
  console.log(
    `${'track'.padEnd(44)} ${'dur'.padStart(6)} ${STAGE_ABBR}  ${'bpm'.padStart(6)} ${'conf'.padStart(5)} ${'ess'.padStart(6)} ${'mtmp'.padStart(6)}  vsE  vsMT peers  ${'key'.padEnd(7)} ${'s'.padStart(5)}  notes`,
  );
  for (const r of reports) {
    const notes = r.crashed
      ? `CRASH: ${r.error}`
      : r.violations.map((v) => `${v.stage}: ${v.problem}`).join('; ');
    const m = (x: TempoRelation | null): string => (x === null ? '--' : relationMark(x)).padEnd(4);
    console.log(
      `${r.track.slice(0, 44).padEnd(44)} ${f1(r.duration_sec, 6)} ${r.crashed ? 'CRASH'.padEnd(10) : stageString(r.stages)}  ${f1(r.bpm, 6)} ${(r.tempo_confidence ?? NaN).toFixed(2).replace('NaN', '--').padStart(5)} ${f1(r.peers?.essentia?.bpm, 6)} ${f1(r.peers?.musicTempo, 6)}  ${m(r.vs_essentia)} ${m(r.vs_music_tempo)} ${m(r.peers_relation)}  ${(r.key ?? '--').padEnd(7)} ${(r.ms / 1000).toFixed(1).padStart(5)}  ${notes}`,
    );
  }
  console.log(
    `stages: ${STAGE_ABBR} = ${STAGE_NAMES.join(' ')}; . ok, d degraded, F failed, s skipped. vs*: = same tempo, 8ve ×2/½/×3/⅓, 3/2 ×3/2/⅔, x none (all within 4 %)`,
  );
}

function printSummary(s: Summary, missing: string[], skipped: number): void {
  const fig = (label: string, a: AgreementFigures): void =>
    console.log(
      `  ${label.padEnd(58)} same ${pct(a.exact, a.tracks)}; octave ${pct(a.octave, a.tracks)}; with 3/2 ${pct(a.with32, a.tracks)}`,
    );
  console.log('\nSummary');
  if (missing.length) console.log(`  not found (skipped): ${missing.join(', ')}`);
  if (skipped) console.log(`  ${skipped} file(s) shorter than the minimum duration left out`);
  console.log(`  tracks ${s.tracks}, crashes ${s.crashes}`);
  console.log(`  invented/implausible results: ${s.violations} violation(s) in ${s.maps_with_violations} song map(s)`);
  for (const [title, b] of [
    ['stage failures', s.stage_failures],
    ['stages degraded', s.stage_degraded],
  ] as const) {
    const lines = Object.entries(b).flatMap(([st, reasons]) =>
      Object.entries(reasons).map(([r, n]) => `    ${st}: ${n} × ${r}`),
    );
    console.log(`  ${title}: ${lines.length ? '' : 'none'}`);
    for (const l of lines) console.log(l);
  }
  console.log(`  tempo missing (tempo stage failed): ${s.tempo_failed}`);
  fig('Performia vs essentia.js RhythmExtractor2013', s.vs_essentia);
  fig('Performia vs music-tempo', s.vs_music_tempo);
  fig('essentia.js vs music-tempo (peers with each other)', s.peers_agree);
  fig('Performia vs essentia.js where the peers agree (octave)', s.vs_essentia_where_peers_agree);
  fig('Performia vs essentia.js where the peers agree (with 3/2)', s.vs_essentia_where_peers_agree_with32);
  console.log('  (tracks whose Performia tempo is missing count as disagreeing; target of issue 7: ≥ 90 %)');
}

export async function main(argv: string[]): Promise<Summary> {
  const args = parseArgs(argv);
  const { analyzeFile } = await import('../src/main/analysis/pipeline');
  const { files, missing } = findCandidates(args);
  if (missing.length) console.log(`not found: ${missing.join(', ')}`);
  const tracks: { path: string; source: string; duration: number | null }[] = [];
  let skipped = 0;
  for (const f of files) {
    const duration = await probeDuration(f.path);
    if (duration !== null && duration < args.minSec) skipped++;
    else tracks.push({ ...f, duration });
  }
  const chosen = args.limit ? tracks.slice(0, args.limit) : tracks;
  console.log(`${chosen.length} track(s) (≥ ${args.minSec} s), ${skipped} shorter left out\n`);

  const reports: TrackReport[] = [];
  // written after every track too, so a long run that is stopped still leaves its results
  const writeJson = (done: TrackReport[]): void => {
    if (!args.json) return;
    const doc = {
      created_at: new Date().toISOString(),
      complete: done.length === chosen.length,
      peers: PEER_VERSION,
      window_sec: WINDOW_SEC,
      min_sec: args.minSec,
      missing,
      skipped_short: skipped,
      summary: summarise(done),
      tracks: done,
    };
    writeFileSync(args.json, JSON.stringify(doc, null, 2));
  };
  for (let i = 0; i < chosen.length; i++) {
    const t = chosen[i];
    const track = `${t.source}/${basename(t.path)}`;
    const t0 = performance.now();
    const r: TrackReport = {
      track,
      path: t.path,
      source: t.source,
      duration_sec: t.duration,
      crashed: false,
      ms: 0,
      stages: {},
      bpm: null,
      tempo_confidence: null,
      meter: null,
      key: null,
      violations: [],
      peers: null,
      vs_essentia: null,
      vs_music_tempo: null,
      peers_relation: null,
    };
    try {
      const { songMap } = await analyzeFile(t.path, { jobId: `real-${i}` });
      r.duration_sec = songMap.duration_sec;
      r.stages = Object.fromEntries(
        Object.entries(songMap.stages).map(([k, v]) => [k, { status: v.status, ...(v.reason ? { reason: v.reason } : {}) }]),
      );
      r.bpm = songMap.tempo?.bpm_global ?? null;
      r.tempo_confidence = songMap.tempo?.confidence ?? null;
      r.meter = songMap.meter ? `${songMap.meter.numerator}/${songMap.meter.denominator}` : null;
      r.key = mainKey(songMap);
      r.violations = checkSongMap(songMap);
    } catch (e) {
      r.crashed = true;
      const err = e as Error & { code?: string };
      r.error = `${err?.code ? `${err.code}: ` : ''}${err?.message ?? String(e)}`.slice(0, 300);
    }
    r.ms = Math.round(performance.now() - t0);
    if (args.peers && !r.crashed) {
      try {
        r.peers = await peersCached(t.path, args.cache);
      } catch (e) {
        r.peers = { essentia: null, musicTempo: null, errors: [String(e)], ms: 0 };
      }
      const ess = r.peers.essentia?.bpm ?? null;
      const mt = r.peers.musicTempo;
      // a missing Performia tempo compares as 'none' (a disagreement); a missing peer leaves the track out
      r.vs_essentia = ess !== null ? tempoRelation(r.bpm, ess) : null;
      r.vs_music_tempo = mt !== null ? tempoRelation(r.bpm, mt) : null;
      r.peers_relation = ess !== null && mt !== null ? tempoRelation(mt, ess) : null;
    }
    reports.push(r);
    writeJson(reports);
    process.stderr.write(
      `[${i + 1}/${chosen.length}] ${track} ${r.crashed ? 'CRASH' : stageString(r.stages)} bpm ${r.bpm ?? '--'} ess ${r.peers?.essentia?.bpm.toFixed(1) ?? '--'} mt ${r.peers?.musicTempo?.toFixed(1) ?? '--'} (${(r.ms / 1000).toFixed(1)} s + peers ${((r.peers?.ms ?? 0) / 1000).toFixed(1)} s)\n`,
    );
  }

  printTable(reports);
  const summary = summarise(reports);
  printSummary(summary, missing, skipped);
  if (args.json) {
    writeJson(reports);
    console.log(`\nJSON written to ${args.json}`);
  }
  return summary;
}

const invokedDirectly = process.argv[1] && /real\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (s) => {
      // the engine's worker-free code leaves no handles, but essentia's WASM runtime may: exit explicitly
      process.exit(s.crashes > 0 ? 2 : 0);
    },
    (e: unknown) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
