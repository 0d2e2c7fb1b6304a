/**
 * The CLI as a process (from source via tsx): argument errors, a busy port, the start line, and a
 * graceful SIGTERM that closes the core (the store's unclean-shutdown marker is gone afterwards).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from './testing/http';
import { openJobStore } from '../db/store';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

interface Run {
  code: Promise<number | null>;
  out: () => string;
  err: () => string;
  kill: (s: NodeJS.Signals) => void;
  waitFor: (re: RegExp, ms: number) => Promise<RegExpExecArray>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return {
    code,
    out: () => out,
    err: () => err,
    kill: (s) => child.kill(s),
    waitFor: (re, ms) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = setInterval(() => {
          const m = re.exec(out);
          if (m) {
            clearInterval(tick);
            resolve(m);
          } else if (Date.now() - started > ms || child.exitCode !== null) {
            clearInterval(tick);
            reject(new Error(`no ${re} within ${ms} ms\nstdout: ${out}\nstderr: ${err}`));
          }
        }, 50);
      }),
  };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'performia-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('server CLI', () => {
  it('rejects bad arguments with exit code 2 and a message', async () => {
    const r = run(['--port', 'abc']);
    expect(await r.code).toBe(2);
    expect(r.err()).toContain('--port must be 0-65535');
  });

  it('says so when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = run(['--port', String(port), '--data-dir', path.join(dir, 'data')]);
      expect(await r.code).toBe(1);
      expect(r.err()).toContain(`port ${port} is in use`);
    } finally {
      blocker.close();
    }
  });

  it('prints the start line, serves, and shuts down gracefully on SIGTERM', async () => {
    const dataDir = path.join(dir, 'data dir with spaces');
    const r = run(['--port', '0', '--data-dir', dataDir, '--concurrency', '1']);
    const m = await r.waitFor(/^Performia headless: http:\/\/127\.0\.0\.1:(\d+)\/ \(data: (.+), API token: (.+)\)$/m, 30_000);
    expect(m[2]).toBe(dataDir);
    expect(m[3]).toBe(path.join(dataDir, 'api-token'));
    const token = fs.readFileSync(m[3], 'utf8').trim();
    const health = await request(Number(m[1]), 'GET', '/health', { headers: { Authorization: `Bearer ${token}` } });
    expect(health.json()).toMatchObject({ status: 'ok', jobs_count: 0 });
    expect(fs.existsSync(path.join(dataDir, 'performia.lock'))).toBe(true);
    r.kill('SIGTERM');
    expect(await r.code).toBe(0);
    // the core closed the store cleanly: no unclean-shutdown marker is left behind
    expect(fs.existsSync(path.join(dataDir, 'performia.lock'))).toBe(false);
    // --concurrency was stored as the setting (Settings shows it, and a user change later sticks)
    const store = await openJobStore({ dataDir });
    expect(store.getSettings().concurrency).toBe(1);
    store.close();
  });
});
