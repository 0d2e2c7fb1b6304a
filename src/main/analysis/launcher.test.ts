/**
 * The decoder helper (launcher.ts) starts programs for this process: their outputs arrive through
 * the reader sockets handed to it, stderr and the exit code come back as messages, kill works, and
 * a helper that dies fails what it ran and is replaced. The program's parent is the helper, never
 * this (large) process: that is the point of it.
 */
import { describe, expect, it, vi } from 'vitest';
import { helperPid, launch, warmLauncher, type Launched } from './launcher';
import { readerPair } from './reader-socket';

/** a reader pair collecting what arrives, resolved at its end */
async function collector(): Promise<{ child: import('node:net').Socket; done: Promise<Buffer> }> {
  const chunks: Buffer[] = [];
  const pair = await readerPair((c) => chunks.push(Buffer.from(c)));
  const done = new Promise<Buffer>((res) => pair.ours.on('close', () => res(Buffer.concat(chunks))));
  return { child: pair.child, done };
}

function outcome(l: Launched): Promise<{ code: number | null; stderr: string; errors: string[] }> {
  let stderr = '';
  const errors: string[] = [];
  l.onStderr((s) => (stderr += s));
  l.onError((e) => errors.push(e.message));
  return new Promise((res) => l.onClose((code) => res({ code, stderr, errors })));
}

const node = process.execPath;

describe.skipIf(process.platform === 'win32')('launch (the decoder helper)', () => {
  it('can start the helper ahead of the first program, which then runs on it', async () => {
    expect(helperPid()).toBeNull(); // first test of the file: no helper yet in this thread
    warmLauncher(node);
    await vi.waitFor(() => expect(helperPid()).not.toBeNull(), { timeout: 10_000 });
    const warm = helperPid();
    const a = await collector();
    const l = await launch(node, ['-e', 'process.stderr.write(`ppid ${process.ppid}`)'], { 1: a.child });
    expect((await outcome(l)).stderr).toBe(`ppid ${warm}`);
  });

  it('runs the program from the helper, with the sockets as its fds, stderr and exit code passed back', async () => {
    const a = await collector();
    const b = await collector();
    const script = [
      "const fs = require('fs');",
      'const x = Buffer.alloc(1 << 20); for (let i = 0; i < x.length; i++) x[i] = (i * 7) & 255;',
      'fs.writeSync(1, x);',
      "fs.writeSync(3, Buffer.from('mono side'));",
      'process.stderr.write(`ppid ${process.ppid}`);',
      'process.exitCode = 3;',
    ].join('\n');
    const l = await launch(node, ['-e', script], { 1: a.child, 3: b.child });
    const [r, out1, out3] = await Promise.all([outcome(l), a.done, b.done]);
    expect(r.code).toBe(3);
    expect(r.errors).toEqual([]);
    expect(out1.length).toBe(1 << 20);
    for (let i = 0; i < out1.length; i += 4099) expect(out1[i]).toBe((i * 7) & 255);
    expect(out3.toString()).toBe('mono side');
    const helper = helperPid();
    expect(helper).not.toBeNull();
    expect(helper).not.toBe(process.pid);
    expect(r.stderr).toBe(`ppid ${helper}`);
  });

  it('starts the program itself when told not to use the helper', async () => {
    const a = await collector();
    process.env.PERFORMIA_DECODER_HELPER = '0';
    try {
      const l = await launch(node, ['-e', 'process.stderr.write(`ppid ${process.ppid}`)'], { 1: a.child });
      expect((await outcome(l)).stderr).toBe(`ppid ${process.pid}`);
    } finally {
      delete process.env.PERFORMIA_DECODER_HELPER;
    }
  });

  it('starts programs itself, once it has said so, when the helper cannot start', async () => {
    vi.resetModules(); // a fresh launcher: no helper yet, nothing marked unavailable
    const fresh = await import('./launcher');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const execPath = process.execPath;
    process.execPath = '/nonexistent/node'; // what the helper would run as
    try {
      for (let i = 0; i < 2; i++) {
        const a = await collector();
        const l = await fresh.launch(node, ['-e', 'process.stderr.write(`ppid ${process.ppid}`)'], {
          1: a.child,
        });
        expect((await outcome(l)).stderr).toBe(`ppid ${process.pid}`);
      }
      expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/^\[decoder\] no helper process \(.+\): this thread starts ffmpeg itself$/),
      ]);
    } finally {
      process.execPath = execPath;
      errors.mockRestore();
    }
  });

  it('kills a running program on request', async () => {
    const a = await collector();
    const l = await launch(node, ['-e', 'setTimeout(() => {}, 5000)'], { 1: a.child });
    const r = outcome(l);
    setTimeout(() => l.kill(), 200);
    expect((await r).code).toBeNull();
    await a.done; // its output ends with it
  });

  it('reports a program that cannot start, and keeps working', async () => {
    const a = await collector();
    const bad = await launch('/nonexistent/ffmpeg', [], { 1: a.child });
    const r = await outcome(bad);
    expect(r.errors.join(' ')).toMatch(/ENOENT/);
    const b = await collector();
    const ok = await launch(node, ['-e', "process.stdout.write('fine')"], { 1: b.child });
    expect((await outcome(ok)).code).toBe(0);
    expect((await b.done).toString()).toBe('fine');
  });

  it('fails what a helper that died was running, then starts a new one', async () => {
    const a = await collector();
    const l = await launch(node, ['-e', 'setTimeout(() => {}, 5000)'], { 1: a.child });
    const before = helperPid()!;
    const r = outcome(l);
    process.kill(before, 'SIGKILL');
    const { code, errors } = await r;
    expect(code).toBeNull();
    expect(errors).toEqual(['the decoder helper stopped']);
    const b = await collector();
    const next = await launch(node, ['-e', "process.stdout.write('again')"], { 1: b.child });
    expect((await outcome(next)).code).toBe(0);
    expect((await b.done).toString()).toBe('again');
    expect(helperPid()).not.toBe(before);
  });

  it('keeps programs running side by side apart', async () => {
    const runs = await Promise.all(
      [1, 2, 3].map(async (k) => {
        const a = await collector();
        const script = `setTimeout(() => { process.stdout.write('out ${k}'.repeat(1000)); process.stderr.write('err ${k}'); process.exitCode = ${k}; }, ${(4 - k) * 50});`;
        const l = await launch(node, ['-e', script], { 1: a.child });
        const [r, out] = await Promise.all([outcome(l), a.done]);
        return { k, r, out: out.toString() };
      }),
    );
    for (const { k, r, out } of runs) {
      expect(r.code).toBe(k);
      expect(r.stderr).toBe(`err ${k}`);
      expect(out).toBe(`out ${k}`.repeat(1000));
    }
  });

  it('leaves no listeners behind, song after song', async () => {
    const warnings: string[] = [];
    // Node's listener-leak warning: MaxListenersExceededWarning at the 11th listener of one kind
    const onWarning = (w: Error): void => {
      if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 15; i++) {
        const a = await collector();
        const b = await collector();
        const l = await launch(node, ['-e', "process.stdout.write('x')"], { 1: a.child, 3: b.child });
        expect((await outcome(l)).code).toBe(0);
        await Promise.all([a.done, b.done]);
      }
      await new Promise((res) => setTimeout(res, 50));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
