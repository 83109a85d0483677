/**
 * The sequence view's store: whether the Trace view shows the table or the sequence diagram (both
 * draw the trace store's rows), and the rows an export reads: `trace.query` by position with the
 * table's filter (`hostFilterOf`), or the table's window for a text filter (no positions).
 */
import { createStore, type StoreApi } from 'zustand';
import type { ApiClient } from '../api';
import type { SequenceRow } from '../trace/sequence-layout';
import { storeHook } from './stores-context';
import { hostFilterOf, type TraceStore } from './trace-store';

/** The most rows one `trace.query` returns. */
const QUERY_LIMIT = 1000;

/** Sequence view state and actions. */
export interface SequenceStore {
  /** What the Trace view's centre shows. */
  mode: 'table' | 'sequence';
  setMode(mode: 'table' | 'sequence'): void;
  /** Rows `from` to `from + count` (fewer at the end) of the records that match, for an export, and how many match in all. */
  readRows(from: number, count: number): Promise<{ rows: SequenceRow[]; total: number }>;
}

/** Creates the sequence store, reading the run and filter of `trace`. */
export function createSequenceStore(client: ApiClient, stores: { trace: StoreApi<TraceStore> }): StoreApi<SequenceStore> {
  return createStore<SequenceStore>()((set) => ({
    mode: 'table',
    setMode: (mode) => set({ mode }),

    async readRows(from, count) {
      const s = stores.trace.getState();
      if (s.runId === null) return { rows: [], total: 0 };
      if (s.total === null) {
        // A text filter: what the table's window holds.
        const records = s.window.rows.slice(from, from + count);
        return { rows: records.map((record) => ({ record, facts: s.facts[record.seq] ?? null })), total: s.window.rows.length };
      }
      const page = await client.call('trace.query', { runId: s.runId, query: { ...hostFilterOf(s), offset: from, limit: Math.min(count, QUERY_LIMIT) }, withFacts: true });
      const facts = new Map(page.facts?.map((f) => [f.seq, f]));
      return { rows: page.records.map((record) => ({ record, facts: facts.get(record.seq) ?? null })), total: page.total ?? page.records.length };
    },
  }));
}

/** The sequence store's hook (see {@link storeHook}). */
export const useSequenceStore = storeHook('sequence');
