/**
 * Issue 4, adding audio by pasting paths (browser build): the text on the clipboard is split into
 * absolute paths and submitted with `jobs.submit`; the headless server reads them from its own disk.
 * A path that does not exist is listed as not added, with its code; the real one is analysed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { test, expect, makeWav } from './fixtures';
import { historyRow, queueRow, waitCompleted } from './helpers';

test('paste of paths → the audio one is analysed, the missing one is listed with E_NOT_FOUND', async ({
  page,
  server,
}, testInfo) => {
  const dir = testInfo.outputPath('pasted in');
  mkdirSync(dir, { recursive: true });
  const wav = `${dir}/pasted groove.wav`;
  writeFileSync(wav, makeWav(6));
  const missing = `${dir}/not here.wav`;

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.goto(server.url);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  // as copied from a file manager: one path per line, one of them quoted, plus a line that is no path
  await page.evaluate(
    (text) =>
      (
        globalThis as unknown as { navigator: { clipboard: { writeText(t: string): Promise<void> } } }
      ).navigator.clipboard.writeText(text),
    `"${wav}"\n${missing}\nnot a path at all\n`,
  );
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+V');

  await expect(queueRow(page, 'pasted groove.wav')).toBeVisible();
  await expect(page.getByTestId('rejected')).toContainText('not here.wav');
  await expect(page.getByTestId('rejected')).toContainText('E_NOT_FOUND');
  await expect(page.getByTestId('rejected')).not.toContainText('not a path');
  await page.screenshot({ path: testInfo.outputPath('paste-queue.png') });
  await waitCompleted(page, 'pasted groove.wav');
  await expect(historyRow(page, 'pasted groove.wav')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('history-total')).toHaveText('1 job');

  // a paste inside a text field is text, not a submission
  await page.getByRole('searchbox').click();
  await page.keyboard.press('Control+V');
  await expect(page.getByRole('searchbox')).toHaveValue(/pasted groove\.wav/);
  await expect(page.getByTestId('queue-row')).toHaveCount(1);
});
