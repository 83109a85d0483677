/**
 * The one typed emitter: the runtime's events (RuntimeEventBus) and the host's contract events
 * (EventBus) are both this class over their own map. Isomorphic, so no Node `EventEmitter`.
 */

/** Receives every event of a map, in order, with its name (the recorder, the CLI summary). */
export type AnyListener<Events> = <E extends keyof Events & string>(name: E, payload: Events[E]) => void;

/** Where a listener's failure goes; the default writes it to the console, as both buses always did. */
export type ListenerFailureReporter = (name: string, error: unknown) => void;

// The isomorphic layer compiles without DOM or Node typings, yet every host it runs in has a console.
const consoleOf = (globalThis as { console?: { error(...args: unknown[]): void } }).console;
const reportToConsole: ListenerFailureReporter = (name, error) => consoleOf?.error(`switchboard: a listener of ${name} failed:`, error);

/** A typed emitter over an event map: per-name listeners, catch-all listeners, and `wants()` for hot paths. */
export class TypedEmitter<Events extends object> {
  // Listeners stored per name; the map's type ties each set to its event's payload.
  private readonly named = new Map<keyof Events, Set<(payload: never) => void>>();
  private readonly all = new Set<AnyListener<Events>>();

  constructor(private readonly onListenerFailure: ListenerFailureReporter = reportToConsole) {}

  /** Listens to one event; returns the unsubscribe function. */
  on<E extends keyof Events & string>(name: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.named.get(name);
    if (!set) this.named.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Listens to every event; returns the unsubscribe function. */
  onAny(listener: AnyListener<Events>): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  /** True when someone listens to `name` (lets hot paths skip building payloads): two lookups, no allocation. */
  wants(name: keyof Events & string): boolean {
    return this.all.size > 0 || (this.named.get(name)?.size ?? 0) > 0;
  }

  /** Delivers to every listener; one that throws is reported and the others still hear the event. */
  emit<E extends keyof Events & string>(name: E, payload: Events[E]): void {
    const named = this.named.get(name) as Set<(payload: Events[E]) => void> | undefined;
    if (named) for (const listener of named) this.deliver(name, () => listener(payload));
    for (const listener of this.all) this.deliver(name, () => listener(name, payload));
  }

  private deliver(name: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.onListenerFailure(name, error);
    }
  }
}
