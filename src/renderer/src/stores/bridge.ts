/** Wires core events into the stores. Returns the unsubscribe for all of them. */
import { api } from '../api/client';
import { useJobs } from './jobs';
import { useApp } from './app';
import { useHistory } from '../features/history/historyStore';

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
    a.on('app.notice', (n) => useApp.getState().notify(n.level, n.message)),
  ];
  return () => offs.forEach((off) => off());
}
