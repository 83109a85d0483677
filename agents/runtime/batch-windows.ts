/**
 * Seed 002's batch window, apart from messaging so it is tested with a fake clock: the first item
 * opens a window, which closes when `size` items wait or `timeoutMs` after it opened, whichever
 * comes first; items after a close open the next window. Windows are kept per key (an agent
 * instance), so replicas sharing one handler batch their own requests. After `close()` nothing
 * waits: what was waiting is handed on at once, and each later item is a batch of one.
 */
import type { Clock, TimerHandle } from './clock.js';

/** Seed 002's `batch_size` / `batch_timeout` (the topology's `batch`). */
export interface BatchSettings {
  size: number;
  timeoutMs: number;
}

/** Why a window closed: full, its time was up, or the agent is stopping. */
export type WindowCloseReason = 'size' | 'timeout' | 'stop';

interface Open<T> {
  items: T[];
  timer: TimerHandle;
}

/** Collects items into windows and hands each closed window to `onClose`. */
export class BatchWindows<K, T> {
  private readonly open = new Map<K, Open<T>>();
  private closed = false;

  constructor(
    private readonly settings: BatchSettings,
    private readonly clock: Clock,
    private readonly onClose: (key: K, items: T[], reason: WindowCloseReason) => void,
  ) {}

  /** Adds `item` to `key`'s open window (opening one if none is open). */
  add(key: K, item: T): void {
    if (this.closed) return this.onClose(key, [item], 'stop');
    let window = this.open.get(key);
    if (!window) {
      window = { items: [], timer: this.clock.setTimeout(() => this.flush(key, 'timeout'), this.settings.timeoutMs) };
      this.open.set(key, window);
    }
    window.items.push(item);
    if (window.items.length >= this.settings.size) this.flush(key, 'size');
  }

  /** Items waiting in `key`'s open window. */
  waiting(key: K): number {
    return this.open.get(key)?.items.length ?? 0;
  }

  /** Closes every open window now (the agent is stopping); later items are not held. */
  close(): void {
    this.closed = true;
    for (const key of [...this.open.keys()]) this.flush(key, 'stop');
  }

  private flush(key: K, reason: WindowCloseReason): void {
    const window = this.open.get(key);
    if (!window) return;
    this.open.delete(key);
    this.clock.clear(window.timer);
    this.onClose(key, window.items, reason);
  }
}
