/**
 * Files the store owns (uploads copied into <dataDir>/uploads). Only paths that really lie inside
 * the uploads folder are ever deleted, whatever a row says, so a user's own file is never removed.
 */
import fs from 'node:fs';
import path from 'node:path';

export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** size on disk of an owned upload, 0 when it is gone or not ours */
export function ownedFileSize(uploadsDir: string, file: string): number {
  if (!isInside(uploadsDir, file)) return 0;
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Removes owned uploads; a missing file is already what we want. Returns how many were removed. */
export function removeOwnedFiles(uploadsDir: string, files: string[]): number {
  let removed = 0;
  for (const file of files) {
    if (!isInside(uploadsDir, file)) continue;
    try {
      fs.unlinkSync(file);
      removed++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return removed;
}
