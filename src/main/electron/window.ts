/** The main window: sandboxed, context-isolated, no Node in the renderer, app content over app://. */
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from './sender';

export function createMainWindow(opts: { preloadPath: string; devUrl: string | null }): BrowserWindow {
  // electronegativity's REMOTE_MODULE_JS_CHECK is a false positive here: run on `src` it cannot read our
  // Electron version (45) and assumes 0.1.0, where `remote` was on by default; the module was removed in
  // Electron 14, so there is no `enableRemoteModule` left to set.
  const win = new BrowserWindow({ /* eng-disable REMOTE_MODULE_JS_CHECK */
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 520,
    show: false,
    title: 'Performia',
    backgroundColor: '#101114',
    webPreferences: {
      // reviewed (electronegativity PRELOAD_JS_CHECK): why the preload is safe is written in src/preload/index.ts
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // no `auxclick` events: a middle-click must not open anything (Electron security checklist)
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

export const preloadPathFrom = (mainDir: string): string => join(mainDir, '../preload/index.cjs');
