/**
 * What the window parses before the history's first rows: the renderer's entry chunk (the song map
 * view is a lazy chunk of its own). The runtime schemas (zod) are the main process's and the server's
 * business; a value import of a schema module from a start-up file once put the whole library into
 * this chunk (401 KB → 305 KB without it).
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const outdir = mkdtempSync(join(tmpdir(), 'performia-startup-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("the renderer's start-up chunk", () => {
  it('holds no schema library and no song map view', async () => {
    const r = await build({
      entryPoints: [join(root, 'src/renderer/src/main.tsx')],
      bundle: true,
      splitting: true,
      format: 'esm',
      outdir,
      write: false,
      metafile: true,
      jsx: 'automatic',
      loader: { '.css': 'empty', '.svg': 'empty', '.png': 'empty' },
      logLevel: 'silent',
    });
    const entry = Object.values(r.metafile.outputs).find((o) => o.entryPoint?.endsWith('main.tsx'));
    expect(entry).toBeDefined();
    const inputs = Object.keys(entry!.inputs);
    expect(inputs.some((p) => p.includes('src/renderer/src/features/history/'))).toBe(true);
    expect(inputs.filter((p) => p.includes('node_modules/zod/'))).toEqual([]);
    expect(inputs.filter((p) => p.endsWith('SongMapView.tsx'))).toEqual([]);
  });
});
