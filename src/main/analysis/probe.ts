/**
 * Input checks before any decoding: file type and size from stat (before opening, so a FIFO or a
 * device never blocks), container from magic bytes (never from the extension), tags via
 * music-metadata, and a streamed SHA-256 content hash.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { constants, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { AppError } from '../../shared/errors';
import { throwIfAborted } from './types';

export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

export type ContainerFormat =
  'wav' | 'aiff' | 'mp3' | 'aac' | 'flac' | 'ogg' | 'mp4' | 'asf' | 'webm' | 'caf';

export interface FileCheck {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

export interface Tags {
  title: string | null;
  artist: string | null;
  album: string | null;
  format: string | null;
  codec: string | null;
  source_sample_rate: number | null;
  source_channels: number | null;
}

export interface ProbeResult extends FileCheck {
  format: ContainerFormat;
  /** false when only an ID3 tag was recognised and no audio frame after it: the decoder must prove it is audio */
  confident: boolean;
  tags: Tags;
  /** container-declared duration, if known without a full scan */
  durationSec: number | null;
}

/** Maps a Node fs error to the user-facing code. */
export function fsErrorToAppError(err: unknown, path: string): AppError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const name = shortName(path);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new AppError('E_NOT_FOUND', `${name}: file not found`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new AppError('E_PERMISSION', `${name}: permission denied`, { cause: err });
    case 'ELOOP':
      return new AppError('E_SYMLINK_LOOP', `${name}: too many levels of symbolic links`, { cause: err });
    case 'EISDIR':
      return new AppError('E_NOT_REGULAR_FILE', `${name}: is a directory`, { cause: err });
    case 'ENAMETOOLONG':
      return new AppError('E_NOT_FOUND', `${name}: path too long`, { cause: err });
    default:
      return new AppError('E_INTERNAL', `${name}: cannot read the file (${code ?? 'unknown error'})`, {
        cause: err,
      });
  }
}

/** Only the file name goes into messages: full paths may reveal a user's folder layout. */
export function shortName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

function describeNonRegular(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'is a character device';
  if (st.isBlockDevice()) return 'is a block device';
  if (st.isSocket()) return 'is a socket';
  return 'is not a regular file';
}

/**
 * stat (following symlinks) and validate: regular, non-empty, under the cap, unchanged if `expected`
 * is given. Then open with O_NONBLOCK so a file swapped for a FIFO after the stat still cannot block.
 */
export async function checkFile(
  path: string,
  opts: { maxBytes?: number; expected?: { sizeBytes: number; mtimeMs: number } } = {},
): Promise<FileCheck> {
  const name = shortName(path);
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    const e = fsErrorToAppError(err, path);
    if (e.code === 'E_NOT_FOUND' && opts.expected) {
      throw new AppError('E_FILE_CHANGED', `${name}: the file was deleted before it was analysed`, {
        cause: err,
      });
    }
    throw e;
  }
  if (!st.isFile()) throw new AppError('E_NOT_REGULAR_FILE', `${name}: ${describeNonRegular(st)}`);
  if (
    opts.expected &&
    (st.size !== opts.expected.sizeBytes || Math.abs(st.mtimeMs - opts.expected.mtimeMs) > 1)
  ) {
    throw new AppError('E_FILE_CHANGED', `${name}: the file changed since it was added`);
  }
  if (st.size === 0) throw new AppError('E_EMPTY', `${name}: the file is empty`);
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (st.size > max) {
    throw new AppError('E_TOO_LARGE', `${name}: ${st.size} bytes is over the ${max}-byte limit`);
  }
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw fsErrorToAppError(err, path);
  }
  try {
    const st2 = await fh.stat();
    if (!st2.isFile()) throw new AppError('E_NOT_REGULAR_FILE', `${name}: ${describeNonRegular(st2)}`);
  } finally {
    await fh.close();
  }
  return { path, sizeBytes: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev };
}

/** Re-checks after decoding that the file analysed is still the file that was checked. */
export async function assertUnchanged(check: FileCheck): Promise<void> {
  const name = shortName(check.path);
  let st: Stats;
  try {
    st = await stat(check.path);
  } catch (err) {
    throw new AppError('E_FILE_CHANGED', `${name}: the file was deleted while it was analysed`, {
      cause: err,
    });
  }
  if (
    st.size !== check.sizeBytes ||
    st.mtimeMs !== check.mtimeMs ||
    st.ino !== check.ino ||
    st.dev !== check.dev
  ) {
    throw new AppError('E_FILE_CHANGED', `${name}: the file changed while it was analysed`);
  }
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: unknown) => {
    throw fsErrorToAppError(err, path);
  });
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** MPEG audio frame header check (layer I–III, valid bitrate and sample-rate indices). */
function isMpegFrame(b: Buffer, i: number): boolean {
  if (i + 4 > b.length) return false;
  if (b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return false;
  const version = (b[i + 1] >> 3) & 3; // 1 = reserved
  const layer = (b[i + 1] >> 1) & 3; // 0 = reserved
  const bitrate = b[i + 2] >> 4; // 15 = bad
  const rate = (b[i + 2] >> 2) & 3; // 3 = reserved
  return version !== 1 && layer !== 0 && bitrate !== 15 && rate !== 3;
}

function isAdts(b: Buffer, i: number): boolean {
  return i + 7 <= b.length && b[i] === 0xff && (b[i + 1] & 0xf6) === 0xf0 && ((b[i + 2] >> 2) & 0xf) < 13;
}

/** Container from magic bytes; null when nothing matches. */
export function sniffFormat(head: Buffer): ContainerFormat | null {
  const s = (a: number, b: number): string => head.toString('latin1', a, b);
  if (head.length < 4) return null;
  if ((s(0, 4) === 'RIFF' || s(0, 4) === 'RF64' || s(0, 4) === 'BW64') && s(8, 12) === 'WAVE') return 'wav';
  if (s(0, 4) === 'FORM' && (s(8, 12) === 'AIFF' || s(8, 12) === 'AIFC')) return 'aiff';
  if (s(0, 4) === 'fLaC') return 'flac';
  if (s(0, 4) === 'OggS') return 'ogg';
  if (s(4, 8) === 'ftyp') return 'mp4';
  if (s(0, 4) === 'caff') return 'caf';
  if (
    head.length >= 16 &&
    head.subarray(0, 16).equals(Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex'))
  )
    return 'asf';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  let i = 0;
  if (s(0, 3) === 'ID3' && head.length >= 10) {
    // syncsafe tag size; the audio follows the tag (+ 10-byte footer when flagged)
    const size =
      ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f);
    i = 10 + size + (head[5] & 0x10 ? 10 : 0);
    if (i >= head.length) return 'mp3'; // tag larger than the sniffed head: let the decoder decide
    if (s(i, i + 4) === 'fLaC') return 'flac';
  }
  // an MPEG or ADTS frame at the start (or after the ID3 tag), skipping a little padding
  const end = Math.min(head.length - 4, i + 4096);
  for (let j = i; j <= end; j++) {
    if (isMpegFrame(head, j)) return 'mp3';
    if (isAdts(head, j)) return 'aac';
    if (head[j] !== 0) break;
  }
  return null;
}

const HEAD_BYTES = 64 * 1024;

async function readTags(path: string): Promise<{ tags: Partial<Tags>; durationSec: number | null }> {
  try {
    const { parseFile } = await import('music-metadata');
    // duration: false avoids a full scan of VBR MP3s; the decoder measures the real length anyway
    const md = await parseFile(path, { duration: false, skipCovers: true });
    const c = md.common;
    return {
      tags: {
        title: c.title ?? null,
        artist: c.artist ?? null,
        album: c.album ?? null,
        codec: md.format.codec ?? null,
        source_sample_rate: md.format.sampleRate ?? null,
        source_channels: md.format.numberOfChannels ?? null,
      },
      durationSec: md.format.duration ?? null,
    };
  } catch {
    // tags are optional: a file whose tags cannot be parsed may still decode
    return { tags: {}, durationSec: null };
  }
}

export async function probeFile(
  path: string,
  opts: { maxBytes?: number; expected?: { sizeBytes: number; mtimeMs: number }; signal?: AbortSignal } = {},
): Promise<ProbeResult> {
  const check = await checkFile(path, opts);
  throwIfAborted(opts.signal);
  const head = await readHead(path, HEAD_BYTES);
  let format = sniffFormat(head);
  let confident = true;
  if (format === null && head.toString('latin1', 0, 3) === 'ID3') {
    // an ID3 tag followed by something we do not recognise: let ffmpeg try, but a failure then means "not audio"
    format = 'mp3';
    confident = false;
  }
  if (format === null) {
    throw new AppError('E_UNSUPPORTED_FORMAT', `${shortName(path)}: not a recognised audio file`);
  }
  const { tags, durationSec } = await readTags(path);
  return {
    ...check,
    format,
    confident,
    durationSec,
    tags: {
      title: tags.title ?? null,
      artist: tags.artist ?? null,
      album: tags.album ?? null,
      format,
      codec: tags.codec ?? null,
      source_sample_rate: tags.source_sample_rate ?? null,
      source_channels: tags.source_channels ?? null,
    },
  };
}

/** Streamed SHA-256 of the file's bytes (hex); honours the signal between chunks. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  throwIfAborted(signal);
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
  try {
    for await (const chunk of stream) hash.update(chunk as Buffer);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw fsErrorToAppError(err, path);
  }
  return hash.digest('hex');
}
