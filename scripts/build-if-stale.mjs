// Builds the app (electron-vite build → out/) when out/ is missing or older than the sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function isStale() {
  const outputs = ['out/main/index.js', 'out/main/server.js', 'out/main/analysis-worker.js', 'out/renderer/index.html'].map((p) =>
    join(root, p),
  );
  if (!outputs.every((p) => existsSync(p))) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const sources = Math.max(
    newestMtime(join(root, 'src')),
    ...['package.json', 'electron.vite.config.ts'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  return sources > built;
}

export function buildIfStale() {
  if (!isStale()) return;
  console.log('Building Performia (electron-vite build)…');
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error('Build failed: run `npx electron-vite build` to see why.');
    process.exit(r.status || 1);
  }
}
