/** The main window: sandboxed, context-isolated, no Node in the renderer, app content over app://. */
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from './sender';

export function createMainWindow(opts: { preloadPath: string; devUrl: string | null }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 520,
    show: false,
    title: 'Performia',
    backgroundColor: '#101114',
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

export const preloadPathFrom = (mainDir: string): string => join(mainDir, '../preload/index.cjs');
