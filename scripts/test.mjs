#!/usr/bin/env node
// `npm test`: typecheck, unit/integration tests (Vitest), build, then end-to-end tests (Playwright).
// Each step runs only if the one before passed; the exit code is the first failure's. The last line
// totals every test run: "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

// The end-to-end suite drives Debian's Chromium. Without one (a fresh machine that skipped
// `apt-get install chromium`) it is skipped with a clear message, except in CI where it must run.
const chromium = process.env.PERFORMIA_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(chromium);

// not under test-results/: Playwright empties that folder when it starts
const VITEST_JSON = 'test-reports/vitest.json';
const PLAYWRIGHT_JSON = 'test-reports/playwright.json';
mkdirSync('test-reports', { recursive: true });
rmSync(VITEST_JSON, { force: true });
rmSync(PLAYWRIGHT_JSON, { force: true });

const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npx', ['eslint', '.']],
  ['unit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_JSON}`]],
  ['build', 'npx', ['electron-vite', 'build']],
  ['e2e', 'npx', ['playwright', 'test', '--reporter=list,json']],
];

const totals = { passed: 0, failed: 0, skipped: 0 };
function count() {
  try {
    const v = JSON.parse(readFileSync(VITEST_JSON, 'utf8'));
    totals.passed += v.numPassedTests;
    totals.failed += v.numFailedTests;
    totals.skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  } catch {
    /* the step did not run */
  }
  try {
    const p = JSON.parse(readFileSync(PLAYWRIGHT_JSON, 'utf8')).stats;
    totals.passed += p.expected + p.flaky;
    totals.failed += p.unexpected;
    totals.skipped += p.skipped;
  } catch {
    /* the step did not run */
  }
}

const only = process.argv.slice(2);
let exitCode = 0;
for (const [name, cmd, args] of steps) {
  if (only.length && !only.includes(name)) continue;
  if (name === 'e2e' && !haveBrowser) {
    if (process.env.CI) {
      console.error(`\n== e2e: no browser at ${chromium}; CI must install it (apt-get install chromium)`);
      exitCode = 1;
      break;
    }
    console.log(`\n== e2e skipped: no Chromium at ${chromium} (install it with: sudo apt-get install chromium)`);
    continue;
  }
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: PLAYWRIGHT_JSON },
  });
  if (r.status !== 0) {
    console.error(`\n== ${name} failed (exit ${r.status ?? r.signal})`);
    exitCode = r.status || 1;
    break;
  }
}
count();
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
