/** Settings: database info, Back up now, theme (dark survives a reload), retention. */
import { test, expect } from './fixtures';

test('database info, backup now, dark theme kept across reloads', async ({ page, server }, testInfo) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  const info = page.getByTestId('db-info');
  await expect(info).toContainText(server.dataDir);
  await expect(page.getByTestId('schema-version')).toHaveText(/^\d+$/);
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(info).toContainText('Backup written');
  await expect(info).not.toContainText('none yet');

  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // (concurrency is pinned by the fixture's --concurrency 1, so retention is the setting checked here)
  await page.getByLabel(/Auto-clean finished jobs/).fill('30');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('on: 30 days, at start')).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByText('on: 30 days, at start')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('settings-dark.png'), fullPage: true });
  await page.getByRole('button', { name: 'Library' }).click();
  await page.screenshot({ path: testInfo.outputPath('library-dark.png') });
});
