import { describe, expect, it } from 'vitest';
import { fsErrorCode, fsErrorMessage } from './fs-errors';

describe('fs error mapping', () => {
  it('maps errno codes to app codes, with messages that name no path', () => {
    const cases: [string, string][] = [
      ['ENOENT', 'E_NOT_FOUND'],
      ['ENOTDIR', 'E_NOT_FOUND'],
      ['EACCES', 'E_PERMISSION'],
      ['EPERM', 'E_PERMISSION'],
      ['ELOOP', 'E_SYMLINK_LOOP'],
      ['EISDIR', 'E_NOT_REGULAR_FILE'],
      ['EIO', 'E_INTERNAL'],
    ];
    for (const [errno, code] of cases) {
      const err = Object.assign(new Error(`${errno}: open '/home/someone/secret.mp3'`), { code: errno });
      expect(fsErrorCode(err)).toBe(code);
      expect(fsErrorMessage(fsErrorCode(err))).not.toContain('/');
    }
    expect(fsErrorCode(null)).toBe('E_INTERNAL');
    expect(fsErrorCode('boom')).toBe('E_INTERNAL');
  });
});
