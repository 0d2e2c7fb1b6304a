import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile, hashFile, probeFile, sniffFormat } from './probe';
import { encodeWav } from './wav';
import { codeOf } from '../testing/code-of';

const dir = mkdtempSync(join(tmpdir(), 'probe-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const bytes = (hex: string, pad = 64): Buffer =>
  Buffer.concat([Buffer.from(hex.replace(/\s/g, ''), 'hex'), Buffer.alloc(pad)]);
const ascii = (s: string, pad = 64): Buffer => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(pad)]);

describe('sniffFormat (magic bytes, never the extension)', () => {
  it('recognises each container', () => {
    expect(sniffFormat(encodeWav(new Float32Array(4), { sampleRate: 8000, channels: 1 }))).toBe('wav');
    expect(sniffFormat(ascii('RF64\xff\xff\xff\xffWAVEds64'))).toBe('wav');
    expect(sniffFormat(ascii('FORM\0\0\0\0AIFFCOMM'))).toBe('aiff');
    expect(sniffFormat(ascii('FORM\0\0\0\0AIFCFVER'))).toBe('aiff');
    expect(sniffFormat(ascii('fLaC\0\0\0\x22'))).toBe('flac');
    expect(sniffFormat(ascii('OggS\0\x02'))).toBe('ogg');
    expect(sniffFormat(ascii('\0\0\0\x20ftypM4A '))).toBe('mp4');
    expect(sniffFormat(bytes('3026b2758e66cf11a6d900aa0062ce6c'))).toBe('asf');
    expect(sniffFormat(bytes('1a45dfa3'))).toBe('webm');
    expect(sniffFormat(bytes('fffb9064'))).toBe('mp3'); // MPEG-1 layer III frame header
    expect(sniffFormat(bytes('fff15080'))).toBe('aac'); // ADTS
  });
  it('finds the MPEG frame after an ID3v2 tag', () => {
    const tag = Buffer.concat([ascii('ID3\x04\0\0\0\0\0\x0a', 0), Buffer.alloc(10), bytes('fffb9064')]);
    expect(sniffFormat(tag)).toBe('mp3');
  });
  it('rejects non-audio', () => {
    expect(sniffFormat(ascii('%PDF-1.7 hello'))).toBeNull();
    expect(sniffFormat(bytes('89504e470d0a1a0a'))).toBeNull(); // PNG
    expect(sniffFormat(ascii('just some text that is not audio at all'))).toBeNull();
    expect(sniffFormat(bytes('fffbf000'))).toBeNull(); // sync bits but bitrate index 15 (invalid)
    expect(sniffFormat(bytes('fffb900c'.slice(0, 4) + '9c00'))).toBeNull(); // reserved sample-rate index 3
    expect(sniffFormat(Buffer.from([1, 2]))).toBeNull();
  });
});

describe('checkFile / probeFile on hostile paths', () => {
  const wav = join(dir, 'ok.wav');
  writeFileSync(wav, encodeWav(new Float32Array(8000), { sampleRate: 8000, channels: 1 }));

  it('accepts a regular file and reports size and mtime', async () => {
    const c = await checkFile(wav);
    expect(c.sizeBytes).toBe(16044);
    expect(c.mtimeMs).toBeGreaterThan(0);
  });
  it('missing → E_NOT_FOUND; path through a file → E_NOT_FOUND', async () => {
    expect(await codeOf(checkFile(join(dir, 'nope.mp3')))).toBe('E_NOT_FOUND');
    expect(await codeOf(checkFile(join(wav, 'x.mp3')))).toBe('E_NOT_FOUND');
  });
  it('directory, /dev/zero and a FIFO → E_NOT_REGULAR_FILE without blocking', async () => {
    const fifo = join(dir, 'pipe.mp3');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(dir, 'folder.mp3'));
    for (const p of [join(dir, 'folder.mp3'), '/dev/zero', fifo])
      expect(await codeOf(checkFile(p))).toBe('E_NOT_REGULAR_FILE');
  }, 5000);
  it('symlink loop → E_SYMLINK_LOOP', async () => {
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    expect(await codeOf(checkFile(join(dir, 'loop-a')))).toBe('E_SYMLINK_LOOP');
  });
  it('empty → E_EMPTY, over the cap → E_TOO_LARGE', async () => {
    writeFileSync(join(dir, 'empty.mp3'), '');
    expect(await codeOf(checkFile(join(dir, 'empty.mp3')))).toBe('E_EMPTY');
    expect(await codeOf(checkFile(wav, { maxBytes: 1000 }))).toBe('E_TOO_LARGE');
  });
  it('expected size/mtime mismatch → E_FILE_CHANGED; deleted since → E_FILE_CHANGED', async () => {
    const c = await checkFile(wav);
    expect(
      await codeOf(checkFile(wav, { expected: { sizeBytes: c.sizeBytes + 1, mtimeMs: c.mtimeMs } })),
    ).toBe('E_FILE_CHANGED');
    expect(
      await codeOf(checkFile(wav, { expected: { sizeBytes: c.sizeBytes, mtimeMs: c.mtimeMs - 5000 } })),
    ).toBe('E_FILE_CHANGED');
    expect(await codeOf(checkFile(join(dir, 'gone.wav'), { expected: { sizeBytes: 1, mtimeMs: 1 } }))).toBe(
      'E_FILE_CHANGED',
    );
    expect(await codeOf(checkFile(wav, { expected: { sizeBytes: c.sizeBytes, mtimeMs: c.mtimeMs } }))).toBe(
      'resolved',
    );
  });
  it('unreadable (chmod 000) → E_PERMISSION', async (ctx) => {
    const p = join(dir, 'locked.wav');
    writeFileSync(p, encodeWav(new Float32Array(100), { sampleRate: 8000, channels: 1 }));
    chmodSync(p, 0o000);
    if (process.getuid?.() === 0) {
      ctx.skip(); // root reads through chmod 000: EACCES cannot happen here
      return;
    }
    expect(await codeOf(checkFile(p))).toBe('E_PERMISSION');
  });
  it('non-audio renamed .mp3 → E_UNSUPPORTED_FORMAT', async () => {
    const p = join(dir, 'song.mp3');
    writeFileSync(p, '<html><body>definitely not an mp3</body></html>\n'.repeat(50));
    expect(await codeOf(probeFile(p))).toBe('E_UNSUPPORTED_FORMAT');
  });
  it('probes a WAV: format from magic, channels and rate from the header', async () => {
    const p = await probeFile(wav);
    expect(p.format).toBe('wav');
    expect(p.tags.source_sample_rate).toBe(8000);
    expect(p.tags.source_channels).toBe(1);
    expect(p.durationSec).toBeCloseTo(1, 3);
  });
});

describe('hashFile', () => {
  it('streams SHA-256 of the bytes', async () => {
    const p = join(dir, 'abc.bin');
    writeFileSync(p, 'abc');
    expect(await hashFile(p)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(hashFile(join(dir, 'abc.bin'), ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
