/**
 * Restoring a backup from the UI. The store swaps the file under its one writer connection; around it
 * the core keeps every other writer out: the gate holds contract calls back (see core.ts), the runner
 * puts running jobs back in the queue and pauses, the automatic backup pauses. Afterwards jobs the
 * backup holds as `processing` are queued again (as after a crash), the runner resumes on the restored
 * queue, and every window is told with db.restored so it loads its lists again.
 */
import type { RestoreResult } from '../../shared';
import type { JobStore } from '../db/store-api';
import type { Runner } from '../jobs/runner';
import type { AutoBackupHandle } from './auto-backup';
import type { EventBus } from './events';

export interface RestoreDeps {
  store: JobStore;
  runner: Runner;
  events: EventBus;
  autoBackup: AutoBackupHandle;
}

export async function restoreBackup(deps: RestoreDeps, name: string): Promise<RestoreResult> {
  const { store, runner, events, autoBackup } = deps;
  try {
    // nothing is swapped unless every writer has let go (pause rejects after a deadline)
    await autoBackup.pause();
    await runner.pause();
    const { restored, keptAs } = await store.restoreBackup(name);
    const recovery = store.recoverInterrupted();
    const result: RestoreResult = {
      restored,
      keptAs,
      total: store.stats().total,
      requeued: recovery.requeued.length,
    };
    events.emit('db.restored', result);
    return result;
  } finally {
    runner.resume();
    autoBackup.resume();
  }
}
