/**
 * The sequence view's rows, fetched from the host by position: page `p` holds rows
 * `p·size … p·size+size−1` of the records that match the filter. Only the pages the screen asks
 * for are fetched, and at most `maxPages` are kept (the least recently used go), so the renderer
 * never holds a whole run. A reset (new filter, new run) drops everything and ignores answers
 * still on their way.
 */
import type { TraceRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';
import { withRowAgents, type SequenceRow } from './sequence-layout';

/** One page as the host answers it: the records from `offset`, their facts, and how many match in all. */
export interface PositionPage {
  records: TraceRecord[];
  facts?: RowFacts[];
  total: number;
}

/** Fetches `limit` matching records from position `offset`. */
export type FetchPositions = (offset: number, limit: number) => Promise<PositionPage>;

/** Options of {@link SequencePages}. */
export interface SequencePagesOptions {
  pageSize?: number;
  maxPages?: number;
}

/** A cache of position pages with a change listener (for useSyncExternalStore). */
export class SequencePages {
  readonly pageSize: number;
  private readonly maxPages: number;
  private pages = new Map<number, SequenceRow[]>();
  private inFlight = new Set<number>();
  private generation = 0;
  private listeners = new Set<() => void>();
  /** Matching records in all; null until the first page answers. */
  total: number | null = null;
  /** Why the last fetch failed, if it did. */
  error: string | null = null;
  /** Every agent the loaded pages named, in the order met (kept when pages go). */
  agents: string[] = [];
  /** Bumped on every change: the snapshot React compares. */
  version = 0;

  constructor(
    private readonly fetch: FetchPositions,
    options: SequencePagesOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.maxPages = Math.max(2, options.maxPages ?? 12);
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The row at `index`, if its page is loaded. */
  row(index: number): SequenceRow | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  /** Rows `first` to `last` (exclusive), undefined where not loaded. */
  rows(first: number, last: number): (SequenceRow | undefined)[] {
    const out: (SequenceRow | undefined)[] = [];
    for (let i = first; i < last; i++) out.push(this.row(i));
    return out;
  }

  /** The position of the record `seq` among the loaded rows, or -1. */
  indexOf(seq: number): number {
    for (const [p, rows] of this.pages) {
      const i = rows.findIndex((r) => r.record.seq === seq);
      if (i >= 0) return p * this.pageSize + i;
    }
    return -1;
  }

  /** Fetches the pages rows `first` to `last` (exclusive) fall in that are not loaded or on their way. */
  ensure(first: number, last: number): void {
    const end = this.total === null ? Math.max(last, first + 1) : Math.min(last, this.total);
    for (let p = Math.floor(first / this.pageSize); p * this.pageSize < end; p++) {
      if (this.pages.has(p)) this.touch(p);
      else void this.load(p);
    }
  }

  /** Fetches `page` again (the live run's last page grows), keeping its rows until the answer. */
  refresh(page: number): Promise<void> {
    return this.load(page, true);
  }

  /** The page row `index` falls in. */
  pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  /** Drops every page (a new filter or run); answers on their way are ignored. */
  reset(): void {
    this.generation++;
    this.pages.clear();
    this.inFlight.clear();
    this.total = null;
    this.error = null;
    this.agents = [];
    this.changed();
  }

  /** Fetches `p` unless it is loaded or on its way (`again`: even when loaded); resolves when it has landed. */
  async load(p: number, again = false): Promise<void> {
    if (this.inFlight.has(p) || (!again && this.pages.has(p))) return;
    const mine = this.generation;
    this.inFlight.add(p);
    try {
      const page = await this.fetch(p * this.pageSize, this.pageSize);
      if (mine !== this.generation) return;
      const rows = page.records.map((record, i) => ({ record, facts: page.facts?.[i]?.seq === record.seq ? page.facts[i]! : null }));
      this.pages.set(p, rows);
      this.agents = withRowAgents(this.agents, rows);
      this.total = page.total;
      this.error = null;
      this.evict(p);
    } catch (error) {
      if (mine === this.generation) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (mine === this.generation) {
        this.inFlight.delete(p);
        this.changed();
      }
    }
  }

  /** Marks `p` most recently used (Map order is insertion order). */
  private touch(p: number): void {
    const rows = this.pages.get(p);
    if (!rows) return;
    this.pages.delete(p);
    this.pages.set(p, rows);
  }

  /** Drops the least recently used pages beyond `maxPages`, never `keep`. */
  private evict(keep: number): void {
    for (const p of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      if (p !== keep) this.pages.delete(p);
    }
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
