/** Builds the app once before the suites, only when out/ is missing or older than the sources. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function newest(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return n;
}

export default function globalSetup(): void {
  if (process.env.PERFORMIA_E2E_NO_BUILD === '1') return;
  const outs = ['out/main/server.js', 'out/main/analysis-worker.js', 'out/renderer/index.html'].map((p) =>
    join(root, p),
  );
  const stale =
    !outs.every(existsSync) || newest(join(root, 'src')) > Math.min(...outs.map((p) => statSync(p).mtimeMs));
  if (!stale) return;
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('electron-vite build failed; the end-to-end suites need the built app');
}
