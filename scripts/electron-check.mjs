// Can a real Electron window start on this machine? Used by `npm start` and the Playwright _electron suite.
// Never triggers electron's lazy binary download on its own (that is start.mjs's explicit choice).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** @returns {{ ok: true, path: string } | { ok: false, reason: string }} */
export function electronBinary() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { ok: false, reason: 'the Electron binary has not been downloaded (node_modules/electron/path.txt missing)' };
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(bin)) return { ok: false, reason: `the Electron binary is missing (${bin})` };
  return { ok: true, path: bin };
}

/** @returns {{ ok: true, path: string } | { ok: false, reason: string }} */
export function electronRunnable() {
  const bin = electronBinary();
  if (!bin.ok) return bin;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  }
  return bin;
}
