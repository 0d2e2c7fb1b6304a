/**
 * The reader socket pair carries a child's whole output, in order, through one reused buffer, and
 * leaves nothing behind in the temp dir; decoding through plain pipes (where reader sockets cannot be
 * made) gives the very same result (decode-pipes.test.ts).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readerPair } from './reader-socket';

const ourDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('pf-'));

describe.skipIf(process.platform === 'win32')('readerPair', () => {
  it('delivers every byte a child writes, in order, as views of one reused buffer', async () => {
    const before = ourDirs();
    const chunks: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const pair = await readerPair((c) => {
      buffers.add(c.buffer);
      chunks.push(Buffer.from(c)); // a copy: the view is only valid during the call
    }, 4096);
    expect(ourDirs()).toEqual(before); // the socket's directory is gone once the pair is connected
    // 3 MB of a known byte pattern, written by another process to its stdout
    const script =
      'const b = Buffer.alloc(3 << 20); for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 12)) & 255; process.stdout.write(b);';
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', pair.child, 'inherit'] });
    pair.child.destroy();
    await new Promise<void>((res) => pair.ours.on('close', () => res()));
    await new Promise<void>((res) => (child.exitCode !== null ? res() : child.on('exit', () => res())));
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(3 << 20);
    for (let i = 0; i < all.length; i += 4093) expect(all[i]).toBe((i * 7 + (i >> 12)) & 255);
    expect(chunks.length).toBeGreaterThan(700); // at most 4 KB per read…
    expect(buffers.size).toBe(1); // …all into the same memory
  });
});
