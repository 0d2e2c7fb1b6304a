import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandPaths, isAudioName } from './expand';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'performia-expand-'));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

const touch = (p: string, bytes = 'x') => {
  writeFileSync(p, bytes);
  return p;
};

describe('isAudioName', () => {
  it('matches audio extensions case-insensitively and nothing else', () => {
    for (const n of [
      'a.mp3',
      'B.WAV',
      'c.flac',
      'd.Ogg',
      'e.opus',
      'f.m4a',
      'g.aiff',
      'h.wma',
      'i.webm',
      'j.mp4',
      'k.oga',
      'l.aac',
      'm.aif',
    ]) {
      expect(isAudioName(n), n).toBe(true);
    }
    for (const n of ['a.txt', 'mp3', '.mp3', 'a.mp3.txt', 'a', 'a.jpg'])
      expect(isAudioName(n), n).toBe(false);
  });
});

describe('expandPaths', () => {
  it('walks folders recursively, keeps audio, rejects the rest with codes', async () => {
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    touch(join(dir, 'one.mp3'));
    touch(join(dir, 'notes.txt'));
    touch(join(dir, '.DS_Store'));
    touch(join(dir, 'sub', 'two.FLAC'));
    touch(join(dir, 'sub', 'deeper', 'three.wav'));
    const r = await expandPaths([dir]);
    expect(r.files.map((f) => f.fileName).sort()).toEqual(['one.mp3', 'three.wav', 'two.FLAC']);
    expect(r.rejected).toEqual([
      { path: join(dir, 'notes.txt'), code: 'E_UNSUPPORTED_FORMAT', message: expect.any(String) },
    ]);
    expect(r.files[0]?.sizeBytes).toBe(1);
  });

  it('explicitly named files become jobs whatever the extension; missing ones are rejected', async () => {
    const odd = touch(join(dir, 'weird.bin'));
    const r = await expandPaths([odd, join(dir, 'missing.mp3'), 'relative/x.mp3']);
    expect(r.files.map((f) => f.path)).toEqual([odd]);
    expect(r.rejected.map((x) => x.code)).toEqual(['E_NOT_FOUND', 'E_INVALID_REQUEST']);
  });

  it('handles unicode, spaces and a leading dash in names', async () => {
    const names = ['Ünïcødé – 曲.mp3', 'with space.wav', '-rf.flac', '--help.mp3'];
    for (const n of names) touch(join(dir, n));
    const r = await expandPaths([dir, join(dir, '-rf.flac')]);
    expect(r.files.map((f) => f.fileName).sort()).toEqual([...names].sort());
    expect(r.rejected).toEqual([]);
  });

  it('follows no symlink loop and reports a self-referencing link', async () => {
    mkdirSync(join(dir, 'a'));
    touch(join(dir, 'a', 'x.mp3'));
    symlinkSync(dir, join(dir, 'a', 'up')); // a/up → dir: a loop
    symlinkSync(join(dir, 'self'), join(dir, 'self')); // ELOOP
    const r = await expandPaths([dir]);
    expect(r.files.map((f) => f.fileName)).toEqual(['x.mp3']);
    expect(r.rejected.map((x) => x.code)).toContain('E_SYMLINK_LOOP');
    const direct = await expandPaths([join(dir, 'self')]);
    expect(direct.rejected[0]?.code).toBe('E_SYMLINK_LOOP');
  });

  it('dedupes the same file given twice or through a link', async () => {
    const f = touch(join(dir, 'x.mp3'));
    symlinkSync(f, join(dir, 'link.mp3'));
    const r = await expandPaths([f, f, join(dir, 'link.mp3')]);
    expect(r.files).toHaveLength(1);
  });

  it('rejects FIFOs and devices up front', async () => {
    const fifo = join(dir, 'pipe.mp3');
    execFileSync('mkfifo', [fifo]);
    const r = await expandPaths([fifo, '/dev/zero', dir]);
    expect(r.files).toEqual([]);
    expect(r.rejected.map((x) => x.code)).toEqual([
      'E_NOT_REGULAR_FILE',
      'E_NOT_REGULAR_FILE',
      'E_NOT_REGULAR_FILE',
    ]);
  });

  it('caps depth and count', async () => {
    let p = dir;
    for (let i = 0; i < 5; i++) {
      p = join(p, `d${i}`);
      mkdirSync(p);
      touch(join(p, `f${i}.mp3`));
    }
    const deep = await expandPaths([dir], { maxDepth: 2 });
    expect(deep.files).toHaveLength(2);
    expect(deep.rejected.some((x) => x.code === 'E_TOO_LARGE')).toBe(true);
    const many = await expandPaths([dir], { maxFiles: 3 });
    expect(many.files).toHaveLength(3);
    expect(many.rejected.at(-1)?.code).toBe('E_TOO_LARGE');
  });

  it.skipIf(process.getuid?.() === 0)('reports unreadable folders as E_PERMISSION', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    touch(join(locked, 'x.mp3'));
    chmodSync(locked, 0o000);
    const r = await expandPaths([locked]);
    chmodSync(locked, 0o755);
    expect(r.rejected[0]?.code).toBe('E_PERMISSION');
  });
});
