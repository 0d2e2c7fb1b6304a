#!/usr/bin/env node
// `npm run analyze -- <audio files…> [--out <dir>]`: the engine's CLI (src/main/analysis/cli.ts) run as
// one esbuild bundle on plain node, not through tsx (whose start-up and per-module TypeScript
// transform cost seconds on a loaded machine). The bundle is cached as out/cli/analyze.mjs and rebuilt
// only when a file under src/ or package.json is newer; dependencies stay external (node_modules).
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const ENTRY = join(root, 'src/main/analysis/cli.ts');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** the bundle's path, built first when missing or older than the sources; `built` says whether it was */
export async function ensureBundle(outDir = process.env.PERFORMIA_CLI_BUNDLE_DIR || join(root, 'out/cli')) {
  const bundle = join(outDir, 'analyze.mjs');
  let builtAt = 0;
  try {
    builtAt = statSync(bundle).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
  if (builtAt > sources) return { bundle, built: false };
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'warning',
    // the bundle sits in out/cli/: node_modules is found from there by walking up, as from src/
    outfile: bundle,
  });
  mkdirSync(outDir, { recursive: true });
  // a bundle outside the checkout (tests) finds the checkout's node_modules through a link beside it
  const modules = join(outDir, 'node_modules');
  if (relative(root, outDir).startsWith('..') && !existsSync(modules)) {
    symlinkSync(join(root, 'node_modules'), modules, 'dir');
  }
  // written aside and renamed: a concurrent run never imports a half-written file
  const tmp = `${bundle}.${process.pid}.tmp`;
  writeFileSync(tmp, r.outputFiles[0].contents);
  renameSync(tmp, bundle);
  return { bundle, built: true };
}

const isMain = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isMain) {
  const { bundle } = await ensureBundle();
  const { runCli } = await import(pathToFileURL(bundle).href);
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  try {
    const code = await runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }, ac.signal);
    process.exit(code);
  } catch (err) {
    console.error(`analyze: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
