/**
 * backups.list / backups.restore through the core: the runner stops and resumes around the swap,
 * interrupted jobs run again, calls arriving during a restore wait for it, every window hears db.restored.
 */
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError, type BackupEntry, type Job, type RestoreResult } from '../../shared';
import { isTerminal, makeHarness, type Harness } from '../jobs/testing/harness';
import { writeWav } from '../jobs/testing/wav';

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

const submit = async (hh: Harness, paths: string[]) =>
  ((await hh.call('jobs.submit', { paths })) as { jobs: Job[] }).jobs;
const list = async (hh: Harness) =>
  ((await hh.call('backups.list', {})) as { backups: BackupEntry[] }).backups;

describe('backups.restore through the core', () => {
  it('back up, delete, restore: the jobs are back, a running job is stopped first, and the restore can be undone', async () => {
    h = await makeHarness();
    const [a, b] = await submit(h, [
      writeWav(join(h.filesDir, 'a.wav'), { seconds: 0.1 }),
      writeWav(join(h.filesDir, 'b.wav'), { seconds: 0.1, freq: 300 }),
    ]);
    await h.waitForJob(a.id, isTerminal);
    await h.waitForJob(b.id, isTerminal);
    const backup = (await h.call('db.backup', {})) as { path: string };
    expect(await h.call('jobs.delete', { ids: [a.id, b.id] })).toEqual({ deleted: 2 });
    const [slow] = await submit(h, [writeWav(join(h.filesDir, 'slow.wav'), { seconds: 0.1, freq: 500 })]);
    await h.waitForJob(slow.id, (j) => j.status === 'processing');

    const listed = await list(h);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name: basename(backup.path), jobCount: 2 });

    const r = (await h.call('backups.restore', { name: listed[0].name })) as RestoreResult;
    expect(r).toMatchObject({ total: 2, requeued: 0, restored: { path: backup.path } });
    expect(h.core.store.getJob(a.id)?.status).toBe('completed');
    expect(h.core.store.getJob(b.id)?.status).toBe('completed');
    expect(h.core.store.getJob(slow.id)).toBeNull();
    // the history's list rows come from the restored database too
    const rows = (await h.call('jobs.rows', { sort: 'name', order: 'asc' })) as {
      items: { id: string }[];
      total: number;
    };
    expect(rows.items.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(rows.total).toBe(2);
    // the job that is not in the backup was stopped, and nothing runs
    expect(h.core.runner.activeIds).toEqual([]);
    expect(h.eventsOf('db.restored')).toEqual([r]);
    // the job was put back in the queue before the state was kept aside, not left `processing`
    expect(h.eventsOf('job.updated').some((j) => j.id === slow.id && j.status === 'queued')).toBe(true);

    // the state before is a backup of its own, listed with its one job
    const after = await list(h);
    expect(after.map((x) => x.path)).toEqual([r.keptAs.path, backup.path]);
    expect(after[0].jobCount).toBe(1);

    // undo: the slow job is back and runs again
    const undo = (await h.call('backups.restore', { name: after[0].name })) as RestoreResult;
    expect(undo.total).toBe(1);
    expect(h.core.store.getJob(a.id)).toBeNull();
    await h.waitForJob(slow.id, (j) => j.status === 'processing');
    expect(h.core.store.getJob(slow.id)?.attempts).toBe(slow.attempts); // a restore is not a crash
  });

  it('jobs that were processing when the backup was taken run again after the restore', async () => {
    h = await makeHarness();
    const [slow] = await submit(h, [writeWav(join(h.filesDir, 'slow.wav'), { seconds: 0.1 })]);
    await h.waitForJob(slow.id, (j) => j.status === 'processing');
    const backup = (await h.call('db.backup', {})) as { path: string };
    await h.call('jobs.cancel', { ids: [slow.id] });
    expect(h.core.store.getJob(slow.id)?.status).toBe('cancelled');

    const r = (await h.call('backups.restore', { name: basename(backup.path) })) as RestoreResult;
    expect(r.requeued).toBe(1);
    const again = await h.waitForJob(slow.id, (j) => j.status === 'processing');
    expect(again.attempts).toBe(slow.attempts + 1);
  });

  it('calls that arrive during a restore wait for it and then see the restored history', async () => {
    h = await makeHarness();
    const [a] = await submit(h, [writeWav(join(h.filesDir, 'a.wav'), { seconds: 0.1 })]);
    await h.waitForJob(a.id, isTerminal);
    const backup = (await h.call('db.backup', {})) as { path: string };
    await h.call('jobs.delete', { ids: [a.id] });

    const order: string[] = [];
    const restoring = h.core.dispatch('backups.restore', { name: basename(backup.path) }).then((r) => {
      order.push('restore');
      return r;
    });
    const during = h.core.dispatch('jobs.submit', {
      paths: [writeWav(join(h.filesDir, 'c.wav'), { seconds: 0.1 })],
    });
    const listing = h.core.dispatch('jobs.list', {}).then((r) => {
      order.push('list');
      return r;
    });
    // the history's list rows wait behind the restore like every other channel
    const rowsDuring = h.core.dispatch('jobs.rows', {}).then((r) => {
      order.push('rows');
      return r;
    });
    const [r, s, l, rw] = await Promise.all([restoring, during, listing, rowsDuring]);
    expect(r.ok && s.ok && l.ok && rw.ok).toBe(true);
    expect(order).toEqual(['restore', 'list', 'rows']);
    expect(rw.ok && (rw.value as { items: { id: string }[] }).items.map((x) => x.id)).toContain(a.id);
    // the new job went into the restored database, next to the job the backup brought back
    const c = s.ok ? (s.value as { jobs: Job[] }).jobs[0] : null;
    expect(h.core.store.getJob(c?.id ?? '')).not.toBeNull();
    expect(h.core.store.getJob(a.id)?.status).toBe('completed');
    await h.waitForJob(c?.id ?? '', isTerminal);
  });

  it('names that are not a listed backup are refused and change nothing', async () => {
    h = await makeHarness({ autoStart: false });
    const missing = await h.core.dispatch('backups.restore', {
      name: 'performia-20260101T000000000Z.sqlite',
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'E_BACKUP_NOT_FOUND' } });
    for (const name of ['../performia.sqlite', '/etc/passwd', 'performia.sqlite', '']) {
      const r = await h.core.dispatch('backups.restore', { name });
      expect(r).toMatchObject({ ok: false, error: { code: 'E_INVALID_REQUEST' } });
    }
    expect(h.eventsOf('db.restored')).toEqual([]);
    expect(h.core.runner.isPaused).toBe(false);
  });

  it('a job that will not stop makes the pause give up with a clear error; the restore then changes nothing and work goes on', async () => {
    h = await makeHarness();
    const [a] = await submit(h, [writeWav(join(h.filesDir, 'a.wav'), { seconds: 0.1 })]);
    await h.waitForJob(a.id, isTerminal);
    const backup = (await h.call('db.backup', {})) as { path: string };
    // a worker that ignores its abort and never answers (as a main-thread stat on a hung share would)
    const run = vi
      .spyOn(h.core.pool, 'run')
      .mockImplementation(() => ({ outcome: new Promise(() => {}), abort: () => {} }));
    const [stuck] = await submit(h, [writeWav(join(h.filesDir, 'stuck.wav'), { seconds: 0.1, freq: 300 })]);
    await h.waitForJob(stuck.id, (j) => j.status === 'processing');
    await expect(h.core.runner.pause(100)).rejects.toThrow(
      'Not stopped within 0.1 s: 1 job(s) still running',
    );
    h.core.runner.resume();

    // through the restore: the same refusal, nothing swapped, the runner resumed
    const pause = vi
      .spyOn(h.core.runner, 'pause')
      .mockRejectedValue(new AppError('E_BUSY', 'Not stopped within 15 s: 1 job(s) still running'));
    const refused = await h.core.dispatch('backups.restore', { name: basename(backup.path) });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'E_BUSY', message: 'Not stopped within 15 s: 1 job(s) still running' },
    });
    expect(h.eventsOf('db.restored')).toEqual([]);
    expect(h.core.store.getJob(stuck.id)).not.toBeNull();
    expect(h.core.runner.isPaused).toBe(false);
    pause.mockRestore();
    run.mockRestore();
    // new work still runs after the failed restore
    const [b] = await submit(h, [writeWav(join(h.filesDir, 'b.wav'), { seconds: 0.1, freq: 500 })]);
    expect((await h.waitForJob(b.id, isTerminal)).status).toBe('completed');
  });
});
