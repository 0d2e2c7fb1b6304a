/**
 * The tuning scripts' decode: a file to 22050 Hz mono float with the bundled ffmpeg, kept in a cache
 * file so that a tuning loop decodes each song once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { ANALYSIS_SR } from '../src/main/analysis/stages';

export function decodeCached(audioPath: string, cacheFile: string): Float32Array {
  if (!existsSync(cacheFile)) {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const out = execFileSync(
      ffmpeg.path,
      [
        '-nostdin',
        '-v',
        'error',
        '-i',
        audioPath,
        '-ac',
        '1',
        '-ar',
        String(ANALYSIS_SR),
        '-f',
        'f32le',
        '-',
      ],
      { maxBuffer: 1 << 30 },
    );
    writeFileSync(cacheFile, out);
  }
  const buf = readFileSync(cacheFile);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}
