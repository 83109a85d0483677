/**
 * The one per-run read cache of the host's derived views (metrics, cycles, timeline): each keeps,
 * for the few runs asked about lately, a reader that has read the records it needs once and is
 * extended with what a live run appended since; a finished run read before is answered from
 * memory, without opening its store.
 */
import type { TraceStore, MetricsSource } from './trace-store.js';

/** How a cache reaches a run: whether it is recording, and its store (the active one, or opened from disk). */
export interface CachedRuns {
  isLive(runId: string): boolean;
  withStore<T>(runId: string, use: (store: TraceStore) => Promise<T>): Promise<T>;
}

/** What one run's reader has read, extended as the run grows; extensions run one after another. */
export abstract class RunReader {
  /** Records of the index looked at so far. */
  count = 0;
  /** Records read from disk so far (tests check that a second call reads only new ones). */
  reads = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly source: MetricsSource,
    /** Whether the run was recording when last read (then the next call reads again). */
    public live: boolean,
  ) {}

  /** Reads what records up to `n` add. */
  extend(n: number): Promise<void> {
    const next = this.pending.then(() => (n > this.count ? this.extendTo(n) : undefined));
    this.pending = next.catch(() => undefined);
    return next;
  }

  /** Reads records `count` … `n - 1` (those it needs) and sets `count` to `n`. */
  protected abstract extendTo(n: number): Promise<void>;
}

/** The readers of the runs asked about lately (a few: each holds what it read). */
export class RunReadCache<R extends RunReader> {
  private readonly entries = new Map<string, R>();

  constructor(
    /** A new reader for a run's store. */
    private readonly create: (store: TraceStore, live: boolean) => R,
    private readonly keep = 4,
  ) {}

  /** `answer` over `runId`'s reader, once it has read every record the run has now. */
  async get<T>(runId: string, runs: CachedRuns, answer: (reader: R, live: boolean) => T): Promise<T> {
    const live = runs.isLive(runId);
    const cached = this.entries.get(runId);
    if (cached && !live && !cached.live) {
      this.remember(runId, cached);
      return answer(cached, false);
    }
    try {
      return await runs.withStore(runId, async (store) => {
        const source = store.metricsSource();
        const reader = cached?.source.index === source.index ? cached : this.create(store, live);
        await reader.extend(source.index.count);
        reader.live = live;
        this.remember(runId, reader);
        return answer(reader, live);
      });
    } catch (error) {
      // A run between recording and closed cannot be opened for a moment: what was read stands meanwhile.
      if (cached) return answer(cached, live);
      throw error;
    }
  }

  /** The reader kept for `runId`, if any (tests). */
  peek(runId: string): R | undefined {
    return this.entries.get(runId);
  }

  /** Forgets a run (deleted, or replaced). */
  forget(runId: string): void {
    this.entries.delete(runId);
  }

  private remember(runId: string, reader: R): void {
    this.entries.delete(runId);
    this.entries.set(runId, reader);
    for (const key of this.entries.keys()) if (this.entries.size > this.keep) this.entries.delete(key);
  }
}
