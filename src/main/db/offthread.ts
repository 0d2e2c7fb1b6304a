/**
 * Long read-only database work run in a worker thread so it never blocks the main (UI) thread:
 * PRAGMA quick_check, and VACUUM INTO for backups. The worker opens its own READ-ONLY connection;
 * it never writes the database (VACUUM INTO writes only the new backup file).
 *
 * The worker's code is an eval'd string so it runs unchanged under Vitest, tsx and the
 * electron-vite bundle, with no separate entry file to build.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// not named `require`: the electron-vite ESM bundle already declares one (SyntaxError at load)
const requireCjs = createRequire(import.meta.url);

export type OffThreadTask =
  | { op: 'quick_check'; dbPath: string }
  | { op: 'backup'; dbPath: string; tmpPath: string; finalPath: string }
  | { op: 'inspect'; paths: string[] };

export type OffThreadResult =
  | {
      ok: true;
      messages: string[];
      sizeBytes: number;
      /** op 'inspect': per path, in order (null fields where the file could not be read) */
      inspected?: { schemaVersion: number | null; jobCount: number | null }[];
    }
  | { ok: false; code: string | null; message: string };

const WORKER_SOURCE = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { createRequire } = await import('node:module');
  const Database = createRequire(workerData.driver)(workerData.driver);
  const task = workerData.task;
  const fsyncPath = (p, flags) => { const fd = fs.openSync(p, flags); try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); } };
  const quickCheck = (file) => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try { return db.pragma('quick_check').map((r) => String(r.quick_check)); } finally { db.close(); }
  };
  // user_version and the job count of a database copy; the counts table (003) answers at once, count(*) otherwise
  const inspect = (file) => {
    let db;
    try { db = new Database(file, { readonly: true, fileMustExist: true }); } catch { return { schemaVersion: null, jobCount: null }; }
    try {
      let schemaVersion = null;
      let jobCount = null;
      try { schemaVersion = Number(db.pragma('user_version', { simple: true })); } catch {}
      try { jobCount = Number(db.prepare('SELECT coalesce(sum(n), 0) AS n FROM job_counts').get().n); } catch {
        try { jobCount = Number(db.prepare('SELECT count(*) AS n FROM jobs').get().n); } catch {}
      }
      return { schemaVersion, jobCount };
    } finally { db.close(); }
  };
  try {
    let checked;
    let sizeBytes = 0;
    if (task.op === 'inspect') {
      parentPort.postMessage({ ok: true, messages: [], sizeBytes: 0, inspected: task.paths.map(inspect) });
      return;
    }
    if (task.op === 'quick_check') {
      checked = quickCheck(task.dbPath);
    } else {
      const src = new Database(task.dbPath, { readonly: true, fileMustExist: true });
      try { src.prepare('VACUUM INTO ?').run(task.tmpPath); } finally { src.close(); }
      fsyncPath(task.tmpPath, 'r+');
      fs.renameSync(task.tmpPath, task.finalPath);
      fsyncPath(path.dirname(task.finalPath), 'r');
      sizeBytes = fs.statSync(task.finalPath).size;
      checked = quickCheck(task.finalPath);
    }
    parentPort.postMessage({ ok: true, messages: checked, sizeBytes });
  } catch (e) {
    try { if (task.op === 'backup') fs.rmSync(task.tmpPath, { force: true }); } catch {}
    parentPort.postMessage({ ok: false, code: e && e.code ? String(e.code) : null, message: String(e && e.message || e) });
  }
})();
`;

export function runOffThread(task: OffThreadTask): Promise<OffThreadResult> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: requireCjs.resolve('better-sqlite3'), task },
    });
    let settled = false;
    const settle = (r: OffThreadResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
      void worker.terminate();
    };
    worker.once('message', (m: OffThreadResult) => settle(m));
    worker.once('error', (e: Error & { code?: string }) =>
      settle({ ok: false, code: e.code ?? null, message: e.message }),
    );
    worker.once('exit', (code) =>
      settle({ ok: false, code: null, message: `database worker exited with code ${code}` }),
    );
  });
}

/** quick_check off the calling thread; 'ok' is the only healthy answer */
export async function quickCheckOffThread(
  dbPath: string,
): Promise<{ ok: boolean; corrupt: boolean; detail: string }> {
  const r = await runOffThread({ op: 'quick_check', dbPath });
  if (r.ok) {
    const healthy = r.messages.length === 1 && r.messages[0] === 'ok';
    return { ok: healthy, corrupt: !healthy, detail: r.messages.slice(0, 5).join('; ') };
  }
  const corrupt =
    r.code !== null && (r.code.startsWith('SQLITE_CORRUPT') || r.code.startsWith('SQLITE_NOTADB'));
  return { ok: false, corrupt, detail: `${r.code ?? 'error'}: ${r.message}` };
}
