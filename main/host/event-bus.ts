/** The host's typed event bus: producers emit contract events, transports forward them. */
import type { EventName, EventPayload } from '../../preload/contract.js';

/** Receives one event's payload. */
export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

/** Typed publish/subscribe over the contract's events. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  /** Subscribes; returns the unsubscribe function. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const untyped = listener as (payload: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Delivers to every listener; one failing listener does not stop the others. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`switchboard: a listener of ${name} failed:`, error);
      }
    }
  }
}
