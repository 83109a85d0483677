/**
 * The sequence view: the table's rows (the trace store's, same filter, same order) as a sequence
 * diagram, lanes per agent (sequence-layout.ts). Virtualized as the table is (trace-viewport.ts:
 * its row height and scroll geometry, a million rows scaled into what a browser draws): one SVG of
 * the rows on screen plus a few, its rows memoized, so scrolling redraws only rows that come into
 * view. SVG rather than canvas: crisp text, arrows that are elements (click, hover, tests), and
 * the same drawing exports as an SVG file. Selection, keys, follow live and paging are the store's.
 */
import { forwardRef, lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatCount } from '../lib/format';
import { useDocumentStore } from '../stores/document-store';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { laneNames, layoutLanes, withRowAgents, type SequenceRow } from './sequence-layout';
import { HEADER_HEIGHT, SequenceHeader, SequenceRows } from './sequence-svg';
import { rowAt } from './trace-blocks';
import { atEnd, contentHeight, ROW_HEIGHT, rowTop, scrollTopFor, visibleRows } from './trace-viewport';
import { isSelectionKey, pageToLoad } from './trace-window';
import './sequence.css';

// The export dialog loads the first time it opens (and mermaid with it, lazily again).
const SequenceExportDialog = lazy(() => import('../export/sequence-export-dialog').then((m) => ({ default: m.SequenceExportDialog })));

/** Rows drawn beyond each edge of the viewport. */
const OVERSCAN = 6;

/** The sequence diagram; `ref` is its focusable scroll area. */
export const SequenceView = forwardRef<HTMLDivElement>(function SequenceView(_props, ref) {
  const total = useTraceStore((s) => s.total);
  const blocks = useTraceStore((s) => s.rows);
  const window = useTraceStore((s) => s.window);
  const windowFacts = useTraceStore((s) => s.facts);
  const shift = useTraceStore((s) => s.shift);
  const reveal = useTraceStore((s) => s.reveal);
  const agents = useTraceStore((s) => s.counts?.agents);
  const selectedSeq = useTraceStore((s) => s.selectedSeq);
  const timeMode = useTraceStore((s) => s.timeMode);
  const following = useTraceStore((s) => s.follow && s.runId !== null && s.runId === s.liveRunId);
  const live = useTraceStore((s) => s.runId !== null && s.runId === s.liveRunId);
  const loading = useTraceStore((s) => s.loading);
  const topology = useDocumentStore((s) => s.topology);
  const traceStore = useStores().trace;
  const scroller = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [size, setSize] = useState({ viewport: 480, width: 900 });
  const [exporting, setExporting] = useState(false);

  const byPosition = total !== null;
  const count = byPosition ? total : window.rows.length;
  const visible = visibleRows(scrollTop, size.viewport, count);
  const first = Math.max(0, visible.first - OVERSCAN);
  const last = Math.min(count - 1, visible.last + OVERSCAN);
  const rows = useMemo(() => {
    const out: (SequenceRow | undefined)[] = [];
    for (let i = first; i <= last; i++) {
      // The store's own row objects: the same object while loaded, so memoized rows are not redrawn.
      if (byPosition) out.push(rowAt(blocks, i));
      else {
        const record = window.rows[i];
        out.push(record && { record, facts: windowFacts[record.seq] ?? null });
      }
    }
    return out;
  }, [first, last, byPosition, blocks, window, windowFacts]);

  // Lanes: the workbench, the agents the live run's topology declares, then every other agent the
  // counts name (known up front); one met only in a row (not counted) is added at the right.
  const declared = useMemo(() => (live && topology ? topology.spec.agents.map((a) => a.name) : null), [live, topology]);
  const base = useMemo(() => laneNames(Object.keys(agents ?? {}), declared ?? []), [agents, declared]);
  const names = withRowAgents(base, rows);
  const namesKey = names.join('\n');
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the names, so rows memoized on `layout` keep it while they stay the same
  const layout = useMemo(() => layoutLanes(names, size.width, declared), [namesKey, size.width, declared]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setSize({ viewport: Math.max(0, el.clientHeight - HEADER_HEIGHT), width: el.clientWidth });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);

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
  // The row the store asks to show (a selection elsewhere, a jump, a key, the live end).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || reveal.id === 0) return;
    const s = traceStore.getState();
    const n = s.total ?? s.window.rows.length;
    const index = reveal.position ?? (reveal.seq === null ? -1 : s.window.rows.findIndex((r) => r.seq === reveal.seq));
    if (reveal.align === 'end') scrollTo(el.scrollHeight);
    else if (index >= 0) scrollTo(scrollTopFor(index, reveal.align, el.scrollTop, el.clientHeight - HEADER_HEIGHT, n));
  }, [reveal, traceStore, scrollTo]);
  // Shown again with a record selected: it is in view.
  useLayoutEffect(() => {
    const s = traceStore.getState();
    const el = scroller.current;
    if (!el) return;
    const index = s.selectedPosition ?? (s.selectedSeq === null || s.total !== null ? -1 : s.window.rows.findIndex((r) => r.seq === s.selectedSeq));
    if (index >= 0) scrollTo(scrollTopFor(index, 'center', el.scrollTop, el.clientHeight - HEADER_HEIGHT, s.total ?? s.window.rows.length));
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
  }, [byPosition, visible.first, visible.last, count, blocks, window, traceStore]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    if (following && !atEnd(el.scrollTop, el.clientHeight - HEADER_HEIGHT, count)) void traceStore.getState().setFollow(false);
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

  const onSelect = useCallback(
    (row: SequenceRow) => {
      const store = traceStore.getState();
      store.select(row.record.seq);
      store.setDetailOpen(true);
    },
    [traceStore],
  );

  const setRefs = (el: HTMLDivElement | null) => {
    scroller.current = el;
    if (typeof ref === 'function') ref(el);
    else if (ref) ref.current = el;
  };

  return (
    <div className="sequence-view" data-testid="sequence-view">
      <div className="sequence-bar">
        <Legend />
        <span className="trace-toolbar-gap" />
        <span className="muted sequence-count" data-testid="sequence-count">
          {formatCount(count)} {count === 1 ? 'row' : 'rows'} · {layout.lanes.length} lanes
        </span>
        <button type="button" className="btn btn-small" onClick={() => setExporting(true)} disabled={count === 0} title="Export the rows from the top of the view as Mermaid, SVG or PNG" data-testid="sequence-export">
          Export…
        </button>
      </div>
      <div className="sequence-scroller" ref={setRefs} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown} data-testid="sequence-scroller" data-total={count} data-first-visible={visible.first} aria-label="Sequence diagram" role="group">
        <div className="sequence-header" style={{ width: layout.width }}>
          <SequenceHeader layout={layout} />
        </div>
        <div className="sequence-spacer" style={{ height: contentHeight(count), width: layout.width }}>
          {count > 0 && (
            <div className="sequence-slice" style={{ transform: `translateY(${rowTop(first, scrollTop, visible)}px)` }}>
              <SequenceRows layout={layout} rows={rows} first={first} selectedSeq={selectedSeq} onSelect={onSelect} timeMode={timeMode} />
            </div>
          )}
        </div>
        {count === 0 && <p className="empty trace-empty">{loading ? 'Loading…' : 'No records match.'}</p>}
      </div>
      {exporting && (
        <Suspense fallback={null}>
          <SequenceExportDialog from={Math.min(visible.first, Math.max(0, count - 1))} layoutNames={names} declared={declared} onClose={() => setExporting(false)} />
        </Suspense>
      )}
    </div>
  );
});

/** What the marks mean. */
function Legend() {
  return (
    <span className="sequence-legend" aria-label="Legend">
      <span className="legend-request">→ request</span>
      <span className="legend-reply">⇢ reply · latency</span>
      <span className="legend-handoff">●→ handoff</span>
      <span className="legend-broadcast">⇶ broadcast</span>
      <span className="legend-phase">▮ OODA phase</span>
      <span className="legend-note">▭ LLM · tool</span>
    </span>
  );
}
