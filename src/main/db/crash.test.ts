/**
 * Kill -9 durability: a child process acknowledges jobs in a loop; we SIGKILL it at random moments
 * several times, then reopen and require a healthy database holding every acknowledged id.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openJobStore } from './store';
import { tempDir } from './test-helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

/** runs the child until it has acknowledged `minAcks` more ids, waits a random extra moment, kills it */
function runAndKill(dataDir: string, minAcks: number, extraMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, path.join(here, 'crash-child.ts'), dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buf = '';
    let stderr = '';
    const acked: string[] = [];
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? ''; // a partial line was not fully acknowledged
      for (const line of lines) if (line && line !== 'READY') acked.push(line);
      if (!armed && acked.length >= minAcks) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('SIGKILL during a write storm', () => {
  it('never loses an acknowledged job and leaves a healthy database', async () => {
    const dir = tempDir('performia-crash-');
    const acked: string[] = [];
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const minAcks = 2 + Math.floor(Math.random() * 40);
      const extraMs = Math.floor(Math.random() * 150);
      acked.push(...(await runAndKill(dir, minAcks, extraMs)));
    }
    expect(acked.length).toBeGreaterThan(rounds * 2);

    const store = await openJobStore({ dataDir: dir });
    expect(store.openReport.uncleanShutdown).toBe(true);
    expect(store.openReport.quickCheck).toBe('ok');
    expect(store.openReport.restoredFrom).toBeNull();
    const found = new Set(store.getJobs(acked).map((j) => j.id));
    const missing = acked.filter((id) => !found.has(id));
    expect(missing).toEqual([]);
    // jobs caught mid-analysis are handed back to the queue, none stays stuck in processing
    const interrupted = store.stats().counts.processing;
    const recovered = store.recoverInterrupted();
    expect(recovered.requeued.length + recovered.failed.length).toBe(interrupted);
    expect(store.stats().counts.processing).toBe(0);
    store.close();

    const raw = new Database(path.join(dir, 'performia.sqlite'), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  }, 120_000);
});
