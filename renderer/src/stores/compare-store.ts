/**
 * The Compare tab's store: two runs aligned message by message by the host (`trace.compare`),
 * paged as rows come into view (debugger/compare-rows.ts), the selected row (the first divergence
 * when the comparison opens), next / previous difference, the selected row's two records in full
 * (`trace.query` by seq) and "Show in trace". Which two runs it aligns is the debug store's
 * `compare`; the view calls `open` when that changes.
 */
import { createStore, type StoreApi } from 'zustand';
import type { TraceComparison } from '../../../agents/trace/diff-schema';
import type { TraceRecord } from '../../../agents/trace/record';
import type { ApiClient } from '../api';
import { COMPARE_PAGE, compareRowAt, findDifference, missingPages, NO_PAGES, pageOf, placePage, type ComparePages } from '../debugger/compare-rows';
import type { RunsStore } from './runs-store';
import { storeHook } from './stores-context';
import type { TraceStore } from './trace-store';
import type { ViewStore } from './view-store';

/** A side of the comparison. */
export type CompareSide = 'a' | 'b';

/** Compare state and actions. */
export interface CompareStore {
  /** The runs aligned (A left, B right), or null before the first comparison. */
  a: string | null;
  b: string | null;
  summary: TraceComparison['summary'] | null;
  /** The first row whose status is not `same`; null when the runs' conversations are the same. */
  firstDivergence: number | null;
  /** Aligned rows in all. */
  total: number;
  rows: ComparePages;
  selected: number | null;
  /** The row to bring into view (a new `id` each time it is asked). */
  reveal: { id: number; index: number | null };
  /** The selected row's records in full (null on the side it is missing from, or while loading). */
  records: { a: TraceRecord | null; b: TraceRecord | null };
  loading: boolean;
  /** A next / previous difference is being looked for in pages not loaded yet. */
  searching: boolean;
  /** No difference that way (said once after n / p found none). */
  edge: string | null;
  error: string | null;
  /** Aligns runs `a` and `b` and selects their first divergence (again when `reload`). */
  open(a: string, b: string, reload?: boolean): Promise<void>;
  /** Rows `first`…`last` are on screen: their pages are loaded. */
  ensureRows(first: number, last: number): void;
  /** Selects row `index` (brought into view when `reveal`) and loads its two records. */
  select(index: number, reveal?: boolean): Promise<void>;
  /** Selects the next (1) or previous (-1) difference. */
  step(direction: 1 | -1): Promise<void>;
  /** Opens run `runId` in the Trace view with record `seq` selected (the record the user saw, whatever the selection is by the time the click lands). */
  showInTrace(runId: string, seq: number): Promise<void>;
}

/** The stores "Show in trace" drives. */
interface CompareStoreDeps {
  runs: StoreApi<RunsStore>;
  trace: StoreApi<TraceStore>;
  view: StoreApi<ViewStore>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the Compare tab's store. */
export function createCompareStore(client: ApiClient, deps: CompareStoreDeps): StoreApi<CompareStore> {
  return createStore<CompareStore>()((set, get) => {
    /** Answers for an older comparison are dropped. */
    let generation = 0;
    const loading = new Map<number, Promise<void>>();
    let onScreen = new Set<number>();
    let revealId = 0;

    const loadPage = (page: number): Promise<void> => {
      const { a, b } = get();
      if (!a || !b) return Promise.resolve();
      let pending = loading.get(page);
      if (!pending) {
        const mine = generation;
        pending = client.call('trace.compare', { a, b, offset: page * COMPARE_PAGE, limit: COMPARE_PAGE })
          .then((answer) => {
            if (mine === generation) set({ rows: placePage(get().rows, page, answer.rows, onScreen), total: answer.total, summary: answer.summary, firstDivergence: answer.firstDivergence });
          })
          .catch((error: unknown) => {
            if (mine === generation) set({ error: message(error) });
          })
          .finally(() => {
            if (mine === generation) loading.delete(page);
          });
        loading.set(page, pending);
      }
      return pending;
    };

    /** One record of a run by its seq. */
    const recordOf = async (runId: string, seq: number): Promise<TraceRecord | null> => {
      const page = await client.call('trace.query', { runId, query: { after: seq - 1, limit: 1 } });
      return page.records[0]?.seq === seq ? page.records[0] : null;
    };

    return {
      a: null,
      b: null,
      summary: null,
      firstDivergence: null,
      total: 0,
      rows: NO_PAGES,
      selected: null,
      reveal: { id: 0, index: null },
      records: { a: null, b: null },
      loading: false,
      searching: false,
      edge: null,
      error: null,

      async open(a, b, reload = false) {
        if (!reload && a === get().a && b === get().b && get().summary) return;
        const mine = ++generation;
        loading.clear();
        set({ a, b, summary: null, firstDivergence: null, total: 0, rows: NO_PAGES, selected: null, records: { a: null, b: null }, loading: true, error: null, edge: null });
        if (a === b) return set({ loading: false, error: 'Pick two different runs to compare.' });
        try {
          const first = await client.call('trace.compare', { a, b, offset: 0, limit: COMPARE_PAGE });
          if (mine !== generation) return;
          set({ summary: first.summary, firstDivergence: first.firstDivergence, total: first.total, rows: placePage(NO_PAGES, 0, first.rows), loading: false });
          if (first.total > 0) await get().select(first.firstDivergence ?? 0, true);
        } catch (error) {
          if (mine === generation) set({ loading: false, error: message(error) });
        }
      },

      ensureRows(first, last) {
        const { total, rows } = get();
        onScreen = new Set(Array.from({ length: Math.max(0, pageOf(last) - pageOf(first) + 1) }, (_, k) => pageOf(first) + k));
        for (const page of missingPages(rows, first, last, total)) void loadPage(page);
      },

      async select(index, reveal = false) {
        const mine = generation;
        set({ selected: index, records: { a: null, b: null }, edge: null, ...(reveal && { reveal: { id: ++revealId, index } }) });
        if (!compareRowAt(get().rows, index)) await loadPage(pageOf(index));
        const row = compareRowAt(get().rows, index);
        const { a, b } = get();
        if (!row || !a || !b || mine !== generation) return;
        try {
          const [ra, rb] = await Promise.all([row.a ? recordOf(a, row.a.seq) : null, row.b ? recordOf(b, row.b.seq) : null]);
          if (mine === generation && get().selected === index) set({ records: { a: ra, b: rb } });
        } catch (error) {
          if (mine === generation) set({ error: message(error) });
        }
      },

      async step(direction) {
        const mine = generation;
        const { total } = get();
        let from = get().selected ?? (direction === 1 ? -1 : total);
        set({ searching: true, edge: null });
        try {
          for (;;) {
            const search = findDifference(get().rows, from, direction, total);
            if ('found' in search) return void (await get().select(search.found, true));
            if ('none' in search) return set({ edge: direction === 1 ? 'No difference after this row.' : 'No difference before this row.' });
            await loadPage(search.load);
            if (mine !== generation || !get().rows.pages.has(search.load)) return;
            // Rows up to the loaded page were all the same: go on from its edge (earlier pages may be dropped meanwhile).
            from = direction === 1 ? Math.max(from, search.load * COMPARE_PAGE - 1) : Math.min(from, (search.load + 1) * COMPARE_PAGE);
          }
        } finally {
          if (mine === generation) set({ searching: false });
        }
      },

      async showInTrace(runId, seq) {
        await deps.runs.getState().showRecords(runId);
        deps.view.getState().setView('trace');
        deps.trace.getState().select(seq);
      },
    };
  });
}

/** The compare store's hook (see {@link storeHook}). */
export const useCompareStore = storeHook('compare');
