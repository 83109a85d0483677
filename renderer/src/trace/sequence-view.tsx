/**
 * The sequence view: the records that match the table's filter as a sequence diagram, one row per
 * record in the table's order (sequence-layout.ts), lanes per agent. Virtualized: a spacer as tall
 * as every row, and one SVG of the rows on screen (plus a few) placed where they belong, so the
 * browser scrolls natively and React redraws only when a row boundary is crossed. SVG rather than
 * canvas: crisp text, arrows that are elements (click, hover, tests), and the same drawing exports
 * as an SVG file. Shares the selection with the table; the arrows and PgUp/PgDn/Home/End move it.
 */
import { forwardRef, lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { formatCount } from '../lib/format';
import { useDocumentStore } from '../stores/document-store';
import { useSequenceStore } from '../stores/sequence-store';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { laneNames, layoutLanes, moveRow, ROW_HEIGHT, scrollToRow, visibleRows, type SequenceRow } from './sequence-layout';
import { HEADER_HEIGHT, SequenceHeader, SequenceRows } from './sequence-svg';
import './sequence.css';

// The export dialog loads the first time it opens (it brings mermaid in with it, lazily again).
const SequenceExportDialog = lazy(() => import('../export/sequence-export-dialog').then((m) => ({ default: m.SequenceExportDialog })));

const noSubscribe = () => () => undefined;

/** The sequence diagram; `ref` is its focusable scroll area. */
export const SequenceView = forwardRef<HTMLDivElement>(function SequenceView(_props, ref) {
  const stores = useStores();
  const sequence = stores.sequence;
  const traceStore = stores.trace;
  useEffect(() => sequence.getState().connect(), [sequence]);
  const pages = useSequenceStore((s) => s.pages);
  const version = useSyncExternalStore(pages?.subscribe ?? noSubscribe, () => pages?.version ?? 0);
  const agents = useTraceStore((s) => s.counts?.agents);
  const selectedSeq = useTraceStore((s) => s.selectedSeq);
  const timeMode = useTraceStore((s) => s.timeMode);
  const following = useTraceStore((s) => s.follow && s.runId !== null && s.runId === s.liveRunId);
  const live = useTraceStore((s) => s.runId !== null && s.runId === s.liveRunId);
  const topology = useDocumentStore((s) => s.topology);
  const scroller = useRef<HTMLDivElement | null>(null);
  const [view, setView] = useState({ row: 0, height: 600, width: 900 });
  const [exporting, setExporting] = useState(false);
  const total = pages?.total ?? 0;

  // The declared agents are known for the live run (started from the open document) only.
  const declared = useMemo(() => (live && topology ? topology.spec.agents.map((a) => a.name) : null), [live, topology]);
  const range = visibleRows(view.row * ROW_HEIGHT, view.height, total);
  const rows = useMemo(() => (pages ? pages.rows(range.first, range.last) : []), [pages, range.first, range.last, version]); // eslint-disable-line react-hooks/exhaustive-deps
  // Lanes: the run's agents up front; one first met in a page (not in the counts) is added at the right.
  const base = laneNames(Object.keys(agents ?? {}), declared ?? []);
  const names = [...base, ...(pages?.agents ?? []).filter((n) => !base.includes(n))];
  const layout = layoutLanes(names, view.width, declared);

  useEffect(() => {
    if (pages && range.last > range.first) pages.ensure(range.first, range.last);
    else pages?.ensure(0, 1);
  }, [pages, range.first, range.last, total]);

  // The scroller's size.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView((v) => ({ ...v, height: el.clientHeight - HEADER_HEIGHT, width: el.clientWidth }));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Following the live run: the newest row stays in view.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [total, following]);

  /** Scrolls row `index` into view (centred when it was far). */
  const reveal = useCallback((index: number, centre: boolean) => {
    const el = scroller.current;
    if (!el) return;
    const height = el.clientHeight - HEADER_HEIGHT;
    el.scrollTop = centre ? Math.max(0, index * ROW_HEIGHT - height / 2) : scrollToRow(index, el.scrollTop, height);
  }, []);

  // A record selected elsewhere (the table, the detail pane's links) comes into view here.
  const clicked = useRef<number | null>(null);
  useEffect(() => {
    if (selectedSeq === null || !pages || clicked.current === selectedSeq) return;
    let current = true;
    void sequence
      .getState()
      .locate(selectedSeq)
      .then((index) => {
        if (!current || index === null) return;
        const el = scroller.current;
        const shown = el && index * ROW_HEIGHT >= el.scrollTop && (index + 1) * ROW_HEIGHT <= el.scrollTop + el.clientHeight - HEADER_HEIGHT;
        if (!shown) reveal(index, true);
      });
    return () => {
      current = false;
    };
  }, [selectedSeq, pages, sequence, reveal]);

  const select = (row: SequenceRow) => {
    clicked.current = row.record.seq;
    const trace = traceStore.getState();
    void trace.jumpTo(row.record);
    trace.setDetailOpen(true);
  };

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const row = Math.floor(el.scrollTop / ROW_HEIGHT);
    setView((v) => (v.row === row ? v : { ...v, row }));
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
    if (following && !atBottom) void traceStore.getState().setFollow(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const trace = traceStore.getState();
    if (event.key === 'Enter') {
      event.preventDefault();
      trace.setDetailOpen(true);
      return;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      if (trace.detailOpen) trace.setDetailOpen(false);
      else trace.select(null);
      return;
    }
    if (!pages) return;
    const el = scroller.current;
    const pageRows = Math.max(1, Math.floor(((el?.clientHeight ?? 300) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    const top = Math.ceil((el?.scrollTop ?? 0) / ROW_HEIGHT);
    const next = moveRow(selectedSeq === null ? -1 : pages.indexOf(selectedSeq), total, event.key, pageRows, top, top + pageRows - 1);
    if (next === null) return;
    event.preventDefault();
    void pages.load(pages.pageOf(next)).then(() => {
      const row = pages.row(next);
      if (!row) return;
      clicked.current = row.record.seq;
      void trace.jumpTo(row.record);
      reveal(next, false);
    });
  };

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
        {pages?.error && (
          <span className="trace-filter-error" role="alert">
            {pages.error}
          </span>
        )}
        <span className="muted sequence-count" data-testid="sequence-count">
          {pages?.total == null ? '' : `${formatCount(total)} ${total === 1 ? 'row' : 'rows'}`}
        </span>
        <button type="button" className="btn btn-small" onClick={() => setExporting(true)} disabled={total === 0} title="Export the rows from the top of the view as Mermaid, SVG or PNG" data-testid="sequence-export">
          Export…
        </button>
      </div>
      <div className="sequence-scroller" ref={setRefs} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown} data-testid="sequence-scroller" aria-label="Sequence diagram" role="group">
        <div className="sequence-header" style={{ width: layout.width }}>
          <SequenceHeader layout={layout} />
        </div>
        <div className="sequence-spacer" style={{ height: total * ROW_HEIGHT, width: layout.width }}>
          <div className="sequence-slice" style={{ top: range.first * ROW_HEIGHT }}>
            <SequenceRows layout={layout} rows={rows} first={range.first} selectedSeq={selectedSeq} onSelect={select} timeMode={timeMode} />
          </div>
        </div>
        {pages?.total === 0 && <p className="empty trace-empty">No records match.</p>}
      </div>
      {exporting && (
        <Suspense fallback={null}>
          <SequenceExportDialog from={Math.min(view.row, Math.max(0, total - 1))} layoutNames={names} declared={declared} onClose={() => setExporting(false)} />
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
