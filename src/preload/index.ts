/**
 * The preload: exposes `window.performia` (type PerformiaApi from src/shared/contract.ts), built from the
 * contract's channel list. The renderer never sees ipcRenderer. Runs sandboxed (CommonJS, no Node APIs
 * beyond what Electron allows in sandboxed preloads), so it imports only the zod-free name lists.
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
