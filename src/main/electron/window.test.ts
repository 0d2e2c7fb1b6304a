/** The main window's webPreferences, with electron mocked: the security settings are really passed. */
import { describe, expect, it, vi } from 'vitest';

const created = vi.hoisted(() => [] as { webPreferences: Record<string, unknown> }[]);

vi.mock('electron', () => ({
  BrowserWindow: class {
    constructor(opts: { webPreferences: Record<string, unknown> }) {
      created.push(opts);
    }
    once(): void {}
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
  },
}));

import { createMainWindow } from './window';

describe('createMainWindow', () => {
  it('isolates and sandboxes the renderer and disables Blink’s Auxclick (middle-click opens nothing)', () => {
    createMainWindow({ preloadPath: '/app/preload/index.cjs', devUrl: null });
    expect(created).toHaveLength(1);
    expect(created[0].webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(created[0].webPreferences).not.toHaveProperty('webviewTag', true);
  });
});
