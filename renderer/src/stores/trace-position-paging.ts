/**
 * The trace store's paging by position (filters whose positions the host knows): blocks of rows
 * loaded once each as they come into view (trace-blocks.ts), and the live end looked at as records
 * arrive — its newest rows while following, only the new total while paused — at most every
 * TAIL_EVERY_MS and one look at a time, so a bus at 20,000 msg/s costs a few small queries a second.
 */
import type { TraceRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';
import { BLOCK_ROWS, blockOf, placeRows } from '../trace/trace-blocks';
import type { TraceStore } from './trace-store';

/** Rows asked for at the live end while following (a screenful and more). */
export const TAIL_ROWS = 100;
/** The least time between two looks at the live end, in ms. */
const TAIL_EVERY_MS = 100;

/** A `trace.query` answer, as far as paging reads it. */
interface Page {
  records: TraceRecord[];
  offset: number | null;
  total: number | null;
  facts?: RowFacts[];
}

/** What the paging needs of the store. */
export interface PagingHost {
  get(): TraceStore;
  set(partial: Partial<TraceStore>): void;
  /** The store's reload generation: answers for an older one are dropped. */
  generation(): number;
  fail(error: unknown): void;
  following(): boolean;
  fetchPage(runId: string, extra: { before?: number; offset?: number }, limit: number, withFacts?: boolean): Promise<Page>;
  revealAt(position: number | null, align: 'center' | 'auto' | 'end'): void;
}

/** Creates the position paging of one trace store. */
export function createPositionPaging(host: PagingHost) {
  const { get, set } = host;
  /** Blocks on their way (by number, this generation), and the blocks on screen (kept when others are dropped). */
  const loading = new Map<number, Promise<void>>();
  let onScreen = new Set<number>();
  /** A look at the live end is on its way / wanted again once it lands. */
  let tailBusy = false;
  let tailAgain = false;
  /** `total` when following paused (the "↓ N new" count starts there). */
  let pausedAt = 0;

  /** Places an answered page (newest first when it came from `before`) at its offset, with its total. */
  const place = (page: Page, newestFirst: boolean) => {
    const records = newestFirst ? [...page.records].reverse() : page.records;
    const total = page.total ?? get().total;
    const rows = page.offset === null ? get().rows : placeRows(get().rows, page.offset, records, page.facts, onScreen);
    set({ rows, total, newSincePause: host.following() || total === null ? 0 : Math.max(0, total - pausedAt) });
  };

  /** Loads block `b` of the filtered result (once at a time), with its rows' facts. */
  const loadBlock = (b: number): Promise<void> => {
    const runId = get().runId;
    if (!runId) return Promise.resolve();
    let pending = loading.get(b);
    if (!pending) {
      const mine = host.generation();
      pending = host
        .fetchPage(runId, { offset: b * BLOCK_ROWS }, BLOCK_ROWS)
        .then((page) => {
          if (mine === host.generation()) place(page, false);
        })
        .catch((error: unknown) => {
          if (mine === host.generation()) host.fail(error);
        })
        .finally(() => {
          if (mine === host.generation()) loading.delete(b);
        });
      loading.set(b, pending);
    }
    return pending;
  };

  /** Looks at the live end: while following, its newest rows (and shows the last); paused, only how many there are now. */
  const refreshTail = async (): Promise<void> => {
    const runId = get().runId;
    if (!runId || tailBusy) return void (tailAgain = true);
    tailBusy = true;
    const mine = host.generation();
    try {
      const follow = host.following();
      const page = await host.fetchPage(runId, { before: Number.MAX_SAFE_INTEGER }, follow ? TAIL_ROWS : 1, follow);
      if (mine !== host.generation()) return;
      place(page, true);
      if (host.following()) host.revealAt(Math.max(0, (get().total ?? 1) - 1), 'end');
    } catch (error) {
      if (mine === host.generation()) host.fail(error);
    } finally {
      setTimeout(() => {
        tailBusy = false;
        if (tailAgain) {
          tailAgain = false;
          void refreshTail();
        }
      }, TAIL_EVERY_MS);
    }
  };

  return {
    place,
    loadBlock,
    refreshTail,
    /** Forgets the blocks on their way (a new filter or run). */
    reset: () => loading.clear(),
    /** Following paused (or the result reloaded): new rows are counted from here. */
    pause: () => void (pausedAt = get().total ?? 0),
    /** Rows `first`…`last` are on screen: their blocks are kept; returns them. */
    show(first: number, last: number): Set<number> {
      onScreen = new Set(Array.from({ length: blockOf(Math.max(first, last)) - blockOf(first) + 1 }, (_, k) => blockOf(first) + k));
      return onScreen;
    },
  };
}
