/**
 * The same spine journey in the real Electron app (Playwright _electron), for machines that have the
 * Electron binary. Availability is checked WITHOUT touching electron's lazy download: the package's
 * path.txt and the binary under dist/ must already exist, and Linux needs a display.
 */
import { test, expect, _electron as electron } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { electronRunnable } from '../../scripts/electron-check.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWav, ROOT } from '../fixtures';

const bin = electronRunnable();

test.describe('Electron app', () => {
  test.skip(!bin.ok, `Electron binary not installed on this machine (${bin.ok ? '' : bin.reason})`);

  test('open a file → it completes → it is in the history → cleanup removes it', async ({}, testInfo) => {
    if (!bin.ok) return;
    const dataDir = mkdtempSync(join(tmpdir(), 'performia-electron-'));
    const audio = join(dataDir, 'click-chords.wav');
    writeFileSync(audio, makeWav(8));
    const app = await electron.launch({
      executablePath: bin.path,
      // --data-dir moves the app's whole data folder (database, backups, uploads) into the temp dir
      args: [join(ROOT, 'out/main/index.js'), `--data-dir=${dataDir}`],
      cwd: ROOT,
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { name: 'Performia' })).toBeVisible();
      // the OS dialog cannot be driven; submit the path through the same preload API the drop uses
      const submitted = await page.evaluate(async (p) => {
        const api = (
          globalThis as unknown as { performia: { invoke(c: string, r: unknown): Promise<{ ok: boolean }> } }
        ).performia;
        return api.invoke('jobs.submit', { paths: [p] });
      }, audio);
      expect(submitted.ok).toBe(true);
      const row = page.getByTestId('history-row').filter({ hasText: 'click-chords.wav' });
      await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
      await page.screenshot({ path: testInfo.outputPath('electron-history.png') });
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('Cleanup age in days').fill('0');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('button', { name: 'Clean up now' }).click();
      await expect(page.getByTestId('cleanup-done')).toContainText('Removed 1 job', { timeout: 15_000 });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
