/**
 * Electron entry: thin glue over the plain-Node core (src/main/core). It creates the window, applies
 * the security checklist, serves the renderer over app://, binds the contract to IPC and forwards
 * events. Everything that does real work is in modules that never import electron.
 */
import { app, BrowserWindow, dialog, Notification } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from './core/core';
import type { Core } from './core/core-api';
import { bindIpc } from './electron/ipc';
import { handleProtocols, registerSchemes } from './electron/protocol';
import { hardenApp } from './electron/security';
import { APP_ORIGIN, originOf } from './electron/sender';
import { createMainWindow, preloadPathFrom } from './electron/window';
import { BatchProgress } from './electron/batch-progress';

const mainDir = dirname(fileURLToPath(import.meta.url));
const devUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const allowedOrigins = [APP_ORIGIN, ...(devUrl ? [originOf(devUrl)!] : [])];

// `--data-dir=<dir>` (tests, portable installs) moves the whole data folder: database, backups, uploads
const dataDirArg = process.argv.find((a) => a.startsWith('--data-dir='));
if (dataDirArg) app.setPath('userData', dataDirArg.slice('--data-dir='.length));

app.enableSandbox();
registerSchemes();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Core | null = null;
  let win: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.whenReady().then(async () => {
    hardenApp(allowedOrigins, devUrl);
    const c: Core = await createCore({
      dataDir: app.getPath('userData'),
      mode: 'electron',
      workerPath: join(mainDir, 'analysis-worker.js'),
      openDialog: async () => {
        const r = await dialog.showOpenDialog({
          title: 'Add audio',
          properties: ['openFile', 'openDirectory', 'multiSelections'],
          filters: [
            { name: 'Audio', extensions: ['mp3', 'wav', 'flac', 'ogg', 'oga', 'opus', 'm4a', 'aac', 'aif', 'aiff'] },
            { name: 'All files', extensions: ['*'] },
          ],
        });
        return r.canceled ? [] : r.filePaths;
      },
    });
    core = c;
    handleProtocols(c, join(mainDir, '../renderer'));
    bindIpc(c, {
      allowedOrigins,
      targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    });
    // taskbar / dock progress while a batch runs, and a notification when it ends
    const batch = new BatchProgress();
    c.events.on('job.updated', (job) => {
      const state = batch.update(job);
      if (!win || win.isDestroyed()) return;
      win.setProgressBar(state.active ? state.fraction : -1);
      if (state.finished && Notification.isSupported()) {
        new Notification({ title: 'Performia', body: state.finished }).show();
      }
    });
    win = createMainWindow({ preloadPath: preloadPathFrom(mainDir), devUrl });
    win.on('closed', () => (win = null));
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) {
        win = createMainWindow({ preloadPath: preloadPathFrom(mainDir), devUrl });
      }
    });
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (!core || closing) return;
    // finish writes and checkpoint before the process goes away
    event.preventDefault();
    closing = true;
    void core.close().finally(() => {
      core = null;
      app.quit();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
