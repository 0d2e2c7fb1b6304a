/**
 * Backups: VACUUM INTO a temp file (off thread), fsync, rename into backups/, fsync the folder,
 * open the copy read-only and quick_check it; then keep only the newest N.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, BACKUP_NAME_RE, type BackupInfo } from '../../shared';
import { runOffThread } from './offthread';

const BACKUP_RE = BACKUP_NAME_RE;

/** 20261129T031600123Z: sorts like the time it names */
export function backupStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

function stampToMs(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp);
  if (!m) return 0;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
}

/** newest first */
export function listBackups(backupsDir: string): BackupInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(backupsDir);
  } catch {
    return [];
  }
  const out: Array<BackupInfo & { seq: number }> = [];
  for (const name of names) {
    const m = BACKUP_RE.exec(name);
    if (!m) continue;
    const full = path.join(backupsDir, name);
    try {
      out.push({
        path: full,
        createdAt: stampToMs(m[1]),
        sizeBytes: fs.statSync(full).size,
        seq: Number(m[2] ?? 0),
      });
    } catch {
      // vanished between readdir and stat
    }
  }
  out.sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  return out.map(({ seq: _seq, ...b }) => b);
}

function freshBackupPath(backupsDir: string, now: number): string {
  const base = `performia-${backupStamp(now)}`;
  let candidate = path.join(backupsDir, `${base}.sqlite`);
  for (let i = 1; fs.existsSync(candidate); i++) candidate = path.join(backupsDir, `${base}-${i}.sqlite`);
  return candidate;
}

/** keeps the newest `keep`, and any in `protect` (a backup being restored) whatever its age */
export function pruneBackups(backupsDir: string, keep: number, protect: readonly string[] = []): string[] {
  const removed: string[] = [];
  const spared = new Set(protect.map((p) => path.resolve(p)));
  for (const b of listBackups(backupsDir).slice(Math.max(1, keep))) {
    if (spared.has(path.resolve(b.path))) continue;
    fs.rmSync(b.path, { force: true });
    removed.push(b.path);
  }
  return removed;
}

export async function createBackup(
  dbPath: string,
  backupsDir: string,
  keep: number,
  now: number,
  /** backups pruning must not remove (the one a restore is about to use) */
  protect: readonly string[] = [],
): Promise<BackupInfo> {
  fs.mkdirSync(backupsDir, { recursive: true });
  // a backup cut short by a crash leaves its .tmp behind: only one process writes here, so any is stale
  for (const name of fs.readdirSync(backupsDir)) {
    if (name.endsWith('.tmp')) fs.rmSync(path.join(backupsDir, name), { force: true });
  }
  const finalPath = freshBackupPath(backupsDir, now);
  const tmpPath = `${finalPath}.tmp`;
  const r = await runOffThread({ op: 'backup', dbPath, tmpPath, finalPath });
  if (!r.ok) {
    throw new AppError('E_INTERNAL', `Backup failed: ${r.message}`);
  }
  if (!(r.messages.length === 1 && r.messages[0] === 'ok')) {
    fs.rmSync(finalPath, { force: true });
    throw new AppError(
      'E_DB_CORRUPT',
      `The new backup failed its integrity check: ${r.messages.slice(0, 3).join('; ')}`,
    );
  }
  pruneBackups(backupsDir, keep, protect);
  return { path: finalPath, createdAt: now, sizeBytes: r.sizeBytes };
}

export interface BackupContents {
  /** PRAGMA user_version of the copy */
  schemaVersion: number | null;
  jobCount: number | null;
}

/**
 * What each backup holds, read off the main thread from read-only connections. Backups never change
 * once written, so a result is cached by path, size and mtime.
 */
const contentsCache = new Map<string, { key: string; contents: BackupContents }>();

export async function inspectBackups(paths: readonly string[]): Promise<Map<string, BackupContents>> {
  const out = new Map<string, BackupContents>();
  const todo: string[] = [];
  const keys = new Map<string, string>();
  for (const p of paths) {
    let key: string;
    try {
      const st = fs.statSync(p);
      key = `${st.size}:${st.mtimeMs}`;
    } catch {
      continue;
    }
    keys.set(p, key);
    const hit = contentsCache.get(p);
    if (hit && hit.key === key) out.set(p, hit.contents);
    else todo.push(p);
  }
  if (todo.length > 0) {
    const r = await runOffThread({ op: 'inspect', paths: todo });
    for (let i = 0; i < todo.length; i++) {
      const row = r.ok ? r.inspected?.[i] : undefined;
      const contents: BackupContents = {
        schemaVersion: row?.schemaVersion ?? null,
        jobCount: row?.jobCount ?? null,
      };
      out.set(todo[i], contents);
      if (row) contentsCache.set(todo[i], { key: keys.get(todo[i]) as string, contents });
    }
  }
  return out;
}
