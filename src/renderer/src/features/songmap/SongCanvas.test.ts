import { describe, expect, it, vi } from 'vitest';
import { onThemeChange } from './SongCanvas';

describe('onThemeChange', () => {
  it('fires when <html data-theme> changes, and no more once unsubscribed', async () => {
    const cb = vi.fn();
    const off = onThemeChange(cb);
    document.documentElement.dataset.theme = 'dark';
    await vi.waitFor(() => expect(cb).toHaveBeenCalledTimes(1));
    off();
    document.documentElement.dataset.theme = 'light';
    await new Promise((r) => setTimeout(r, 20));
    expect(cb).toHaveBeenCalledTimes(1);
  });
});
