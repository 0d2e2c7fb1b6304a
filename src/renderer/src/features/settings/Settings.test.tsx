import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { SettingsView } from './Settings';
import { useSettings } from './settingsStore';
import { setApi } from '../../api/client';
import { fakeApi, makeJob } from '../../test/fakeApi';
import type { BackupEntry, Job, RestoreResult, Stats } from '../../../../shared/domain';

beforeEach(() => useSettings.setState({ settings: null, stats: null, backups: null, error: null }));
afterEach(() => {
  cleanup();
  setApi(null);
});

const entry = (name: string, createdAt: number, jobCount: number): BackupEntry => ({
  name,
  path: `/data/backups/${name}`,
  createdAt,
  sizeBytes: 40960,
  jobCount,
  schemaVersion: 3,
});

/** a fake core holding a job list and backups; a restore swaps the list and keeps the current one as a backup */
function core() {
  let jobs: Job[] = [makeJob({ status: 'completed' })];
  const saved = new Map<string, Job[]>();
  const backups: BackupEntry[] = [];
  const old = entry('performia-20260101T100000000Z.sqlite', Date.UTC(2026, 0, 1, 10), 3);
  backups.push(old);
  saved.set(
    old.name,
    [1, 2, 3].map(() => makeJob({ status: 'completed' })),
  );
  const api = fakeApi();
  api.handle('settings.get', () => ({
    concurrency: 1,
    retentionDays: null,
    theme: 'system',
    keepBackups: 5,
  }));
  api.handle('db.stats', (): Stats => ({
    dataDir: '/data',
    dbPath: '/data/performia.sqlite',
    sizeBytes: 1,
    schemaVersion: 3,
    counts: { queued: 0, processing: 0, completed: jobs.length, failed: 0, cancelled: 0 },
    total: jobs.length,
    backups,
    recovery: null,
  }));
  api.handle('backups.list', () => ({ backups: [...backups] }));
  api.handle('backups.restore', ({ name }): RestoreResult => {
    const b = backups.find((x) => x.name === name)!;
    const kept = entry('performia-20260102T120000000Z.sqlite', Date.UTC(2026, 0, 2, 12), jobs.length);
    saved.set(kept.name, jobs);
    backups.unshift(kept);
    jobs = saved.get(name)!;
    return { restored: b, keptAs: kept, total: jobs.length, requeued: 0 };
  });
  setApi(api);
  return { api, total: () => jobs.length };
}

describe('Settings → backups', () => {
  it('lists each backup with its time, size and job count, and restores one only after a confirmation', async () => {
    const c = core();
    render(<SettingsView />);
    const list = await screen.findByTestId('backups');
    const row = within(list).getByTestId('backup-row');
    expect(row.textContent).toMatch(/2026-01-01/);
    expect(row.textContent).toContain('40 KB');
    expect(row.textContent).toContain('3 jobs');

    fireEvent.click(within(row).getByRole('button', { name: /^Restore the backup of/ }));
    expect(c.api.callsTo('backups.restore')).toHaveLength(0);
    const question = within(row).getByRole('alert');
    expect(question.textContent).toContain('Replace the current history (1 job) with this backup (3 jobs)?');
    expect(question.textContent).toContain('can be undone');
    fireEvent.click(within(question).getByRole('button', { name: 'Keep current' }));
    expect(within(row).queryByRole('alert')).toBeNull();
    expect(c.api.callsTo('backups.restore')).toHaveLength(0);

    fireEvent.click(within(row).getByRole('button', { name: /^Restore the backup of/ }));
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: 'Restore' })));
    expect(c.api.callsTo('backups.restore')).toEqual([{ name: 'performia-20260101T100000000Z.sqlite' }]);
    expect(c.total()).toBe(3);
    expect(screen.getByTestId('restore-result').textContent).toMatch(
      /Restored the backup of 2026-01-01.*: 3 jobs\. The history as it was before is kept as the backup of 2026-01-02.*restore that one to undo/,
    );
    // the list is read again: the kept state is now a backup of its own, restorable like any other
    await waitFor(() => expect(screen.getAllByTestId('backup-row')).toHaveLength(2));
    expect(screen.getAllByTestId('backup-row')[0].textContent).toContain('1 job');
    expect(screen.getByTestId('db-total').textContent).toMatch(/^3 /);
  });

  it('says why a restore was refused', async () => {
    const c = core();
    c.api.handle('backups.restore', () => ({
      ok: false,
      error: { code: 'E_DB_CORRUPT', message: 'The backup x is damaged; nothing was changed.' },
    }));
    render(<SettingsView />);
    const row = await screen.findByTestId('backup-row');
    fireEvent.click(within(row).getByRole('button', { name: /^Restore the backup of/ }));
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: 'Restore' })));
    expect(screen.getByTestId('restore-result').textContent).toContain('nothing was changed. (E_DB_CORRUPT)');
  });
});
