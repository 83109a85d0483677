/**
 * The Timeline tab's store: `trace.getTimeline` for the run the Trace view shows, over the visible
 * range (and half a range either side, so a pan draws at once); asked again, throttled, while that
 * run is live, keeping the visible range unless it follows the run's end. The view's range moves
 * at once (zoom, pan, fit); the host is asked for the new range a moment later.
 */
import { createStore, type StoreApi } from 'zustand';
import type { Timeline } from '../../../agents/trace/timeline';
import type { ApiClient } from '../api';
import { fitRange, type TimeRange } from '../debugger/timeline-scale';
import type { DebugStore } from './debug-store';
import { oneAtATime } from '../lib/one-at-a-time';
import { storeHook } from './stores-context';
import type { TraceStore } from './trace-store';
import type { ViewStore } from './view-store';

/** One item the user picked: a span or a message, by the record that made it. */
export interface TimelinePick {
  kind: 'span' | 'message';
  seq: number;
}

/** Timeline state and actions. */
export interface TimelineStore {
  runId: string | null;
  /** The last answer (the whole run, or the visible range and half a range either side), once loaded. */
  data: Timeline | null;
  /** What shows: null until the first answer fits the run. */
  range: TimeRange | null;
  /** The view keeps the run's end in sight as a live run grows. */
  follow: boolean;
  loading: boolean;
  error: string | null;
  hovered: TimelinePick | null;
  selected: TimelinePick | null;
  /** The tab shows (or stops showing): loads the run, and follows it while live. */
  setActive(active: boolean): void;
  /** Shows `range` (zoom, pan, a drag-selected range); the host is asked for it shortly. */
  setRange(range: TimeRange): void;
  /** Shows the whole run, and follows it while live. */
  fit(): void;
  /** Asks the host again for the visible range. */
  refresh(): Promise<void>;
  setHovered(pick: TimelinePick | null): void;
  /** Selects an item: the Cycles tab and the trace detail focus on its record. */
  select(pick: TimelinePick | null, agent?: string | null): void;
  /** Shows the selected item's record in the Trace view. */
  showInTrace(seq: number): void;
}

/** Live runs are asked again at most this often; a moved range this long after the last move. */
const LIVE_MS = 700;
const SETTLE_MS = 120;
/** How long after a run ends it is asked for once more (its store closes meanwhile). */
const ENDED_REFRESH_MS = 1500;

/** Creates the Timeline store: it follows the trace store's run. */
export function createTimelineStore(client: ApiClient, deps: { trace: StoreApi<TraceStore>; view: StoreApi<ViewStore>; debug: StoreApi<DebugStore> }): StoreApi<TimelineStore> {
  return createStore<TimelineStore>()((set, get) => {
    let active = false;
    let settle: ReturnType<typeof setTimeout> | null = null;
    let liveTimer: ReturnType<typeof setTimeout> | null = null;
    let offAppended: (() => void) | null = null;
    const later = () => {
      if (settle) clearTimeout(settle);
      settle = setTimeout(() => ((settle = null), void get().refresh()), SETTLE_MS);
    };
    const onAppended = (batch: { runId: string }) => {
      if (!active || batch.runId !== get().runId || liveTimer) return;
      liveTimer = setTimeout(() => ((liveTimer = null), void get().refresh()), LIVE_MS);
    };
    deps.trace.subscribe((s, before) => {
      if (s.runId === before.runId && s.liveRunId === before.liveRunId) return;
      if (s.runId !== get().runId) set({ runId: s.runId, data: null, range: null, follow: true, selected: null, hovered: null, error: null });
      if (!active) return;
      void get().refresh();
      // The run just ended: its last records are closed into the store a moment later.
      if (before.liveRunId !== null && before.liveRunId === s.runId && s.liveRunId === null) setTimeout(() => void get().refresh(), ENDED_REFRESH_MS);
    });

    return {
      runId: null,
      data: null,
      range: null,
      follow: true,
      loading: false,
      error: null,
      hovered: null,
      selected: null,

      setActive(next) {
        active = next;
        if (next && !offAppended) offAppended = client.on('trace.appended', onAppended);
        if (!next && offAppended) {
          offAppended();
          offAppended = null;
        }
        if (next) void get().refresh();
      },

      setRange(range) {
        const bounds = get().data;
        // At the run's end (within a hair of it) a live view keeps following it.
        const follow = bounds?.to != null && range.to >= bounds.to && range.from <= bounds.to;
        set({ range, follow });
        later();
      },

      fit() {
        const { data } = get();
        if (data?.from == null || data.to == null) return set({ follow: true });
        set({ range: fitRange({ from: data.from, to: data.to }), follow: true });
        later();
      },

      refresh: oneAtATime(async () => {
        const runId = deps.trace.getState().runId;
        if (!runId) return set({ runId: null, data: null, range: null, error: null });
        if (runId !== get().runId) set({ runId, data: null, range: null, follow: true });
        set({ loading: true });
        try {
          const { range, data: before } = get();
          // A view of the whole run asks for the whole run; a zoomed one for its range and half a range either side.
          const fitted = range === null || before?.from == null || before.to == null || (range.from <= before.from && range.to >= before.to);
          const span = range ? range.to - range.from : 0;
          const asked = fitted || !range ? null : { from: range.from - span / 2, to: range.to + span / 2 };
          const data = await client.call('trace.getTimeline', { runId, ...(asked && { from: asked.from, to: asked.to }) });
          if (deps.trace.getState().runId !== runId) return;
          const next = get().range;
          let shown = next;
          if (data.from !== null && data.to !== null) {
            if (next === null) shown = fitRange({ from: data.from, to: data.to });
            else if (get().follow && before?.to != null && data.to > before.to) {
              // A view of the whole run grows with it; a zoomed one slides along its end.
              const moved = data.to - before.to;
              shown = fitted ? fitRange({ from: data.from, to: data.to }) : { from: next.from + moved, to: next.to + moved };
            }
          }
          set({ data, range: shown, error: null });
        } catch (error) {
          set({ error: error instanceof Error ? error.message : String(error) });
        } finally {
          set({ loading: false });
        }
      }, { again: true }),

      setHovered(hovered) {
        const now = get().hovered;
        if (now?.kind !== hovered?.kind || now?.seq !== hovered?.seq) set({ hovered });
      },

      select(pick, agent = null) {
        set({ selected: pick });
        if (pick) deps.debug.getState().setFocus({ seq: pick.seq, ...(agent !== null && { agent }) });
      },

      showInTrace(seq) {
        deps.view.getState().setView('trace');
        deps.trace.getState().select(seq);
      },
    };
  });
}

/** The Timeline store's hook (see {@link storeHook}). */
export const useTimelineStore = storeHook('timeline');
