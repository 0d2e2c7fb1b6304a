/**
 * An esbuild bundle of one entry for plain node, written to `dir` (outside the repo), with the repo's
 * node_modules linked beside it so its external packages resolve: how the benches run code the way the
 * app's worker runs it, not through a TypeScript loader.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function bundleForNode(entry: string, dir: string, name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const out = join(dir, name);
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: out,
    logLevel: 'warning',
  });
  symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(dir, 'node_modules'), 'dir');
  return out;
}
