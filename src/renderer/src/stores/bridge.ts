/** Wires core events into the stores. Returns the unsubscribe for all of them. */
import { api, call } from '../api/client';
import { useJobs } from './jobs';
import { useApp } from './app';
import { useHistory } from '../features/history/historyStore';
import { useSettings } from '../features/settings/settingsStore';
import { formatDate } from '../ui/format';
import type { EventPayload } from '../../../shared/contract';

/** jobs still running or waiting (from before a restart, another window, a restored backup) belong in the queue */
export async function loadActiveJobs(): Promise<void> {
  try {
    const p = await call('jobs.list', {
      status: ['queued', 'processing'],
      limit: 500,
      sort: 'created',
      order: 'asc',
    });
    useJobs.getState().upsertMany(p.items);
  } catch {
    useApp.getState().notify('error', 'Cannot reach the Performia core: the job list could not be loaded.');
  }
}

/** the whole history was replaced: rows held from before may not exist any more, so every list starts over */
function onRestored(r: EventPayload<'db.restored'>): void {
  useJobs.getState().reset([]);
  void loadActiveJobs();
  void useHistory.getState().startOver();
  void useSettings.getState().load();
  const app = useApp.getState();
  if (app.view === 'song') app.show('library');
  app.notify(
    'info',
    `The job history was replaced by the backup of ${formatDate(r.restored.createdAt, { seconds: true })} (${r.total} ${r.total === 1 ? 'job' : 'jobs'}).`,
  );
}

export function connectEvents(): () => void {
  const a = api();
  const jobs = useJobs.getState();
  const offs = [
    a.on('job.updated', (j) => {
      jobs.enqueueUpdate(j);
      useHistory.getState().patchLocal([j]);
    }),
    a.on('job.progress', (p) => jobs.enqueueProgress(p)),
    a.on('jobs.removed', ({ ids }) => {
      jobs.enqueueRemoved(ids);
      useHistory.getState().removeLocal(ids);
    }),
    a.on('db.restored', onRestored),
    a.on('app.notice', (n) => useApp.getState().notify(n.level, n.message)),
  ];
  return () => offs.forEach((off) => off());
}
