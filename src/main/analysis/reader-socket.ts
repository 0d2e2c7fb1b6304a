/**
 * A local socket pair for a child process's output whose parent end reads into one reused buffer
 * (net.Socket `onread`). Through ordinary pipes every read allocates a fresh buffer: ffmpeg's ≈ 80 MB
 * of PCM per 3-minute song measured ≈ 8,800 page faults and ≈ 0.18 s of CPU in the parent; through
 * this pair ≈ 150 faults and ≈ 0.04 s. POSIX only: a Unix socket in a private (0700) temporary
 * directory, removed as soon as the pair is connected. Callers fall back to pipes when it fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReaderPair {
  /** the end to hand to the child as a stdio entry, then destroy in the parent */
  child: net.Socket;
  /** the parent's end: `onChunk` gets each read as a view of the reused buffer */
  ours: net.Socket;
}

/** `onChunk` must use (or copy) the bytes before it returns: the buffer is reused for the next read. */
export async function readerPair(
  onChunk: (chunk: Buffer) => void,
  bufferBytes = 1 << 16,
): Promise<ReaderPair> {
  if (process.platform === 'win32') throw new Error('reader sockets are POSIX only');
  const dir = await mkdtemp(join(tmpdir(), 'pf-'));
  const path = join(dir, 's');
  const server = net.createServer();
  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(path, () => res());
    });
    const accepted = new Promise<net.Socket>((res) => server.once('connection', res));
    const buffer = Buffer.allocUnsafe(bufferBytes);
    const ours = net.connect({
      path,
      onread: {
        buffer,
        callback: (n: number): boolean => {
          onChunk(buffer.subarray(0, n));
          return true; // keep reading
        },
      },
    });
    await new Promise<void>((res, rej) => {
      ours.once('connect', res);
      ours.once('error', rej);
    });
    return { child: await accepted, ours };
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
