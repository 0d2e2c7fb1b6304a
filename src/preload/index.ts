/**
 * The preload: exposes `window.performia` (type PerformiaApi from src/shared/contract.ts), built from the
 * contract's channel list. The renderer never sees ipcRenderer. Runs sandboxed (CommonJS, no Node APIs
 * beyond what Electron allows in sandboxed preloads), so it imports only the zod-free name lists.
 *
 * Why this preload is safe (reviewed for electronegativity's PRELOAD_JS_CHECK, the one MEDIUM finding left):
 * - it runs with contextIsolation + sandbox (src/main/electron/window.ts), so the page cannot reach into it
 *   or patch the objects it uses, and it has no Node APIs;
 * - it exposes three functions, never ipcRenderer, Electron objects or a generic send/invoke: `invoke` takes
 *   only a channel in the contract's fixed list (anything else answers E_UNKNOWN_CHANNEL without IPC), `on`
 *   only a listed event and passes the payload alone (never the IpcRendererEvent, whose `sender` would
 *   reach ipcRenderer), `getPathForFile` only a dropped File's path;
 * - what it forwards is not trusted by the other side: every main-process handler checks the sender is the
 *   app's own top-level frame and validates the payload against the contract's zod schema
 *   (src/main/electron/ipc.ts, sender.ts).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { CHANNEL_NAMES, EVENT_NAME_LIST, ipcEventName, ipcInvokeName } from '../shared/channel-names';

const channels = new Set<string>(CHANNEL_NAMES);
const eventNames = new Set<string>(EVENT_NAME_LIST);

const api = {
  mode: 'electron' as const,
  invoke(channel: string, request: unknown): Promise<unknown> {
    if (!channels.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'E_UNKNOWN_CHANNEL', message: `Unknown channel ${channel}` } });
    }
    return ipcRenderer.invoke(ipcInvokeName(channel), request);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!eventNames.has(event) || typeof listener !== 'function') return () => {};
    const wrapped = (_e: Electron.IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(ipcEventName(event), wrapped);
    return () => ipcRenderer.removeListener(ipcEventName(event), wrapped);
  },
  getPathForFile(file: File): string | null {
    try {
      return webUtils.getPathForFile(file) || null;
    } catch {
      return null;
    }
  },
};

contextBridge.exposeInMainWorld('performia', api);
