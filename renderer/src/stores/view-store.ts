/**
 * Which view the centre shows (the canvas or the YAML source), and "show me where this is": the
 * Problems list asks, and whoever shows the document listens — the canvas selects and centres the
 * node or line, the source view moves its cursor to the line. Each request has a new `seq`, so
 * asking twice for the same place reveals it twice.
 */
import { createStore, type StoreApi } from 'zustand';
import type { ElementRef } from '../design/model/problem-targets';
import { revealView, type CentreView } from '../layout/centre-reveal';
import { storeHook } from './stores-context';

/** One request to reveal a place in the document. */
export interface RevealRequest {
  /** The path into the file (`['spec','edges',3,'to']`). */
  path: (string | number)[];
  /** 1-based line and column in the YAML text, when known. */
  line?: number;
  column?: number;
  /** The canvas element the path is about, when there is one. */
  target: ElementRef | null;
  /** True when the source view shows it (it moves its cursor to `line`). */
  inSource: boolean;
  seq: number;
}

/** Centre view state and the reveal request. */
export interface ViewStore {
  view: CentreView;
  /** The latest reveal request; null before the first. */
  reveal: RevealRequest | null;
  setView(view: CentreView): void;
  /** Reveals a place: in the source view when it shows now or the canvas has no element for it, else on the canvas. */
  revealPlace(request: Omit<RevealRequest, 'seq' | 'inSource'>): void;
}

/** Creates the centre view store. */
export function createViewStore(): StoreApi<ViewStore> {
  return createStore<ViewStore>()((set) => ({
    view: 'design',
    reveal: null,
    setView: (view) => set({ view }),
    revealPlace: (request) =>
      set((s) => {
        const where = revealView(s.view, request);
        return { view: where.view, reveal: { ...request, inSource: where.inSource, seq: (s.reveal?.seq ?? 0) + 1 } };
      }),
  }));
}

/** The view store's hook (see {@link storeHook}). */
export const useViewStore = storeHook('view');
