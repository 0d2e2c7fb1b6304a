/**
 * Fixtures in the Actual Budget style: every test gets a fresh temporary data dir and its own headless
 * server started from the BUILT app (`node out/main/server.js --port 0 --data-dir <tmp>`), killed at the end.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../src/main/analysis/wav';

export const ROOT = join(import.meta.dirname, '..');
export const CORPUS_S14 = join(ROOT, '..', 'shared', 'corpus', 'audio', 's14.wav');

export interface HeadlessServer {
  url: string;
  port: number;
  dataDir: string;
  /** everything the server printed, for failure reports */
  log: () => string;
  /** SIGKILL: no shutdown code runs, as in a crash or power cut */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** start again on the same data dir and port */
  restart(): Promise<void>;
}

function launch(
  dataDir: string,
  port: number,
  logs: string[],
): Promise<{ proc: ChildProcess; url: string; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [join(ROOT, 'out/main/server.js'), '--port', String(port), '--data-dir', dataDir, '--concurrency', '1'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not print its URL within 30 s:\n${logs.join('')}`));
    }, 30_000);
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      const s = d.toString();
      logs.push(s);
      buf += s;
      const m = /Performia headless: (http:\/\/127\.0\.0\.1:(\d+)\/?)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1].replace(/\/$/, ''), port: Number(m[2]) });
      }
    });
    proc.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? sig}) before it was ready:\n${logs.join('')}`));
    });
  });
}

const exited = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

/** starts the built headless server on `dataDir` (port 0 = any free port) and returns its handle */
export async function startHeadless(
  dataDir: string,
  port = 0,
): Promise<HeadlessServer & { stop(): Promise<void> }> {
  const logs: string[] = [];
  let cur = await launch(dataDir, port, logs);
  return {
    get url() {
      return cur.url;
    },
    get port() {
      return cur.port;
    },
    dataDir,
    log: () => logs.join(''),
    async kill(signal = 'SIGKILL') {
      cur.proc.kill(signal);
      await exited(cur.proc);
    },
    async restart() {
      cur = await launch(dataDir, cur.port, logs);
    },
    async stop() {
      cur.proc.kill('SIGKILL');
      await exited(cur.proc);
    },
  };
}

export const test = base.extend<{ server: HeadlessServer }>({
  server: async ({}, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'performia-e2e-'));
    const handle = await startHeadless(dataDir);
    await use(handle);
    await handle.stop();
    await testInfo.attach('server.log', { body: handle.log(), contentType: 'text/plain' });
    rmSync(dataDir, { recursive: true, force: true });
  },
});
export { expect };

/**
 * A short, real WAV: 120 BPM clicks (accented downbeats) over a bar-by-bar Am–F–C–G progression of
 * sine triads, 16-bit mono 22.05 kHz. Enough musical content for every analysis stage to run.
 */
export function makeWav(seconds = 8, sampleRate = 22050): Buffer {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  const chords = [
    [220, 261.63, 329.63],
    [174.61, 220, 261.63],
    [130.81, 164.81, 196],
    [196, 246.94, 293.66],
  ];
  const beat = 0.5;
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    const bar = Math.floor(t / (4 * beat));
    const chord = chords[bar % 4];
    let v = 0;
    for (const f of chord) v += 0.12 * Math.sin(2 * Math.PI * f * t);
    const sinceBeat = t % beat;
    const beatIdx = Math.floor(t / beat);
    if (sinceBeat < 0.03)
      v +=
        (beatIdx % 4 === 0 ? 0.5 : 0.3) *
        Math.sin(2 * Math.PI * (beatIdx % 4 === 0 ? 1760 : 1100) * t) *
        (1 - sinceBeat / 0.03);
    samples[i] = Math.max(-1, Math.min(1, v));
  }
  return encodeWav(samples, { sampleRate, channels: 1, bits: 16 });
}

/** a folder with two songs and a file that is not audio */
export function makeFolder(root: string): string {
  const dir = join(root, 'My Set');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'groove one.wav'), makeWav(8));
  writeFileSync(join(dir, 'groove two.wav'), makeWav(6));
  writeFileSync(join(dir, 'notes.txt'), 'setlist: groove one, groove two\n');
  return dir;
}

export const haveCorpus = (): boolean => existsSync(CORPUS_S14);
