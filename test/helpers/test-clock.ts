// A clock that moves only when a test says so: budgets, run timeouts, heartbeats and presence
// sweeps take it (agents/runtime/clock.ts) and the test advances time instead of sleeping.
import type { Clock, TimerHandle } from '../../agents/runtime/clock.js';

interface Timer {
  at: number;
  every: number | null;
  callback: () => void;
}

/** A controllable {@link Clock}: `advance(ms)` fires what falls due, in time order. */
export class TestClock implements Clock {
  private time: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.add({ at: this.time + Math.max(0, ms), every: null, callback });
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    return this.add({ at: this.time + every, every, callback });
  }

  clear(timer: TimerHandle): void {
    this.timers.delete(timer as unknown as number);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, firing each timer that falls due at its own time, in order, and
   * letting the promise callbacks it starts run before the next one fires.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`TestClock.advance needs a duration of 0 ms or more, got ${ms}.`);
    const end = this.time + ms;
    for (let due = this.nextDue(end); due; due = this.nextDue(end)) {
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.every === null) this.timers.delete(id);
      else timer.at += timer.every;
      timer.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }

  private add(timer: Timer): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, timer);
    return id as unknown as TimerHandle;
  }

  /** The earliest timer due by `end` (the first scheduled among equals). */
  private nextDue(end: number): [number, Timer] | null {
    let best: [number, Timer] | null = null;
    for (const entry of this.timers) {
      if (entry[1].at <= end && (!best || entry[1].at < best[1].at)) best = entry;
    }
    return best;
  }
}

/** Lets pending promise callbacks (and the I/O callbacks of this turn) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
