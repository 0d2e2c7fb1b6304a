/**
 * Headless entry: `node out/main/server.js --port <n> --data-dir <dir>` (also run from source with tsx).
 * Starts the core (store + runner, no Electron) and the loopback HTTP server, prints one line
 *   Performia headless: http://127.0.0.1:<port>/ (data: <dir>, API token: <dir>/api-token)
 * and shuts down gracefully on SIGTERM/SIGINT (stop accepting, close the core). A second signal exits at once.
 */
import os from 'node:os';
import { createCore } from '../core/core';
import { parseServerArgs, USAGE } from './args';
import { runtimePaths } from './cli-paths';
import { defaultDataDir } from './data-dir';
import { startServer } from './server';

async function main(): Promise<number> {
  const parsed = parseServerArgs(process.argv.slice(2), process.cwd());
  if (!parsed.ok) {
    console.error(parsed.message);
    return 2;
  }
  const args = parsed.args;
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = args.dataDir ?? defaultDataDir({ platform: process.platform, env: process.env, homedir: os.homedir() });
  const paths = runtimePaths(import.meta.url);
  const core = await createCore({
    dataDir,
    mode: 'headless',
    workerPath: paths.workerPath,
    workerExecArgv: paths.workerExecArgv,
    ...(args.concurrency !== null ? { concurrency: args.concurrency } : {}),
  });
  core.events.on('app.notice', (n) => console.error(`[${n.level}] ${n.message}`));
  let server;
  try {
    server = await startServer({ core, dataDir, rendererDir: paths.rendererDir, port: args.port, maxUploadBytes: args.maxUploadBytes });
  } catch (e) {
    await core.close();
    const code = (e as NodeJS.ErrnoException).code;
    console.error(code === 'EADDRINUSE' ? `port ${args.port} is in use: pick another with --port <n> (0 = any free port)` : `cannot start the server: ${(e as Error).message}`);
    return 1;
  }
  console.log(`Performia headless: ${server.url} (data: ${dataDir}, API token: ${server.tokenFile})`);

  const running = server;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1); // impatient second Ctrl-C: the database is safe (WAL), workers die with us
    }
    stopping = true;
    console.error(`${signal}: shutting down`);
    void (async () => {
      await running.close();
      await core.close();
      process.exit(0);
    })().catch((e: unknown) => {
      console.error(`shutdown failed: ${(e as Error).message}`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return -1; // keep running
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    console.error(`Performia headless failed to start: ${(e as Error).message}`);
    process.exit(1);
  },
);
