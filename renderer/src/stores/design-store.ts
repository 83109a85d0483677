/**
 * The designer's view state, apart from the document: what is selected, where nodes without a
 * saved position are drawn, the clipboard, the connect popover and a one-line notice. Actions are
 * thin setters; the rules live in model/ and actions.ts.
 */
import { createStore, type StoreApi } from 'zustand';
import type { Fragment } from '../design/model/clipboard';
import type { ConnectionKind } from '../design/model/connection-kinds';
import type { Point } from '../design/model/positions';
import { storeHook } from './stores-context';

/** Selected nodes (by name) and lines (by id). */
export interface Selection {
  nodes: string[];
  edges: string[];
}

/** A live status an agent's dot shows once a topology runs (set by the run half of the app). */
export type AgentStatus = 'idle' | 'starting' | 'running' | 'paused' | 'error' | 'stopped';

/** The "pick another kind" popover after drawing a line. */
export interface ConnectPopover {
  id: string;
  kinds: ConnectionKind[];
  /** Screen position (client coordinates) to show it at. */
  at: Point;
}

/** What the canvas lets commands do to the viewport (registered by the canvas while mounted). */
export interface ViewportControl {
  fitView(): void;
  /** Centres the view on nodes (and fits them when they do not fit). */
  reveal(nodes: string[]): void;
  /** The flow position at the centre of the visible canvas. */
  center(): Point;
}

/** The designer's state and setters. */
export interface DesignStore {
  selection: Selection;
  /** Positions of nodes the file has none for (auto-layout), not saved until moved. */
  viewPositions: Record<string, Point>;
  /** Rendered node sizes, for auto-layout. */
  sizes: Record<string, { width: number; height: number }>;
  clipboard: Fragment | null;
  popover: ConnectPopover | null;
  notice: { text: string; tone: 'info' | 'error'; seq: number } | null;
  paletteOpen: boolean;
  layoutRunning: boolean;
  agentStatus: Record<string, AgentStatus>;
  viewport: ViewportControl | null;
  /** Bumped to fit the view once the canvas has drawn new positions. */
  fitRequest: number;

  select(selection: Selection): void;
  setViewPositions(positions: Record<string, Point>, replace?: boolean): void;
  setSizes(sizes: Record<string, { width: number; height: number }>): void;
  setClipboard(fragment: Fragment | null): void;
  setPopover(popover: ConnectPopover | null): void;
  notify(text: string, tone?: 'info' | 'error'): void;
  clearNotice(): void;
  requestFit(): void;
  setPaletteOpen(open: boolean): void;
  setLayoutRunning(running: boolean): void;
  setAgentStatus(status: Record<string, AgentStatus>): void;
  setViewport(viewport: ViewportControl | null): void;
}

const EMPTY: Selection = { nodes: [], edges: [] };

/** Creates the designer's store. */
export function createDesignStore(): StoreApi<DesignStore> {
  let noticeSeq = 0;
  return createStore<DesignStore>()((set) => ({
    selection: EMPTY,
    viewPositions: {},
    sizes: {},
    clipboard: null,
    popover: null,
    notice: null,
    paletteOpen: false,
    layoutRunning: false,
    agentStatus: {},
    viewport: null,
    fitRequest: 0,

    select: (selection) => set((s) => (sameSelection(s.selection, selection) ? s : { selection })),
    setViewPositions: (positions, replace = false) => set((s) => ({ viewPositions: replace ? positions : { ...s.viewPositions, ...positions } })),
    setSizes: (sizes) => set((s) => ({ sizes: { ...s.sizes, ...sizes } })),
    setClipboard: (clipboard) => set({ clipboard }),
    setPopover: (popover) => set({ popover }),
    notify: (text, tone = 'info') => set({ notice: { text, tone, seq: ++noticeSeq } }),
    clearNotice: () => set({ notice: null }),
    requestFit: () => set((s) => ({ fitRequest: s.fitRequest + 1 })),
    setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
    setLayoutRunning: (layoutRunning) => set({ layoutRunning }),
    setAgentStatus: (agentStatus) => set({ agentStatus }),
    setViewport: (viewport) => set({ viewport }),
  }));
}

/** The design store's hook (see {@link storeHook}). */
export const useDesignStore = storeHook('design');

/** Nothing selected. */
export const NO_SELECTION = EMPTY;

function sameSelection(a: Selection, b: Selection): boolean {
  return a.nodes.length === b.nodes.length && a.edges.length === b.edges.length && a.nodes.every((n, i) => b.nodes[i] === n) && a.edges.every((e, i) => b.edges[i] === e);
}
