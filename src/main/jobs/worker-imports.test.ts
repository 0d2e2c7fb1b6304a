/**
 * Workers never open the database (only the main thread's store writes) and never touch Electron:
 * walk the worker entry's static import graph and check what it can reach.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));
const SRC_MAIN = resolve(dirname(ENTRY), '..');
const IMPORT_RE =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const cand of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (existsSync(cand) && cand.endsWith('.ts')) return cand;
  }
  return null;
}

function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string;
      if (spec.startsWith('.')) {
        const next = resolveLocal(file, spec);
        if (next) todo.push(next);
      } else {
        packages.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string),
        );
      }
    }
  }
  return { files, packages };
}

describe('analysis worker import graph', () => {
  it('reaches the engine but never the store, better-sqlite3 or electron', () => {
    const { files, packages } = importGraph(ENTRY);
    expect([...files].some((f) => f.includes('/analysis/pipeline'))).toBe(true);
    expect([...files].filter((f) => f.startsWith(resolve(SRC_MAIN, 'db')))).toEqual([]);
    expect([...files].filter((f) => f.startsWith(resolve(SRC_MAIN, 'core')))).toEqual([]);
    expect(packages.has('better-sqlite3')).toBe(false);
    expect(packages.has('electron')).toBe(false);
  });
});
