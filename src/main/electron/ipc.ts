/**
 * Binds every contract channel to ipcMain.handle and forwards core events to the app's windows.
 * Each handler first checks the sender frame (top-level, app origin), then hands the raw payload to
 * core.dispatch, which validates it against the channel's schema. Nothing else crosses.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNEL_NAMES, EVENT_NAME_LIST, ipcEventName, ipcInvokeName } from '../../shared/channel-names';
import type { EventName, Result } from '../../shared';
import type { Core } from '../core/core-api';
import { isTrustedSender } from './sender';

export interface IpcBindingOptions {
  allowedOrigins: readonly string[];
  /** the windows that receive events */
  targets: () => WebContents[];
  log?: (msg: string) => void;
}

export function bindIpc(core: Core, opts: IpcBindingOptions): () => void {
  const log = opts.log ?? ((m: string) => console.warn(m));
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(ipcInvokeName(channel), async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event.senderFrame, opts.allowedOrigins)) {
        log(`[ipc] refused ${channel} from ${event.senderFrame?.url ?? 'an unknown frame'}`);
        return { ok: false, error: { code: 'E_FORBIDDEN', message: 'This window may not call the Performia API.' } };
      }
      return core.dispatch(channel, payload);
    });
  }
  const unsubscribers = EVENT_NAME_LIST.map((name: EventName) =>
    core.events.on(name, (payload: unknown) => {
      for (const wc of opts.targets()) {
        if (!wc.isDestroyed()) wc.send(ipcEventName(name), payload);
      }
    }),
  );
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(ipcInvokeName(channel));
    for (const u of unsubscribers) u();
  };
}
