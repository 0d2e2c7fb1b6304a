/** Test helper: writes a 16-bit PCM mono WAV (sine + clicks), enough for the engine to chew on. */
import { writeFileSync } from 'node:fs';

export function wavBytes(opts: {
  seconds: number;
  sampleRate?: number;
  freq?: number;
  bpm?: number;
}): Buffer {
  const sr = opts.sampleRate ?? 22050;
  const n = Math.max(1, Math.round(opts.seconds * sr));
  const freq = opts.freq ?? 440;
  const beatEvery = opts.bpm ? Math.round((60 / opts.bpm) * sr) : 0;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sr, 24);
  buf.writeUInt32LE(sr * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    let v = 0.3 * Math.sin((2 * Math.PI * freq * i) / sr);
    if (beatEvery > 0 && i % beatEvery < sr * 0.01) v += 0.5 * (1 - (i % beatEvery) / (sr * 0.01));
    buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), 44 + i * 2);
  }
  return buf;
}

export function writeWav(
  path: string,
  opts: { seconds: number; sampleRate?: number; freq?: number; bpm?: number },
): string {
  writeFileSync(path, wavBytes(opts));
  return path;
}
