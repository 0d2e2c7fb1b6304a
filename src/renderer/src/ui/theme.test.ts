import { afterEach, describe, expect, it, vi } from 'vitest';
import { followSystemScheme, setThemeAttributes } from './theme';

function fakeMedia(dark: boolean) {
  const listeners = new Set<() => void>();
  const mq = {
    matches: dark,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  vi.stubGlobal('matchMedia', () => mq);
  return {
    flip(toDark: boolean) {
      mq.matches = toDark;
      for (const l of listeners) l();
    },
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('theme attributes', () => {
  const html = document.documentElement;

  it('an explicit choice is its own scheme; system follows the OS', () => {
    fakeMedia(true);
    setThemeAttributes('light');
    expect([html.dataset.theme, html.dataset.scheme]).toEqual(['light', 'light']);
    setThemeAttributes('dark');
    expect([html.dataset.theme, html.dataset.scheme]).toEqual(['dark', 'dark']);
    setThemeAttributes('system');
    expect([html.dataset.theme, html.dataset.scheme]).toEqual(['system', 'dark']);
  });

  it('tracks an OS switch only while the theme is system', () => {
    const os = fakeMedia(false);
    const stop = followSystemScheme();
    setThemeAttributes('system');
    expect(html.dataset.scheme).toBe('light');
    os.flip(true);
    expect(html.dataset.scheme).toBe('dark');
    setThemeAttributes('light');
    os.flip(false);
    os.flip(true);
    expect(html.dataset.scheme).toBe('light');
    stop();
  });
});
