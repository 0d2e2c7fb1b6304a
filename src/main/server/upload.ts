/**
 * Multipart uploads (busboy), streamed straight to `<data-dir>/uploads/` with a size cap, never
 * buffered in memory. A file over the cap is deleted and the request answered E_TOO_LARGE; on any
 * failure every file already written by this request is removed.
 */
import busboy from 'busboy';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../shared';

export interface UploadedFile {
  tempPath: string;
  originalName: string;
  size: number;
}

export interface UploadOptions {
  dir: string;
  maxFileBytes: number;
  /** form field names accepted as files */
  fields: readonly string[];
  maxFiles: number;
}

/** Strips any directory part a browser or script may send and keeps a printable name. */
export function safeOriginalName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean.length > 0 && clean !== '.' && clean !== '..' ? clean : 'upload';
}

export async function receiveUploads(req: IncomingMessage, opts: UploadOptions): Promise<UploadedFile[]> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) throw new AppError('E_INVALID_REQUEST', 'expected multipart/form-data');
  fs.mkdirSync(opts.dir, { recursive: true });
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { fileSize: opts.maxFileBytes, files: opts.maxFiles, fields: 20, parts: opts.maxFiles + 20 } });
  } catch {
    throw new AppError('E_INVALID_REQUEST', 'malformed multipart request');
  }
  const files: UploadedFile[] = [];
  const writes: Promise<void>[] = [];
  let failure: AppError | null = null;
  const fail = (e: AppError): void => {
    failure ??= e;
  };

  bb.on('file', (field, stream, info) => {
    if (!opts.fields.includes(field) || failure) {
      stream.resume();
      return;
    }
    const ext = path.extname(safeOriginalName(info.filename)).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 10);
    // a random name: the original name is user data, never a path component
    // written as .part and renamed once complete, so a crash mid-upload leaves a recognisable leftover
    const finalPath = path.join(opts.dir, `${Date.now()}-${randomBytes(8).toString('hex')}${ext}`);
    const partPath = `${finalPath}.part`;
    const entry: UploadedFile = { tempPath: partPath, originalName: safeOriginalName(info.filename), size: 0 };
    files.push(entry);
    stream.on('data', (c: Buffer) => (entry.size += c.length));
    stream.on('limit', () => fail(new AppError('E_TOO_LARGE', `file is larger than the upload limit of ${opts.maxFileBytes} bytes`)));
    writes.push(
      pipeline(stream, fs.createWriteStream(partPath, { flags: 'wx', mode: 0o600 })).then(
        () => {
          if (stream.truncated || failure) return;
          // durable before it is acknowledged: the job row will be fsynced, so must its audio be
          fsyncPath(partPath, 'r');
          fs.renameSync(partPath, finalPath);
          fsyncPath(opts.dir, 'r');
          entry.tempPath = finalPath;
        },
        () => fail(new AppError('E_INVALID_REQUEST', 'upload was interrupted')),
      ),
    );
  });
  bb.on('filesLimit', () => fail(new AppError('E_INVALID_REQUEST', `at most ${opts.maxFiles} files per request`)));

  try {
    await pipeline(req, bb);
  } catch {
    fail(new AppError('E_INVALID_REQUEST', 'malformed or interrupted multipart request'));
  }
  await Promise.all(writes);
  if (!failure && files.length === 0) fail(new AppError('E_INVALID_REQUEST', `no file in field ${opts.fields.map((f) => `"${f}"`).join(' or ')}`));
  if (failure) {
    removeUploads(files);
    throw failure;
  }
  return files;
}

function fsyncPath(p: string, flags: string): void {
  const fd = fs.openSync(p, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Removes `.part` files: uploads that were still streaming when the process died. Complete uploads are
 * renamed before they become jobs, so a `.part` file never belongs to a job. Run before listening.
 */
export function sweepPartialUploads(dir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

export function removeUploads(files: readonly UploadedFile[]): void {
  for (const f of files) fs.rmSync(f.tempPath, { force: true });
}
