#!/usr/bin/env node
// `npm start`: opens the Electron app. Where the Electron binary cannot be obtained (or there is no
// display), says so in one line and falls back to the headless mode (`npm run serve`), printing its URL.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronRunnable } from './electron-check.mjs';
import { buildIfStale } from './build-if-stale.mjs';

const args = process.argv.slice(2);
let check = electronRunnable();
if (!check.ok && /not been downloaded|missing/.test(check.reason) && !process.env.PERFORMIA_NO_DOWNLOAD) {
  // electron >= 45 downloads its binary lazily: try once, quietly, with a time limit
  const require = createRequire(import.meta.url);
  const install = join(dirname(require.resolve('electron/package.json')), 'install.js');
  const r = spawnSync(process.execPath, [install], { stdio: 'ignore', timeout: 180_000 });
  if (r.status === 0) check = electronRunnable();
  else check = { ok: false, reason: 'the Electron binary could not be downloaded' };
}

if (!check.ok) {
  console.log(`Electron cannot start here (${check.reason}); starting the headless mode instead.`);
  const child = spawn(process.execPath, [join(import.meta.dirname, 'serve.mjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
} else {
  buildIfStale();
  const child = spawn(check.path, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
