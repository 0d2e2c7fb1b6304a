/**
 * Child process for the crash test: a core with the test worker that keeps submitting files and
 * prints every acknowledged job id ("ACK <id>") as soon as jobs.submit returned. The parent kills it
 * with SIGKILL at a random moment.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../core/core';
import { FAKE_WORKER } from './harness';
import { writeWav } from './wav';

const [dataDir, filesDir] = process.argv.slice(2) as [string, string];
mkdirSync(filesDir, { recursive: true });
const core = await createCore({ dataDir, mode: 'headless', workerPath: FAKE_WORKER, concurrency: 2 });
process.stdout.write('READY\n');
for (let round = 0; ; round++) {
  const paths: string[] = [];
  for (let i = 0; i < 5; i++) {
    // a mix of instant and slowly progressing jobs, so some are processing when the kill lands
    const kind = i % 2 === 0 ? 'brief' : 'ok';
    paths.push(
      writeWav(join(filesDir, `${kind}-${process.pid}-${round}-${i}.wav`), {
        seconds: 0.01,
        freq: 100 + round * 5 + i,
      }),
    );
  }
  const r = await core.dispatch('jobs.submit', { paths });
  if (!r.ok) throw new Error(r.error.message);
  const ids = (r.value as { jobs: { id: string }[] }).jobs.map((j) => j.id);
  process.stdout.write(ids.map((id) => `ACK ${id}\n`).join(''));
  // a steady storm rather than an unbounded backlog the final drain would take minutes to run
  await new Promise((r) => setTimeout(r, 30));
}
