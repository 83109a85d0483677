/**
 * Recorded runs kept open between queries. Opening a run rebuilds its index (about 3 s for a
 * million records), so the host opens a past run once and answers every later query from the
 * same store; the least recently used ones beyond `keep` are closed when nothing is reading them.
 */
import type { LongWork } from './long-work.js';
import type { TraceLibrary } from './trace-library.js';
import type { TraceStore } from './trace-store.js';

interface Entry {
  store: Promise<TraceStore>;
  /** Readers using the store now: it is never closed under them. */
  users: number;
}

/** The past runs open in this host, at most `keep` of them idle. */
export class OpenRuns {
  private readonly entries = new Map<string, Entry>(); // insertion order: least recently used first

  constructor(
    private readonly library: TraceLibrary,
    private readonly keep = 2,
  ) {}

  /** Runs `use` on the run's store, opening it first if needed (`work` watches that opening). */
  async use<T>(runId: string, use: (store: TraceStore) => Promise<T> | T, work?: LongWork): Promise<T> {
    const entry = this.entry(runId, work);
    entry.users++;
    try {
      return await use(await entry.store);
    } finally {
      entry.users--;
      void this.trim();
    }
  }

  /** The run's store if it is open here (or opening), without opening it. */
  peek(runId: string): Promise<TraceStore> | null {
    return this.entries.get(runId)?.store ?? null;
  }

  /** Closes the run's store if it is open here (before deleting the run). */
  async close(runId: string): Promise<void> {
    const entry = this.entries.get(runId);
    if (!entry) return;
    this.entries.delete(runId);
    await entry.store.then((s) => s.close()).catch(() => undefined);
  }

  /** Closes every store (the host is stopping). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((runId) => this.close(runId)));
  }

  private entry(runId: string, work: LongWork | undefined): Entry {
    const found = this.entries.get(runId);
    if (found) {
      this.entries.delete(runId); // most recently used: to the end
      this.entries.set(runId, found);
      return found;
    }
    const entry: Entry = { store: this.library.open(runId, undefined, work), users: 0 };
    this.entries.set(runId, entry);
    // A failed or cancelled open is forgotten, so the next query tries again.
    entry.store.catch(() => this.entries.get(runId) === entry && this.entries.delete(runId));
    return entry;
  }

  private async trim(): Promise<void> {
    const idle = [...this.entries].filter(([, e]) => e.users === 0);
    for (const [runId] of idle.slice(0, Math.max(0, this.entries.size - this.keep))) await this.close(runId);
  }
}
