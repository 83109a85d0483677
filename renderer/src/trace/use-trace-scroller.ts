/**
 * The scroll area shared by the trace table and the sequence view: both draw the trace store's rows
 * (by position or a window by seq) at a fixed row height (trace-viewport.ts). This hook measures the
 * area, keeps what is on screen in place as window pages come and go, shows the row the store asks
 * for, keeps the newest row in view while following, loads the rows on screen, pauses following
 * when the user scrolls up, and moves the selection with the keys.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ForwardedRef, type KeyboardEvent } from 'react';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { atEnd, ROW_HEIGHT, scrollTopFor, visibleRows } from './trace-viewport';
import { isSelectionKey, pageToLoad } from './trace-window';

/** Rows drawn beyond each edge of the viewport. */
const OVERSCAN = 6;

/** Points a forwarded ref at `el`. */
function assignRef(ref: ForwardedRef<HTMLDivElement>, el: HTMLDivElement | null) {
  if (typeof ref === 'function') ref(el);
  else if (ref) ref.current = el;
}

/** Options of useTraceScroller: a sticky header's height inside the scroll area; whether the selected record is brought into view when the view is shown. */
export type TraceScrollerOptions = { headerHeight?: number; showSelectionOnMount?: boolean };

/** The scroll state and handlers of a virtualized view of the trace store's rows. */
export function useTraceScroller(ref: ForwardedRef<HTMLDivElement>, { headerHeight = 0, showSelectionOnMount = false }: TraceScrollerOptions = {}) {
  const total = useTraceStore((s) => s.total);
  const blocks = useTraceStore((s) => s.rows);
  const window = useTraceStore((s) => s.window);
  const shift = useTraceStore((s) => s.shift);
  const reveal = useTraceStore((s) => s.reveal);
  const following = useTraceStore((s) => s.follow && s.runId !== null && s.runId === s.liveRunId);
  const loading = useTraceStore((s) => s.loading);
  const traceStore = useStores().trace;
  const scroller = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [size, setSize] = useState({ viewport: 480, width: 900 });

  const byPosition = total !== null;
  const count = byPosition ? total : window.rows.length;
  const visible = visibleRows(scrollTop, size.viewport, count);
  const first = Math.max(0, visible.first - OVERSCAN);
  const last = Math.min(count - 1, visible.last + OVERSCAN);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setSize({ viewport: Math.max(0, el.clientHeight - headerHeight), width: el.clientWidth });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, [headerHeight]);

  // Moves the scroll position and tells the view at once (the scroll event comes a frame later).
  const scrollTo = useCallback((top: number) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = top;
    setScrollTop(el.scrollTop);
  }, []);
  // A window page added or dropped at the front (text filters): what is on screen stays put.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && shift.rows) scrollTo(el.scrollTop + shift.rows * ROW_HEIGHT);
  }, [shift, scrollTo]);
  // The row the store asks to show (a reload, a selection elsewhere, a jump, a key, the live end).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || reveal.id === 0) return;
    const s = traceStore.getState();
    const n = s.total ?? s.window.rows.length;
    const index = reveal.position ?? (reveal.seq === null ? -1 : s.window.rows.findIndex((r) => r.seq === reveal.seq));
    if (reveal.align === 'end') scrollTo(el.scrollHeight);
    else if (index >= 0) scrollTo(scrollTopFor(index, reveal.align, el.scrollTop, el.clientHeight - headerHeight, n));
  }, [reveal, traceStore, scrollTo, headerHeight]);
  // Shown again with a record selected: it is in view (once, on mount; following still wins after).
  useLayoutEffect(() => {
    const s = traceStore.getState();
    const el = scroller.current;
    if (!el || !showSelectionOnMount) return;
    const index = s.selectedPosition ?? (s.selectedSeq === null || s.total !== null ? -1 : s.window.rows.findIndex((r) => r.seq === s.selectedSeq));
    if (index >= 0) scrollTo(scrollTopFor(index, 'center', el.scrollTop, el.clientHeight - headerHeight, s.total ?? s.window.rows.length));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- on mount only, as the options do not change
  }, [traceStore, scrollTo]);
  // Following: the newest row stays in view as rows arrive.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following) scrollTo(el.scrollHeight);
  }, [count, window.rows, following, scrollTo]);

  // The rows on screen are loaded (by position), or the window asks for its next page.
  useEffect(() => {
    const s = traceStore.getState();
    if (byPosition) s.ensureRows(visible.first, visible.last);
    else {
      const which = pageToLoad(s.window, visible.first, visible.last);
      if (which === 'before') void s.loadOlder();
      else if (which === 'after') void s.loadNewer();
    }
  }, [byPosition, visible.first, visible.last, count, blocks, window, loading, traceStore]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    if (following && !atEnd(el.scrollTop, el.clientHeight - headerHeight, count)) void traceStore.getState().setFollow(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const store = traceStore.getState();
    if (isSelectionKey(event.key)) {
      event.preventDefault();
      store.moveSelection(event.key, Math.max(1, Math.floor(size.viewport / ROW_HEIGHT) - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      store.setDetailOpen(true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (store.detailOpen) store.setDetailOpen(false);
      else store.select(null);
    }
  };

  // The scroll area is both this hook's and the caller's `ref` (the workspace focuses it).
  const setRefs = (el: HTMLDivElement | null) => {
    scroller.current = el;
    assignRef(ref, el);
  };

  return { scroller, setRefs, scrollTop, scrollTo, size, byPosition, count, visible, first, last, onScroll, onKeyDown };
}
