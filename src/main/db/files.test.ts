import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, ownedFileSize, removeOwnedFiles } from './files';
import { tempDir } from './test-helpers';

describe('owned files', () => {
  it('isInside accepts only paths strictly below the folder', () => {
    expect(isInside('/data/uploads', '/data/uploads/a.wav')).toBe(true);
    expect(isInside('/data/uploads', '/data/uploads/sub/b.wav')).toBe(true);
    expect(isInside('/data/uploads', '/data/uploads')).toBe(false);
    expect(isInside('/data/uploads', '/data/uploads/../secret.wav')).toBe(false);
    expect(isInside('/data/uploads', '/data/uploads-evil/a.wav')).toBe(false);
    expect(isInside('/data/uploads', '/home/me/a.wav')).toBe(false);
  });

  it('sizes and removes only files inside uploads; a missing file is not an error', () => {
    const dir = tempDir();
    const uploads = path.join(dir, 'uploads');
    fs.mkdirSync(uploads);
    const mine = path.join(uploads, 'x.wav');
    const theirs = path.join(dir, 'y.wav');
    fs.writeFileSync(mine, Buffer.alloc(123));
    fs.writeFileSync(theirs, Buffer.alloc(7));
    expect(ownedFileSize(uploads, mine)).toBe(123);
    expect(ownedFileSize(uploads, theirs)).toBe(0);
    expect(ownedFileSize(uploads, path.join(uploads, 'gone.wav'))).toBe(0);
    expect(removeOwnedFiles(uploads, [mine, theirs, path.join(uploads, 'gone.wav')])).toBe(1);
    expect(fs.existsSync(mine)).toBe(false);
    expect(fs.existsSync(theirs)).toBe(true);
  });
});
