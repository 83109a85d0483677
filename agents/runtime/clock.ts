/**
 * Time as the runtime sees it: budgets, run timeouts, heartbeats and the registry's presence
 * sweep read and schedule through a `Clock`, so tests drive time with a controllable clock instead
 * of sleeping (test/helpers/test-clock.ts). The system clock adds no allocation: its methods are
 * the platform's timers, unref'd: a deadline or a heartbeat is never the only thing keeping a
 * process alive (whatever it guards holds a connection, a socket or a child process).
 */

declare const timerBrand: unique symbol;

/** A pending timer; only the clock that made it can clear it. */
export type TimerHandle = { readonly [timerBrand]: true };

/** Reads the time and schedules callbacks. */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Calls `callback` once, `ms` from now. Timers never keep the process alive on their own. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Calls `callback` every `ms`. */
  setInterval(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timeout or an interval; a fired or cleared one is ignored. */
  clear(timer: TimerHandle): void;
  /** Resolves `ms` from now. */
  sleep(ms: number): Promise<void>;
}

/** The real time and the platform's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref() as unknown as TimerHandle,
  setInterval: (callback, ms) => setInterval(callback, ms).unref() as unknown as TimerHandle,
  clear: (timer) => clearTimeout(timer as unknown as NodeJS.Timeout),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};
