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

describe('chordTooltip', () => {
  it('names the chord with its confidence in words; the user’s own label has none', async () => {
    const { chordTooltip } = await import('./SongCanvas');
    const { effectiveMap } = await import('./effective');
    const { makeSongMap } = await import('../../test/fakeApi');
    const map = makeSongMap();
    map.chords[1].conf = 0.3;
    const m = effectiveMap(map, { chords: { '2': 'Cmaj7' } });
    expect(chordTooltip(m, 0)).toBe('Am — unsure · 70 %: an estimated 70 % chance that this chord is right');
    expect(chordTooltip(m, 1)).toBe('F — doubtful · 30 %: an estimated 30 % chance that this chord is right');
    expect(chordTooltip(m, 2)).toBe('Cmaj7 (your label)');
    expect(chordTooltip(m, null)).toBeUndefined();
  });
});
