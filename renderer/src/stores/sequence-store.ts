/**
 * The sequence view's store: whether the Trace view shows the table or the sequence diagram, and
 * the diagram's pages (sequence-pages.ts) of the run and filter the trace store shows. The filter
 * is the table's (`hostFilterOf`); a new run or filter starts new pages, and the live run's
 * batches refresh the last page (at most twice a second).
 */
import { createStore, type StoreApi } from 'zustand';
import type { ApiClient } from '../api';
import type { SequenceRow } from '../trace/sequence-layout';
import { SequencePages } from '../trace/sequence-pages';
import { pagesForward, positionFetcher, type QueryCall } from '../trace/sequence-source';
import { storeHook } from './stores-context';
import { hostFilterOf, type TraceStore } from './trace-store';

/** Sequence view state and actions. */
export interface SequenceStore {
  /** What the Trace view's centre shows. */
  mode: 'table' | 'sequence';
  setMode(mode: 'table' | 'sequence'): void;
  /** The rows of the run and filter shown; null without a run. */
  pages: SequencePages | null;
  /** Follows the trace store's run and filter and the live run's batches; returns the function that stops it. */
  connect(): () => void;
  /** The position of record `seq` among the records that match (null when it does not match, or cannot be told). */
  locate(seq: number): Promise<number | null>;
  /** Rows `from` to `from + count` (fewer at the end), for an export, and how many match in all. */
  readRows(from: number, count: number): Promise<{ rows: SequenceRow[]; total: number }>;
}

/** Creates the sequence store, reading the run and filter of `trace`. */
export function createSequenceStore(client: ApiClient, stores: { trace: StoreApi<TraceStore> }): StoreApi<SequenceStore> {
  const trace = stores.trace;
  /** `trace.query` on the shown run with its filter and the row facts. */
  const query = (runId: string): QueryCall => (q) => client.call('trace.query', { runId, query: q, withFacts: true });
  const keyOf = (s: TraceStore) => (s.runId === null ? null : JSON.stringify([s.runId, hostFilterOf(s)]));

  return createStore<SequenceStore>()((set, get) => {
    const fresh = (s: TraceStore) => (s.runId === null ? null : new SequencePages(positionFetcher(query(s.runId), hostFilterOf(s))));
    return {
      mode: 'table',
      setMode: (mode) => set({ mode }),
      pages: null,

      connect() {
        let key = keyOf(trace.getState());
        set({ pages: fresh(trace.getState()) });
        const offTrace = trace.subscribe((s) => {
          const next = keyOf(s);
          if (next === key) return;
          key = next;
          set({ pages: fresh(s) });
        });
        let timer: ReturnType<typeof setTimeout> | null = null;
        const offAppended = client.on('trace.appended', (batch) => {
          if (batch.runId !== trace.getState().runId || timer) return;
          timer = setTimeout(() => {
            timer = null;
            const pages = get().pages;
            if (pages?.total != null) void pages.refresh(pages.pageOf(Math.max(0, pages.total - 1)));
          }, 500);
        });
        return () => {
          offTrace();
          offAppended();
          if (timer) clearTimeout(timer);
        };
      },

      async locate(seq) {
        const s = trace.getState();
        if (s.runId === null) return null;
        const known = get().pages?.indexOf(seq) ?? -1;
        if (known >= 0) return known;
        try {
          const found = await client.call('trace.getPosition', { runId: s.runId, query: hostFilterOf(s), seq });
          return found.matches ? found.position : null;
        } catch {
          return null;
        }
      },

      async readRows(from, count) {
        const s = trace.getState();
        if (s.runId === null) return { rows: [], total: 0 };
        const filter = hostFilterOf(s);
        const reader = new SequencePages(positionFetcher(query(s.runId), filter), { pageSize: 500, maxPages: 4 });
        const [firstPage, lastPage] = [reader.pageOf(from), reader.pageOf(from + count - 1)];
        const rows: SequenceRow[] = [];
        // Read forward, the pages before `from` are read for their cursors (see sequence-source.ts).
        for (let p = pagesForward(filter) ? 0 : firstPage; p <= lastPage; p++) {
          await reader.load(p);
          if (reader.error) throw new Error(reader.error);
          if (p < firstPage) continue;
          for (let i = Math.max(from, p * reader.pageSize); i < Math.min(from + count, (p + 1) * reader.pageSize); i++) {
            const row = reader.row(i);
            if (!row) return { rows, total: reader.total ?? rows.length };
            rows.push(row);
          }
        }
        return { rows, total: reader.total ?? rows.length };
      },
    };
  });
}

/** The sequence store's hook (see {@link storeHook}). */
export const useSequenceStore = storeHook('sequence');
