/**
 * Command-line options of the headless server: `--port <n> --data-dir <dir> [--max-upload-mb <n>] [--concurrency <n>]`.
 * Returns a specific message instead of throwing so the CLI can print one line and exit 2.
 */
import path from 'node:path';

export const DEFAULT_PORT = 8000; // the origin's port: scripts written against it keep working
export const DEFAULT_MAX_UPLOAD_MB = 2048;

export interface ServerArgs {
  port: number;
  /** absolute; null = the OS default (resolved by the caller) */
  dataDir: string | null;
  maxUploadBytes: number;
  /** analysis workers at once; null = the stored setting */
  concurrency: number | null;
  help: boolean;
}

export type ParseResult = { ok: true; args: ServerArgs } | { ok: false; message: string };

export const USAGE = 'usage: performia-server [--port <0-65535>] [--data-dir <dir>] [--max-upload-mb <n>] [--concurrency <1-64>]';

export function parseServerArgs(argv: readonly string[], cwd: string): ParseResult {
  const args: ServerArgs = { port: DEFAULT_PORT, dataDir: null, maxUploadBytes: DEFAULT_MAX_UPLOAD_MB * 1024 * 1024, concurrency: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--') continue; // `npm run serve -- --port …` may pass the separator through
    if (raw === '-h' || raw === '--help') {
      args.help = true;
      continue;
    }
    const eq = raw.indexOf('=');
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    if (name !== '--port' && name !== '--data-dir' && name !== '--max-upload-mb' && name !== '--concurrency') {
      return { ok: false, message: `unknown option ${JSON.stringify(raw)}\n${USAGE}` };
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { ok: false, message: `${name} needs a value\n${USAGE}` };
    if (name === '--port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) return { ok: false, message: `--port must be 0-65535, got ${JSON.stringify(value)}` };
      args.port = Number(value);
    } else if (name === '--max-upload-mb') {
      if (!/^\d{1,7}$/.test(value) || Number(value) < 1) return { ok: false, message: `--max-upload-mb must be a positive integer, got ${JSON.stringify(value)}` };
      args.maxUploadBytes = Number(value) * 1024 * 1024;
    } else if (name === '--concurrency') {
      if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > 64) return { ok: false, message: `--concurrency must be 1-64, got ${JSON.stringify(value)}` };
      args.concurrency = Number(value);
    } else {
      args.dataDir = path.resolve(cwd, value);
    }
  }
  return { ok: true, args };
}
