/**
 * Child process for the SIGKILL durability test (crash.test.ts): opens the store in argv[2] and
 * writes forever — a drop of jobs, progress updates, completions — printing each job id only after
 * the transaction that created it has returned (i.e. is acknowledged). The parent kills it with
 * SIGKILL at random moments and checks that every printed id survived.
 */
import { openJobStore } from './store';
import { completeWith, input } from './test-helpers';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: crash-child <dataDir>\n');
  process.exit(2);
}

const store = await openJobStore({ dataDir });
store.recoverInterrupted(1_000_000);
process.stdout.write('READY\n');
for (let i = 0; ; i++) {
  const batch = store.createJobs([input(`crash-${i}-a.mp3`), input(`crash-${i}-b.mp3`)]);
  // stdout to a pipe is synchronous on Linux: the id is out before the next write starts
  process.stdout.write(`${batch.map((j) => j.id).join('\n')}\n`);
  const [a, b] = batch;
  store.transition(a.id, 'processing');
  store.updateProgress(a.id, 0.5, 'tempo');
  if (i % 3 === 0) completeWith(store, b.id);
}
