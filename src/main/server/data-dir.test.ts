import { describe, expect, it } from 'vitest';
import { defaultDataDir } from './data-dir';

describe('defaultDataDir', () => {
  it('uses XDG_DATA_HOME on Linux when it is absolute', () => {
    expect(defaultDataDir({ platform: 'linux', env: { XDG_DATA_HOME: '/x/data' }, homedir: '/home/u' })).toBe('/x/data/Performia');
  });
  it('ignores a relative XDG_DATA_HOME and falls back to ~/.local/share', () => {
    expect(defaultDataDir({ platform: 'linux', env: { XDG_DATA_HOME: 'rel/dir' }, homedir: '/home/u' })).toBe(
      '/home/u/.local/share/Performia',
    );
    expect(defaultDataDir({ platform: 'freebsd', env: {}, homedir: '/home/u' })).toBe('/home/u/.local/share/Performia');
  });
  it('uses Application Support on macOS', () => {
    expect(defaultDataDir({ platform: 'darwin', env: { XDG_DATA_HOME: '/ignored' }, homedir: '/Users/u' })).toBe(
      '/Users/u/Library/Application Support/Performia',
    );
  });
  it('uses %APPDATA% on Windows, or its usual place when unset', () => {
    expect(defaultDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, homedir: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Performia',
    );
    expect(defaultDataDir({ platform: 'win32', env: {}, homedir: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\Performia');
  });
});
