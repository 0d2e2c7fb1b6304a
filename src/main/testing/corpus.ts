/**
 * Where the evaluation corpus lives for tests: `../shared/corpus` beside the repository (never copied
 * into it). Tests that need it skip, saying so once, when it is absent (a fresh clone elsewhere).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/corpus');
export const corpusPresent = existsSync(join(CORPUS_DIR, 'gt')) && existsSync(join(CORPUS_DIR, 'audio'));

/** true when the corpus is there; otherwise logs why `what` is skipped and returns false */
export function haveCorpus(what: string): boolean {
  if (!corpusPresent) console.warn(`${what} skipped: no evaluation corpus at ${CORPUS_DIR}`);
  return corpusPresent;
}

export const corpusAudio = (file: string): string => join(CORPUS_DIR, 'audio', file);
export const corpusGt = (id: string): string => join(CORPUS_DIR, 'gt', `${id}.gt.json`);

/** Decodes a corpus song to mono at the analysis rate through the app's own probe + decode path. */
export async function decodeCorpusAudio(file: string): Promise<Float32Array> {
  const { probeFile } = await import('../analysis/probe');
  const { decodeFile } = await import('../analysis/decode');
  const decoded = await decodeFile(await probeFile(corpusAudio(file)));
  return decoded.audio.samples;
}
