#!/usr/bin/env node
// `npm run serve -- --port <n> --data-dir <dir>`: the headless mode. Builds first when out/ is missing or
// older than src/, then runs `node out/main/server.js` with the given arguments, forwarding signals so
// SIGTERM / Ctrl-C shut the server down gracefully.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfStale } from './build-if-stale.mjs';

buildIfStale();
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'out', 'main', 'server.js'), ...args], { stdio: 'inherit' });
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
