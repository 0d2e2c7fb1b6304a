/**
 * End-to-end suites. `headless`: Debian Chromium against the BUILT app's headless server (each test
 * starts its own server on a fresh data dir, see e2e/fixtures.ts). `electron`: Playwright's _electron
 * against the built app, skipped (never failed) where the Electron binary is not installed.
 */
import { defineConfig } from '@playwright/test';

const chromium = process.env.PERFORMIA_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  // the machine is small and shared: one browser at a time keeps analysis timings sane
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    acceptDownloads: true,
    viewport: { width: 1280, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        // the play journey starts playback from a click, but headless Chromium may still lack an audio device
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
  },
  projects: [
    { name: 'headless', testIgnore: /electron\// },
    { name: 'electron', testMatch: /electron\/.*\.spec\.ts/ },
  ],
});
