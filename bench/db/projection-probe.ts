/**
 * What a history page costs with fewer columns: `npx tsx bench/db/projection-probe.ts [n]` (profiling aid).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JOB_COLUMNS } from '../../src/main/db/rows';
import { openJobStore } from '../../src/main/db/store';
import { timeOps } from './measure';
import { rng, seedFile } from './seed';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'performia-probe-'));
  const { ids } = await seedFile(path.join(dir, 'performia.sqlite'), n);
  const store = await openJobStore({ dataDir: dir });
  const rand = rng(3);
  const pick = () => ids[Math.floor(rand() * ids.length)];
  const db = store.db;
  const out = (name: string, us: number) => console.log(`${name.padEnd(50)} ${us.toFixed(2)} µs`);
  const runs = 5;
  const sets: Record<string, string> = {
    all26: JOB_COLUMNS,
    row13: 'j.id, j.status, j.created_at, j.file_name, j.input_path, j.error_code, j.error_message, j.duration_sec, j.bpm, j.key_name, j.camelot, j.title, j.artist',
    row11_noPath: 'j.id, j.status, j.created_at, j.file_name, j.error_code, j.error_message, j.duration_sec, j.bpm, j.key_name, j.camelot, j.title, j.artist',
    id: 'j.id',
    json13: "json_array(j.id, j.status, j.created_at, j.file_name, j.input_path, j.error_code, j.error_message, j.duration_sec, j.bpm, j.key_name, j.camelot, j.title, j.artist)",
  };
  for (const [name, cols] of Object.entries(sets)) {
    const one = db.prepare(`SELECT ${cols} FROM jobs j WHERE j.id = ?`).raw();
    out(`get ${name}`, timeOps(() => one.get(pick()), 5000, runs).us);
    const page = db.prepare(`SELECT ${cols} FROM jobs j ORDER BY j.id DESC LIMIT 101`).raw();
    out(`page ${name}`, timeOps(() => page.all(), 500, runs).us);
  }
  const whole = db.prepare(`SELECT json_group_array(r) FROM (SELECT ${sets.json13} AS r FROM jobs j ORDER BY j.id DESC LIMIT 101)`).pluck();
  out('page as one json string', timeOps(() => whole.get(), 500, runs).us);
  const s = whole.get() as string;
  out('  + JSON.parse', timeOps(() => JSON.parse(s), 500, runs).us);
  const seq = db.prepare('SELECT seq FROM jobs WHERE id = ?').pluck();
  out('seq by id pluck', timeOps(() => seq.get(pick()), 5000, runs).us);
  const s1 = db.prepare('SELECT 1').pluck();
  out('SELECT 1 pluck', timeOps(() => s1.get(), 5000, runs).us);
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
void main();
