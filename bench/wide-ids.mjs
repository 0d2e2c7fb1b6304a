#!/usr/bin/env node
// Ids of a wide set (../shared/corpus/tools/sets/wide.mjs) that can be built here: every song except the
// ones drawn with the FluidR3_GS soundfont (Debian's FluidR3_GS.sf2 holds only GS variation presets, so
// FluidSynth renders them silent and the build rejects them after rendering).
//   node bench/wide-ids.mjs [--count 560] [--seed 7] [--tools ../shared/corpus/tools]
//   ../shared/corpus/tools/build.sh wide /work/wide --count 560 --seed 7 --only "$(node bench/wide-ids.mjs)"
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, dflt) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const count = arg('count', '560');
const seed = arg('seed', '7');
const tools = path.resolve(arg('tools', path.join(import.meta.dirname, '../../shared/corpus/tools')));
// the manifest reads --count / --seed from process.argv
process.argv.push('--count', count, '--seed', seed);
const songs = (await import(pathToFileURL(path.join(tools, 'sets/wide.mjs')).href)).default;
const ok = songs.filter((s) => s.soundfont !== 'FluidR3_GS').map((s) => s.id);
process.stdout.write(ok.join(',') + '\n');
console.error(`${ok.length} of ${songs.length} songs (${songs.length - ok.length} FluidR3_GS left out)`);
