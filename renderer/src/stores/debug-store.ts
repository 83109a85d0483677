/**
 * The Debug view's store: which of its tabs shows (Paused, Cycles, Timeline, Compare), what the
 * Cycles and Timeline tabs focus on (an agent, one of its OODA runs, a record), and the two runs
 * the Compare tab aligns. The run the Cycles and Timeline tabs read is the Trace view's run (the
 * trace store's `runId`), so the two views always talk about the same run.
 */
import { createStore, type StoreApi } from 'zustand';
import { storeHook } from './stores-context';

/** The Debug view's tabs. */
export type DebugTab = 'paused' | 'cycles' | 'timeline' | 'compare';

/** What the Cycles and Timeline tabs point at; null fields: nothing chosen. */
export interface DebugFocus {
  agent: string | null;
  /** An OODA run id (one per incoming request). */
  oodaRun: string | null;
  /** A trace record's seq. */
  seq: number | null;
}

/** Debug view state and actions. */
export interface DebugStore {
  tab: DebugTab;
  setTab(tab: DebugTab): void;
  focus: DebugFocus;
  /** Points the Cycles and Timeline tabs at an agent, an OODA run or a record (fields left out stay). */
  setFocus(focus: Partial<DebugFocus>): void;
  /** The two runs the Compare tab aligns (run ids), or null. */
  compare: { a: string; b: string } | null;
  /** Shows the Compare tab on runs `a` and `b`. */
  compareRuns(a: string, b: string): void;
  /** The paused run the Paused tab shows (an OODA run id), or null: the first one. */
  pausedRun: string | null;
  selectPaused(runId: string | null): void;
}

/** Creates the Debug view's store. */
export function createDebugStore(): StoreApi<DebugStore> {
  return createStore<DebugStore>()((set) => ({
    tab: 'paused',
    setTab: (tab) => set({ tab }),
    focus: { agent: null, oodaRun: null, seq: null },
    setFocus: (focus) => set((s) => ({ focus: { ...s.focus, ...focus } })),
    compare: null,
    compareRuns: (a, b) => set({ compare: { a, b }, tab: 'compare' }),
    pausedRun: null,
    selectPaused: (pausedRun) => set({ pausedRun }),
  }));
}

/** The Debug view store's hook (see {@link storeHook}). */
export const useDebugStore = storeHook('debug');
