/**
 * `npm run analyze -- <files…> [--out dir]`: one `<name>.json` song map per file, through the same
 * analyzeFile() the app's worker uses. Failures print `file: CODE message`; exit code 1 if any failed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isAppError } from '../../shared/errors';
import { analyzeFile } from './pipeline';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const USAGE = 'usage: npm run analyze -- <audio files…> [--out <dir>]';

export function parseArgs(argv: string[]): { files: string[]; outDir: string } | { error: string } {
  const files: string[] = [];
  let outDir = '.';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' || a === '-o') {
      const v = argv[++i];
      if (!v) return { error: '--out needs a directory' };
      outDir = v;
    } else if (a.startsWith('--out=')) outDir = a.slice(6);
    else if (a === '--help' || a === '-h') return { error: USAGE };
    else if (a === '--') {
      // everything after "--" is a file, even if it starts with "-"
      files.push(...argv.slice(i + 1));
      break;
    } else files.push(a);
  }
  if (files.length === 0) return { error: USAGE };
  return { files, outDir };
}

/** `<stem>.json`, with -2, -3 … when two inputs share a stem. */
function outputName(file: string, used: Set<string>): string {
  const stem = basename(file, extname(file)) || 'song';
  let name = `${stem}.json`;
  for (let k = 2; used.has(name); k++) name = `${stem}-${k}.json`;
  used.add(name);
  return name;
}

export async function runCli(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    io.err(args.error);
    return 2;
  }
  await mkdir(args.outDir, { recursive: true });
  const used = new Set<string>();
  let failures = 0;
  for (const file of args.files) {
    const name = outputName(file, used);
    const t0 = performance.now();
    try {
      const { songMap, summary } = await analyzeFile(resolve(file), {
        jobId: basename(name, '.json'),
        signal,
      });
      const dest = join(args.outDir, name);
      await writeFile(dest, `${JSON.stringify(songMap)}\n`);
      const failed = Object.entries(songMap.stages)
        .filter(([, s]) => s.status === 'failed')
        .map(([k]) => k);
      io.out(
        `${file}: ok ${Math.round(performance.now() - t0)} ms → ${dest}` +
          ` (${summary.bpm ?? '–'} BPM, ${summary.key ?? '–'}, ${songMap.loudness?.integrated_lufs ?? '–'} LUFS` +
          `${failed.length ? `; failed stages: ${failed.join(', ')}` : ''})`,
      );
    } catch (err) {
      failures++;
      if ((err as Error).name === 'AbortError') {
        io.err(`${file}: cancelled`);
        break;
      }
      const code = isAppError(err) ? err.code : 'E_INTERNAL';
      const msg = err instanceof Error ? err.message : String(err);
      io.err(`${file}: ${code} ${msg}`);
    }
  }
  return failures > 0 ? 1 : 0;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }, ac.signal).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`analyze: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
