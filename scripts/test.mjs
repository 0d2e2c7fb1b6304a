#!/usr/bin/env node
// `npm test`: typecheck, unit/integration tests (Vitest), build, then end-to-end tests (Playwright).
// Each step runs only if the one before passed; the exit code is the first failure's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// The end-to-end suite drives Debian's Chromium. Without one (a fresh machine that skipped
// `apt-get install chromium`) it is skipped with a clear message, except in CI where it must run.
const chromium = process.env.PERFORMIA_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(chromium);

const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['unit', 'npx', ['vitest', 'run']],
  ['build', 'npx', ['electron-vite', 'build']],
  ['e2e', 'npx', ['playwright', 'test']],
];
const only = process.argv.slice(2);
for (const [name, cmd, args] of steps) {
  if (only.length && !only.includes(name)) continue;
  if (name === 'e2e' && !haveBrowser) {
    if (process.env.CI) {
      console.error(`\n== e2e: no browser at ${chromium}; CI must install it (apt-get install chromium)`);
      process.exit(1);
    }
    console.log(`\n== e2e skipped: no Chromium at ${chromium} (install it with: sudo apt-get install chromium)`);
    continue;
  }
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`\n== ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}
