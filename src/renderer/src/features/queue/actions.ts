/** Job actions shared by the queue, the history and the song map view. Errors become notices. */
import { ApiError, call } from '../../api/client';
import { useApp } from '../../stores/app';
import { useJobs } from '../../stores/jobs';
import { plainError } from '../../ui/format';

async function run<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    const msg =
      e instanceof ApiError ? `${what}: ${plainError(e.code, e.message)} (${e.code})` : `${what} failed.`;
    useApp.getState().notify('error', msg);
    return null;
  }
}

export const cancelJobs = (ids: string[]) => run('Cancel', () => call('jobs.cancel', { ids }));
export const retryJobs = (ids: string[]) =>
  run('Retry', async () => {
    const r = await call('jobs.retry', { ids });
    useJobs.getState().upsertMany(r.jobs);
    return r;
  });
export const moveToTop = (id: string) =>
  run('Move to top', async () => {
    const j = await call('jobs.moveToTop', { id });
    useJobs.getState().upsertMany([j]);
    return j;
  });
export const deleteJobs = (ids: string[]) =>
  run('Delete', async () => {
    const r = await call('jobs.delete', { ids });
    useJobs.getState().enqueueRemoved(ids);
    useJobs.getState().flush();
    return r;
  });
