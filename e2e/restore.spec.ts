/**
 * Issue 9.4, restore from a backup in Settings: back up, delete the jobs, restore the backup (after a
 * confirmation) → the jobs are back with their results; the history before the restore was kept as a
 * backup of its own, and restoring that one undoes the restore.
 */
import { test, expect, makeWav } from './fixtures';
import { dragFilesOver, dropDragged, historyRow, waitCompleted } from './helpers';

test('back up, delete the jobs, restore the backup: the jobs are back; restoring the kept state undoes it', async ({
  page,
  server,
}, testInfo) => {
  await page.goto(server.url);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await dragFilesOver(page, [
    { name: 'keep me one.wav', bytes: makeWav(4) },
    { name: 'keep me two.wav', bytes: makeWav(5) },
  ]);
  await dropDragged(page);
  await waitCompleted(page, 'keep me one.wav');
  await waitCompleted(page, 'keep me two.wav');
  await expect(page.getByTestId('history-total')).toHaveText('2 jobs');

  // back up now; the list shows the backup with the two jobs it holds
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByTestId('db-info')).toContainText('Backup written');
  const backups = page.getByTestId('backup-row');
  await expect(backups).toHaveCount(1);
  await expect(backups.first()).toContainText('2 jobs');

  // delete both jobs from the history
  await page.getByRole('button', { name: 'Library' }).click();
  await page.getByLabel('Select all loaded jobs').check();
  await page.getByRole('button', { name: 'Delete selected…' }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(page.getByTestId('history-total')).toHaveText('0 jobs');

  // restore: a question first, nothing happens until it is answered
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('db-total')).toHaveText(/^0 /);
  const row = page.getByTestId('backup-row').filter({ hasText: '2 jobs' });
  await row.getByRole('button', { name: /^Restore the backup of/ }).click();
  await expect(row.getByRole('alert')).toContainText(
    'Replace the current history (0 jobs) with this backup (2 jobs)?',
  );
  await page.screenshot({ path: testInfo.outputPath('restore-confirm.png'), fullPage: true });
  await row.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('Restored the backup of');
  await expect(page.getByTestId('restore-result')).toContainText('2 jobs');
  await expect(page.getByTestId('restore-result')).toContainText('restore that one to undo');
  await expect(page.getByTestId('db-total')).toHaveText(/^2 /);
  // the history as it was (no jobs) is now a backup too, newest first
  await expect(page.getByTestId('backup-row')).toHaveCount(2);
  await expect(page.getByTestId('backup-row').first()).toContainText('0 jobs');
  await page.screenshot({ path: testInfo.outputPath('restore-done.png'), fullPage: true });

  // the jobs are back, finished, with their song maps
  await page.getByRole('button', { name: 'Library' }).click();
  await expect(page.getByTestId('history-total')).toHaveText('2 jobs');
  await expect(historyRow(page, 'keep me one.wav')).toHaveAttribute('data-status', 'completed');
  await expect(historyRow(page, 'keep me two.wav')).toHaveAttribute('data-status', 'completed');
  await historyRow(page, 'keep me one.wav').dblclick();
  await expect(page.getByRole('button', { name: 'Song map' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('canvas').first()).toBeVisible();

  // it survives a restart of the server on the same data dir
  await server.kill();
  await server.restart();
  await page.goto(server.url);
  await expect(page.getByTestId('history-total')).toHaveText('2 jobs');

  // undo: restore the state kept before the restore
  await page.getByRole('button', { name: 'Settings' }).click();
  const kept = page.getByTestId('backup-row').filter({ hasText: '0 jobs' });
  await kept.getByRole('button', { name: /^Restore the backup of/ }).click();
  await kept.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('0 jobs');
  await page.getByRole('button', { name: 'Library' }).click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(page.getByTestId('history-total')).toHaveText('0 jobs');
});
