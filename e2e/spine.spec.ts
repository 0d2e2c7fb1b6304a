/**
 * Issue 2's journey: drop a real audio file → it completes → it is in the history → the server is
 * SIGKILLed and restarted on the same data dir → still there → cleanup (0 days) removes it.
 */
import { readFileSync } from 'node:fs';
import { test, expect, makeWav, haveCorpus, CORPUS_S14 } from './fixtures';
import { dragFilesOver, dropDragged, historyRow, queueRow, waitCompleted } from './helpers';

test('drop → complete → history → SIGKILL + restart → still there → cleanup removes it', async ({
  page,
  server,
}, testInfo) => {
  // the corpus song when this checkout sits next to it, else a generated click-and-chords WAV
  const name = haveCorpus() ? 's14.wav' : 'click-chords.wav';
  const bytes = haveCorpus() ? readFileSync(CORPUS_S14) : makeWav(8);

  await page.goto(server.url);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('01-empty.png') });

  await dragFilesOver(page, [{ name, bytes }]);
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('02-drop-overlay.png') });
  await dropDragged(page);
  await expect(page.getByTestId('drop-overlay')).toBeHidden();

  await expect(queueRow(page, name)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('03-queue.png') });
  await waitCompleted(page, name);
  await expect(historyRow(page, name)).toHaveAttribute('data-status', 'completed');
  await page.screenshot({ path: testInfo.outputPath('04-completed.png') });

  await server.kill('SIGKILL');
  await server.restart();
  await page.goto(server.url);
  await expect(historyRow(page, name)).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('history-total')).toHaveText('1 job');
  await page.screenshot({ path: testInfo.outputPath('05-after-restart.png') });

  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('db-total')).toContainText('1 (0 queued, 0 processing, 1 completed');
  await page.getByLabel('Cleanup age in days').fill('0');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('cleanup-preview')).toContainText('1 job and');
  await page.screenshot({ path: testInfo.outputPath('06-cleanup-preview.png') });
  await page.getByRole('button', { name: 'Clean up now' }).click();
  await expect(page.getByTestId('cleanup-pending')).toBeVisible();
  await expect(page.getByTestId('cleanup-done')).toContainText('Removed 1 job', { timeout: 15_000 });
  await expect(page.getByTestId('db-total')).toContainText('0 (');
  await page.screenshot({ path: testInfo.outputPath('07-cleanup-done.png') });

  await page.getByRole('button', { name: 'Library' }).click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(historyRow(page, name)).toHaveCount(0);
});

test('a file that is not audio is refused with its reason and code', async ({ page, server }) => {
  await page.goto(server.url);
  await page
    .getByTestId('file-input')
    .setInputFiles({
      name: 'fake.mp3',
      mimeType: 'audio/mpeg',
      buffer: Buffer.from('this is plain text, not an MP3 at all\n'.repeat(20)),
    });
  // refused at upload (listed) or accepted and failed by the worker (queue row): either way, a code in plain words
  const refused = page
    .getByTestId('rejected')
    .or(queueRow(page, 'fake.mp3').and(page.locator('[data-status="failed"]')));
  await expect(refused).toBeVisible({ timeout: 60_000 });
  await expect(refused).toContainText('E_UNSUPPORTED_FORMAT');
});
