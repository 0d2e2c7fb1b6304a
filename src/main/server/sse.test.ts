import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared';
import type { CoreEvents } from '../core/core-api';
import { formatSse, MAX_BUFFERED_BYTES, SseHub } from './sse';

function fakeEvents(): CoreEvents & { emit: (e: EventName, p: unknown) => void; count: () => number } {
  const ls = new Map<string, Set<(p: unknown) => void>>();
  return {
    on: (e, l) => {
      if (!ls.has(e)) ls.set(e, new Set());
      ls.get(e)!.add(l as (p: unknown) => void);
      return () => void ls.get(e)!.delete(l as (p: unknown) => void);
    },
    emit: (e, p) => ls.get(e)?.forEach((l) => l(p)),
    count: () => [...ls.values()].reduce((n, s) => n + s.size, 0),
  };
}

function fakeRes(writableLength = 0): ServerResponse & { written: string[]; destroyedFlag: boolean } {
  const res = {
    written: [] as string[],
    destroyedFlag: false,
    writableEnded: false,
    get destroyed() {
      return this.destroyedFlag;
    },
    writableLength,
    writeHead: () => res,
    flushHeaders: () => {},
    write(t: string) {
      this.written.push(t);
      return true;
    },
    on: () => res,
    end() {
      this.writableEnded = true;
    },
    destroy() {
      this.destroyedFlag = true;
    },
  };
  return res as unknown as ServerResponse & { written: string[]; destroyedFlag: boolean };
}

describe('SseHub', () => {
  it('formats one event per block with JSON data on one line', () => {
    expect(formatSse('job.progress', { id: 'a', note: 'x\ny' })).toBe('event: job.progress\ndata: {"id":"a","note":"x\\ny"}\n\n');
  });

  it('forwards core events to clients, drops a client that stopped reading, and unsubscribes on close', () => {
    const ev = fakeEvents();
    const hub = new SseHub(ev, 60_000);
    expect(ev.count()).toBe(5); // job.updated, job.progress, jobs.removed, db.restored, app.notice
    const good = fakeRes();
    const stuck = fakeRes(MAX_BUFFERED_BYTES + 1);
    hub.attach(good);
    hub.attach(stuck);
    ev.emit('jobs.removed', { ids: ['x'] });
    expect(good.written.at(-1)).toBe('event: jobs.removed\ndata: {"ids":["x"]}\n\n');
    expect(stuck.destroyedFlag).toBe(true);
    expect(hub.size).toBe(1);
    hub.close();
    expect(ev.count()).toBe(0);
    expect(good.writableEnded).toBe(true);
  });
});
