// Assembles the hand-written WebAssembly (src/main/analysis/*.wat) into TypeScript modules holding the
// bytes, so every bundle (electron-vite, the CLI, the tests) carries them without an asset loader.
//   node scripts/build-wasm.mjs          write the modules
//   node scripts/build-wasm.mjs --check  exit 1 when a module is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const root = join(import.meta.dirname, '..');

/** .wat source → its generated module */
export const MODULES = [
  { wat: 'src/main/analysis/kweight.wat', ts: 'src/main/analysis/kweight-wasm.ts', name: 'KWEIGHT_WASM' },
];

/** The binary of a .wat file (SIMD enabled). */
export async function assemble(watPath) {
  const w = await wabt();
  const parsed = w.parseWat(watPath, readFileSync(join(root, watPath), 'utf8'), { simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** The TypeScript module for a binary. */
export function render({ wat, name }, bytes) {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,100}/g) ?? [];
  return [
    `// Generated from ${wat.split('/').pop()} by scripts/build-wasm.mjs (wabt). Do not edit.`,
    `export const ${name} =`,
    ...lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const m of MODULES) {
    const text = render(m, await assemble(m.wat));
    const path = join(root, m.ts);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // not written yet
    }
    if (current === text) continue;
    if (check) {
      console.error(`${m.ts} is stale: run node scripts/build-wasm.mjs`);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${m.ts}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
