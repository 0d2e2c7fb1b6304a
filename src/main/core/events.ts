/** The core's typed event bus. A throwing listener (a closed window, a dead SSE client) never breaks the others. */
import type { EventName, EventPayload } from '../../shared';
import type { CoreEvents, Unsubscribe } from './core-api';

type Listener = (payload: never) => void;

export class EventBus implements CoreEvents {
  private readonly listeners = new Map<EventName, Set<Listener>>();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const l = listener as Listener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (p: EventPayload<E>) => void)(payload);
      } catch (err) {
        console.error(`[core] listener for ${event} threw:`, err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
