/**
 * Server-Sent Events: every core event goes to every connected client as `event: <name>` with the
 * payload as JSON `data`. Heartbeat comments keep proxies and idle timers from closing the stream;
 * listeners are removed when the client goes away.
 */
import type { ServerResponse } from 'node:http';
import { EVENT_NAMES } from '../../shared';
import type { CoreEvents, Unsubscribe } from '../core/core-api';

/** per-client unsent bytes before the client is dropped */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function formatSse(event: string, data: unknown): string {
  // JSON.stringify never emits raw newlines, so one data line is always enough
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(events: CoreEvents, heartbeatMs: number) {
    for (const name of EVENT_NAMES) {
      this.unsubscribe.push(events.on(name, (payload) => this.broadcast(name, payload)));
    }
    this.timer = setInterval(() => this.write(': ping\n\n'), heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n: connected\n\n');
    this.clients.add(res);
    const drop = (): void => {
      this.clients.delete(res);
    };
    // not req 'close': an IncomingMessage closes as soon as its (empty) body was read, the response
    // closes when the client really goes away
    res.on('close', drop);
    res.on('error', drop);
  }

  broadcast(event: string, payload: unknown): void {
    this.write(formatSse(event, payload));
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (res.writableEnded || res.destroyed) {
        this.clients.delete(res);
        continue;
      }
      // a client that stopped reading would make us buffer without bound: cut it, EventSource reconnects
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
