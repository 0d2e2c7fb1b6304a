/**
 * Accuracy benchmark: scores song maps against the corpus ground truth (`gt/<id>.gt.json`) with the
 * mir_eval-style metrics in bench/metrics, by the corpus README's evaluation conventions.
 *
 *   npm run bench:accuracy -- <corpus dir> [--wide <generated set dir>] [--pred <dir of <id>.json song maps>]
 *                             [--json <file>] [--only s01,s02] [--save <dir to write the pipeline's song maps>]
 *
 * Without --pred every song is analysed by the app's own pipeline (analyzeFile). Prints a per-song
 * table, the means, a breakdown by the corpus flags and the peer figures from issue 3. With --wide,
 * a generated set (corpus/tools `build.sh wide`) is scored too, split into the part parameters are
 * tuned on and the part never tuned on (bench/parts.ts), and the three sets are shown side by side
 * with the drop from the tuned to the untouched part.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { partOf } from './parts';
import {
  LOWER_IS_BETTER,
  METRICS,
  scoreSong,
  summarise,
  type GroundTruth,
  type Metric,
  type MetricSummary,
  type PredictedMap,
  type SongReport,
} from './metrics/score';

interface Args {
  corpus: string;
  /** a generated set scored as two parts: tuned on, and untouched */
  wide?: string;
  pred?: string;
  json?: string;
  /** write each pipeline song map to <dir>/<id>.json (re-score later with --pred) */
  save?: string;
  only?: Set<string>;
}

export function parseArgs(argv: string[]): Args {
  const rest: string[] = [];
  const out: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--pred') out.pred = argv[++i];
    else if (a === '--json') out.json = argv[++i];
    else if (a === '--save') out.save = argv[++i];
    else if (a === '--wide') out.wide = argv[++i];
    else if (a === '--only') out.only = new Set(argv[++i].split(','));
    else rest.push(a);
  }
  if (rest.length !== 1 || !rest[0])
    throw new Error(
      'usage: bench:accuracy -- <corpus dir> [--wide <dir>] [--pred <dir>] [--json <file>] [--only id,id] [--save <dir>]',
    );
  return { corpus: rest[0], ...out };
}

/** short column headers, in METRICS order */
export const HEAD: Record<Metric, string> = {
  tempo_acc1: 'acc1',
  tempo_acc2: 'acc2',
  tempo_curve4: 'crv4',
  beat_f: 'beatF',
  beat_cmlt: 'CMLt',
  beat_amlt: 'AMLt',
  downbeat_f: 'dbF',
  meter: 'metr',
  key: 'key',
  key_exact: 'keyX',
  chord_root: 'root',
  chord_majmin: 'mjmn',
  chord_sevenths: '7ths',
  chord_seg: 'cseg',
  section_f05: 'sF.5',
  section_f3: 'sF3',
  section_pairwise: 'pwF',
  lufs_err: 'dLU',
};

/** Peers measured on the same corpus with the same conventions (issue 3); absent = not produced. */
export const PEERS: Record<string, Partial<Record<Metric, number>>> = {
  'librosa 0.11': {
    tempo_acc1: 0.955,
    tempo_acc2: 1.0,
    beat_f: 0.954,
    key: 0.882,
    chord_root: 0.884,
    chord_majmin: 0.887,
    chord_sevenths: 0.485,
    section_f3: 0.399,
    section_pairwise: 0.515,
  },
  'essentia.js 0.1.3': {
    tempo_acc1: 0.909,
    tempo_acc2: 0.955,
    beat_f: 0.922,
    key: 0.91,
    chord_majmin: 0.533,
    chord_sevenths: 0.343,
    lufs_err: 0.045,
  },
};

/** issue 3 targets (≥, or ≤ for the loudness error) */
export const TARGETS: Partial<Record<Metric, number>> = {
  tempo_acc1: 0.98,
  tempo_acc2: 1.0,
  beat_f: 0.97,
  downbeat_f: 0.9,
  meter: 0.95,
  key: 0.95,
  chord_majmin: 0.92,
  chord_sevenths: 0.75,
  section_f3: 0.75,
  section_pairwise: 0.75,
  lufs_err: 0.05,
};

const fmt = (v: number | null | undefined, w = 5): string =>
  (v === undefined ? '' : v === null ? '--' : v.toFixed(v >= 10 ? 1 : 3)).padStart(w);

function table(rows: Array<[string, Array<number | null | undefined>]>, labelWidth: number): string {
  const head = ''.padEnd(labelWidth) + METRICS.map((m) => HEAD[m].padStart(6)).join('');
  return [
    head,
    ...rows.map(([name, vals]) => name.padEnd(labelWidth) + vals.map((v) => ' ' + fmt(v)).join('')),
  ].join('\n');
}

/** blank (undefined) where no song in the group has that truth */
const meanRow = (s: Record<Metric, MetricSummary>): Array<number | null | undefined> =>
  METRICS.map((m) => (s[m].n === 0 ? undefined : s[m].mean));

export function loadGroundTruth(corpus: string, only?: Set<string>): GroundTruth[] {
  const dir = join(corpus, 'gt');
  if (!existsSync(dir)) throw new Error(`no ground truth folder at ${dir}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.gt.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as GroundTruth)
    .filter((g) => !only || only.has(g.id));
}

/** Breakdown groups from the corpus flags. */
export function groupsOf(gt: GroundTruth): string[] {
  const meter = (gt as { meter?: { numerator: number; denominator: number } }).meter;
  return [
    `source=${gt.source}`,
    `drums=${gt.flags.drums ? 'yes' : 'no'}`,
    `tempo_varies=${gt.flags.tempo_varies ? 'yes' : 'no'}`,
    `key_changes=${gt.flags.key_changes ? 'yes' : 'no'}`,
    `meter=${meter ? `${meter.numerator}/${meter.denominator}` : '?'}`,
  ];
}

async function predictWithPipeline(
  gt: GroundTruth,
  corpus: string,
): Promise<{ map: PredictedMap; ms: number }> {
  // imported lazily so --pred mode works without loading the engine
  const { analyzeFile } = await import('../src/main/analysis/pipeline');
  const t0 = performance.now();
  const { songMap } = await analyzeFile(join(corpus, 'audio', gt.audio), { jobId: `bench-${gt.id}` });
  return { map: songMap, ms: performance.now() - t0 };
}

interface Scored {
  gts: GroundTruth[];
  reports: SongReport[];
  problems: string[];
  timing: Record<string, number>;
}

/** Song maps for every song of one corpus (pipeline or --pred), scored. */
async function scoreCorpus(corpus: string, args: Args, gts: GroundTruth[]): Promise<Scored> {
  const reports: SongReport[] = [];
  const problems: string[] = [];
  const timing: Record<string, number> = {};
  for (const gt of gts) {
    let pred: PredictedMap = {};
    if (args.pred) {
      const p = join(args.pred, `${gt.id}.json`);
      if (existsSync(p)) pred = JSON.parse(readFileSync(p, 'utf8')) as PredictedMap;
      else problems.push(`${gt.id}: no prediction file ${p} (every field counts as missing)`);
    } else {
      try {
        const r = await predictWithPipeline(gt, corpus);
        pred = r.map;
        if (args.save) {
          mkdirSync(args.save, { recursive: true });
          writeFileSync(join(args.save, `${gt.id}.json`), JSON.stringify(r.map));
        }
        timing[gt.id] = Math.round(r.ms);
        process.stderr.write(`${gt.id} analysed in ${Math.round(r.ms)} ms\n`);
      } catch (e) {
        problems.push(`${gt.id}: analysis failed: ${(e as Error).message}`);
      }
    }
    const rep = scoreSong(gt, pred);
    reports.push(rep);
    for (const n of rep.notes) problems.push(`${gt.id}: ${n}`);
  }
  return { gts, reports, problems, timing };
}

function breakdown(sc: Scored): Map<string, SongReport[]> {
  const groups = new Map<string, SongReport[]>();
  sc.gts.forEach((gt, i) => {
    for (const g of groupsOf(gt)) groups.set(g, [...(groups.get(g) ?? []), sc.reports[i]]);
  });
  return groups;
}

function report(title: string, sc: Scored, out: string[]): Record<Metric, MetricSummary> {
  const overall = summarise(sc.reports);
  out.push(title);
  out.push('-- = prediction missing (scores 0); blank = no ground truth\n');
  out.push(
    table(
      sc.reports.map((r) => [r.id, METRICS.map((m) => r.scores[m])]),
      26,
    ),
  );
  out.push('');
  const notPredicted = METRICS.filter((m) => overall[m].n > 0 && overall[m].mean === null);
  const peerRows: Array<[string, Array<number | null | undefined>]> = Object.entries(PEERS).map(
    ([name, p]) => [name, METRICS.map((m) => p[m])],
  );
  out.push(
    table(
      [
        ['MEAN (Performia)', meanRow(overall)],
        ...peerRows,
        ['target (issue 3)', METRICS.map((m) => TARGETS[m])],
      ],
      26,
    ),
  );
  if (notPredicted.length) out.push(`not predicted: ${notPredicted.join(', ')}`);
  out.push('\nBreakdown by corpus flags (means):');
  const groupRows: Array<[string, Array<number | null | undefined>]> = [...breakdown(sc).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, rs]) => [`${g} (${rs.length})`, meanRow(summarise(rs))]);
  out.push(table(groupRows, 26));
  if (sc.problems.length) out.push('\nProblems:\n' + sc.problems.map((p) => '  ' + p).join('\n'));
  return overall;
}

/** Tuned part minus untouched part, per metric (positive = worse on the untouched songs). */
export function dropRow(
  tuned: Record<Metric, MetricSummary>,
  held: Record<Metric, MetricSummary>,
): Array<number | null | undefined> {
  return METRICS.map((m) => {
    const a = tuned[m].mean;
    const b = held[m].mean;
    if (a === null || b === null || tuned[m].n === 0 || held[m].n === 0) return undefined;
    return LOWER_IS_BETTER.has(m) ? b - a : a - b;
  });
}

export async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const gts = loadGroundTruth(args.corpus, args.only);
  if (gts.length === 0) throw new Error(`no *.gt.json files in ${join(args.corpus, 'gt')}`);
  const dev = await scoreCorpus(args.corpus, args, gts);
  const out: string[] = [];
  const devMeans = report(
    `Accuracy on ${args.corpus} (${gts.length} songs; ${args.pred ? `predictions from ${args.pred}` : 'Performia pipeline'})`,
    dev,
    out,
  );
  const parts: Record<string, { songs: number; means: Record<Metric, MetricSummary>; scored: Scored }> = {};
  if (args.wide) {
    const all = loadGroundTruth(args.wide, args.only);
    for (const part of ['tune', 'held'] as const) {
      const sc = await scoreCorpus(
        args.wide,
        args,
        all.filter((g) => partOf(g.id) === part),
      );
      out.push('');
      const label = part === 'tune' ? 'tuning part (even ids)' : 'untouched part (odd ids, never tuned on)';
      parts[part] = {
        songs: sc.gts.length,
        means: report(`\nAccuracy on ${args.wide}, ${label}: ${sc.gts.length} songs`, sc, out),
        scored: sc,
      };
    }
    out.push('\nSide by side (means):');
    out.push(
      table(
        [
          [`dev set (${gts.length})`, meanRow(devMeans)],
          [`wide, tuned on (${parts.tune.songs})`, meanRow(parts.tune.means)],
          [`wide, untouched (${parts.held.songs})`, meanRow(parts.held.means)],
          ['drop tuned → untouched', dropRow(parts.tune.means, parts.held.means)],
          ['target (issue 3)', METRICS.map((m) => TARGETS[m])],
        ],
        26,
      ),
    );
  }
  console.log(out.join('\n'));

  if (args.json) {
    const summarize = (sc: Scored, means: Record<Metric, MetricSummary>) => ({
      songs: sc.reports.map((r) => ({ id: r.id, scores: r.scores, notes: r.notes, ms: sc.timing[r.id] })),
      means,
      not_predicted: METRICS.filter((m) => means[m].n > 0 && means[m].mean === null),
      breakdown: Object.fromEntries([...breakdown(sc).entries()].map(([g, rs]) => [g, summarise(rs)])),
      problems: sc.problems,
    });
    const summary = {
      corpus: args.corpus,
      predictions: args.pred ?? 'pipeline',
      created_at: new Date().toISOString(),
      ...summarize(dev, devMeans),
      peers: PEERS,
      targets: TARGETS,
      ...(args.wide
        ? {
            wide: {
              corpus: args.wide,
              tune: summarize(parts.tune.scored, parts.tune.means),
              held: summarize(parts.held.scored, parts.held.means),
              drop: Object.fromEntries(
                METRICS.map((m, i) => [m, dropRow(parts.tune.means, parts.held.means)[i] ?? null]),
              ),
            },
          }
        : {}),
    };
    writeFileSync(args.json, JSON.stringify(summary, null, 2));
  }
}

const invokedDirectly = process.argv[1] && /accuracy\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
