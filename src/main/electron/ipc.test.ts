import { beforeEach, describe, expect, it, vi } from 'vitest';

const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (name: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => handlers.set(name, fn),
    removeHandler: (name: string) => handlers.delete(name),
  },
}));

import { CHANNEL_NAMES, ipcEventName, ipcInvokeName } from '../../shared/channel-names';
import type { Core } from '../core/core-api';
import { bindIpc } from './ipc';
import { APP_ORIGIN } from './sender';

function fakeCore() {
  const listeners = new Map<string, (p: unknown) => void>();
  const dispatch = vi.fn(async (channel: string, payload: unknown) => ({ ok: true, value: { channel, payload } }));
  const core = {
    dispatch,
    events: { on: (name: string, fn: (p: unknown) => void) => (listeners.set(name, fn), () => listeners.delete(name)) },
  } as unknown as Core;
  return { core, dispatch, listeners };
}

const appFrame = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };

describe('bindIpc', () => {
  beforeEach(() => handlers.clear());

  it('registers one handler per contract channel', () => {
    const { core } = fakeCore();
    bindIpc(core, { allowedOrigins: [APP_ORIGIN], targets: () => [] });
    expect([...handlers.keys()].sort()).toEqual(CHANNEL_NAMES.map(ipcInvokeName).sort());
  });

  it('passes calls from the app frame to dispatch unchanged (validation happens there)', async () => {
    const { core, dispatch } = fakeCore();
    bindIpc(core, { allowedOrigins: [APP_ORIGIN], targets: () => [] });
    const r = await handlers.get(ipcInvokeName('jobs.get'))!(appFrame, { id: 'x' });
    expect(dispatch).toHaveBeenCalledWith('jobs.get', { id: 'x' });
    expect(r).toEqual({ ok: true, value: { channel: 'jobs.get', payload: { id: 'x' } } });
  });

  it('refuses foreign frames, iframes and missing frames without reaching the core', async () => {
    const { core, dispatch } = fakeCore();
    bindIpc(core, { allowedOrigins: [APP_ORIGIN], targets: () => [], log: () => {} });
    const h = handlers.get(ipcInvokeName('jobs.delete'))!;
    for (const event of [
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: {} } },
      { senderFrame: null },
      {},
    ]) {
      const r = (await h(event, { ids: ['a'] })) as { ok: boolean; error: { code: string } };
      expect(r.ok).toBe(false);
      expect(r.error.code).toBe('E_FORBIDDEN');
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('forwards core events to live windows only, and unbinds', () => {
    const { core, listeners } = fakeCore();
    const live = { isDestroyed: () => false, send: vi.fn() };
    const dead = { isDestroyed: () => true, send: vi.fn() };
    const unbind = bindIpc(core, { allowedOrigins: [APP_ORIGIN], targets: () => [live, dead] as never });
    listeners.get('jobs.removed')!({ ids: ['a'] });
    expect(live.send).toHaveBeenCalledWith(ipcEventName('jobs.removed'), { ids: ['a'] });
    expect(dead.send).not.toHaveBeenCalled();
    unbind();
    expect(handlers.size).toBe(0);
    expect(listeners.size).toBe(0);
  });
});
