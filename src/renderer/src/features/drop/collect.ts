/**
 * Turning a drop into files. Browsers expose dropped folders only through the (non-standard but
 * universal) webkitGetAsEntry API, so folders are walked here and every file inside is collected.
 */
import { isAudioName } from '../../../../shared/names';

export { isAudioName };

export interface CollectedFile {
  file: File;
  /** path inside the dropped folder ("Album/01.mp3"), or the bare name for a loose file */
  relPath: string;
  /** true when the file came out of a dropped folder (non-audio there is skipped, not uploaded) */
  fromFolder: boolean;
}

/** minimal shapes of the FileSystem entry API (not in TypeScript's DOM lib as used here) */
interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath?: string;
}
interface FileEntryLike extends EntryLike {
  file(ok: (f: File) => void, err: (e: unknown) => void): void;
}
interface DirEntryLike extends EntryLike {
  createReader(): { readEntries(ok: (entries: EntryLike[]) => void, err: (e: unknown) => void): void };
}

const fileOf = (e: FileEntryLike): Promise<File> => new Promise((ok, err) => e.file(ok, err));

async function readAll(dir: DirEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader();
  const out: EntryLike[] = [];
  // readEntries returns at most ~100 entries per call: keep reading until it returns none
  for (;;) {
    const batch = await new Promise<EntryLike[]>((ok, err) => reader.readEntries(ok, err));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

export async function walkEntry(
  entry: EntryLike,
  prefix: string,
  fromFolder: boolean,
  out: CollectedFile[],
): Promise<void> {
  if (entry.isFile) {
    out.push({ file: await fileOf(entry as FileEntryLike), relPath: prefix + entry.name, fromFolder });
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as DirEntryLike))
      await walkEntry(child, `${prefix}${entry.name}/`, true, out);
  }
}

/** Everything dropped: loose files and, recursively, the files inside dropped folders. */
export async function collectDropped(dt: Pick<DataTransfer, 'items' | 'files'>): Promise<CollectedFile[]> {
  const out: CollectedFile[] = [];
  const entries: EntryLike[] = [];
  const items = dt.items ? Array.from(dt.items) : [];
  for (const item of items) {
    const withEntry = item as DataTransferItem & { webkitGetAsEntry?: () => EntryLike | null };
    const entry = item.kind === 'file' && withEntry.webkitGetAsEntry ? withEntry.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) {
    for (const file of Array.from(dt.files ?? [])) out.push({ file, relPath: file.name, fromFolder: false });
    return out;
  }
  for (const e of entries) await walkEntry(e, '', false, out);
  return out;
}
