/**
 * `npm run analyze` runs the CLI as a cached esbuild bundle on plain node (no tsx): it still writes a
 * schema-valid song map, a second run reuses the bundle, and an edited source rebuilds it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SongMapSchema } from '../src/shared/songmap';
import { encodeWav } from '../src/main/analysis/wav';
import pkg from '../package.json' with { type: 'json' };

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'analyze-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bundleDir = join(dir, 'bundle');

// plain node, no --import tsx: a TypeScript module anywhere on the path would fail to load
const analyze = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'scripts/analyze.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, PERFORMIA_CLI_BUNDLE_DIR: bundleDir },
  });

describe('npm run analyze', () => {
  it('is the bundled launcher, not tsx', () => {
    expect(pkg.scripts.analyze).toBe('node scripts/analyze.mjs');
  });

  it('writes a schema-valid song map from the bundle, and reuses the bundle on the next run', () => {
    const sr = 22050;
    const wav = join(dir, 'one.wav');
    writeFileSync(
      wav,
      encodeWav(Float32Array.from({ length: sr * 4 }, (_, i) => 0.3 * Math.sin(i / 4)), { sampleRate: sr, channels: 1 }),
    );
    const out = join(dir, 'maps');
    const first = analyze(wav, '--out', out);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/one\.wav: ok \d+ ms/);
    const map = JSON.parse(readFileSync(join(out, 'one.json'), 'utf8')) as unknown;
    expect(SongMapSchema.safeParse(map).success).toBe(true);
    const bundle = join(bundleDir, 'analyze.mjs');
    const builtAt = statSync(bundle).mtimeMs;

    const second = analyze(wav, '--out', out);
    expect(second.status).toBe(0);
    expect(statSync(bundle).mtimeMs).toBe(builtAt);

    const usage = analyze();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run analyze/);
  }, 120_000);
});
