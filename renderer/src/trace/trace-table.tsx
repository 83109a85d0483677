/**
 * The trace table: one row per record of the window (trace-window.ts), virtualized with
 * @tanstack/react-virtual at a fixed row height, so that the scroll position can be kept exactly
 * when pages are added or dropped at the front. Near either end it asks the store for the next
 * page; while following the live run it keeps the newest row in view, and scrolling up pauses that.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { forwardRef, useCallback, useEffect, useLayoutEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { InjectedBadge } from './detail-parts';
import { deltas, formatClock, formatDelta, formatDuration, formatOffset, rowCells, statusLabel } from './trace-format';
import { isSelectionKey, pageToLoad } from './trace-window';

/** Every row's height in px (the scroll adjustments rely on it being fixed). */
const ROW_HEIGHT = 24;

/** Subjects NATS itself uses (JetStream, KV, system, reply inboxes): drawn quieter. */
const isInternal = (subject: string) => /^(\$JS|\$KV|\$O|\$SYS|_INBOX)\./.test(subject);

/** The column headers. */
function Header() {
  const timeMode = useTraceStore((s) => s.timeMode);
  return (
    <div className="trace-grid trace-head" role="row">
      <span role="columnheader" className="num">
        #
      </span>
      <span role="columnheader">{timeMode === 'relative' ? 'Time (s)' : 'Time (UTC)'}</span>
      <span role="columnheader" className="num">
        Δ
      </span>
      <span role="columnheader">From → To</span>
      <span role="columnheader">Subject</span>
      <span role="columnheader">Type</span>
      <span role="columnheader" className="num">
        Latency
      </span>
      <span role="columnheader">Status</span>
      <span role="columnheader" className="num">
        Size
      </span>
    </div>
  );
}

/** The table; `ref` is its focusable scroll area (the workspace focuses it). */
export const TraceTable = forwardRef<HTMLDivElement>(function TraceTable(_props, ref) {
  const window = useTraceStore((s) => s.window);
  const shift = useTraceStore((s) => s.shift);
  const selectedSeq = useTraceStore((s) => s.selectedSeq);
  const timeMode = useTraceStore((s) => s.timeMode);
  const following = useTraceStore((s) => s.follow && s.runId !== null && s.runId === s.liveRunId);
  const loading = useTraceStore((s) => s.loading);
  const facts = useTraceStore((s) => s.facts);
  const traceStore = useStores().trace;
  const scroller = useRef<HTMLDivElement | null>(null);
  const rows = window.rows;
  const gaps = useMemo(() => deltas(rows), [rows]);

  // The app does not use the React Compiler; the virtualizer re-renders through its own state.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 16 });

  // Keep what is on screen in place when rows are added or dropped at the front.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && shift.rows) el.scrollTop += shift.rows * ROW_HEIGHT;
  }, [shift]);
  // After a reload, the selected row comes into view.
  const reveal = useTraceStore((s) => s.reveal);
  useLayoutEffect(() => {
    const index = reveal.seq === null ? -1 : traceStore.getState().window.rows.findIndex((r) => r.seq === reveal.seq);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
  }, [reveal, traceStore, virtualizer]);
  // Following: the newest row stays in view.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [rows, following]);

  /** Asks for the page the visible rows call for. */
  const checkPaging = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const first = Math.floor(el.scrollTop / ROW_HEIGHT);
    const last = Math.ceil((el.scrollTop + el.clientHeight) / ROW_HEIGHT);
    const s = traceStore.getState();
    const which = pageToLoad(s.window, first, last);
    if (which === 'before') void s.loadOlder();
    else if (which === 'after') void s.loadNewer();
  }, [traceStore]);
  useEffect(checkPaging, [rows, checkPaging]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
    if (following && !atBottom) void traceStore.getState().setFollow(false);
    checkPaging();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const store = traceStore.getState();
    if (isSelectionKey(event.key)) {
      event.preventDefault();
      const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 240) / ROW_HEIGHT) - 1);
      const seq = store.moveSelection(event.key, pageRows);
      const index = rows.findIndex((r) => r.seq === seq);
      if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      store.setDetailOpen(true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (store.detailOpen) store.setDetailOpen(false);
      else store.select(null);
    }
  };

  const setRefs = (el: HTMLDivElement | null) => {
    scroller.current = el;
    if (typeof ref === 'function') ref(el);
    else if (ref) ref.current = el;
  };

  return (
    <div className="trace-table" role="table" aria-label="Trace records" aria-rowcount={rows.length}>
      <Header />
      <div className="trace-rows" ref={setRefs} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown} data-testid="trace-table" data-has-before={window.hasBefore} data-has-after={window.hasAfter}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const record = rows[item.index]!;
            const cells = rowCells(record);
            const fact = facts[record.seq];
            // A reply that is not an AgentMessage still has a sender and receiver: its request's.
            const fromTo = cells.fromTo || (fact?.from && fact.to ? `${fact.from} → ${fact.to}` : (fact?.from ?? ''));
            const kindClass = record.kind === 'event' ? 'row-event' : !record.parsed.ok ? (isInternal(record.subject) ? 'row-internal' : 'row-raw') : `row-${record.parsed.message.message_type}`;
            return (
              <div
                key={record.seq}
                role="row"
                aria-selected={record.seq === selectedSeq}
                className={`trace-grid trace-row2 ${kindClass}`}
                data-seq={record.seq}
                data-kind={record.kind}
                data-subject={cells.subject || undefined}
                style={{ transform: `translateY(${item.start}px)` }}
                onMouseDown={() => {
                  const store = traceStore.getState();
                  store.select(record.seq);
                  store.setDetailOpen(true);
                }}
              >
                <span className="num muted" data-col="seq">
                  {record.seq}
                </span>
                <span className="mono" data-col="time">
                  {timeMode === 'relative' ? formatOffset(record.mono) : formatClock(record.time)}
                </span>
                <span className="num muted" data-col="delta">
                  {formatDelta(gaps[item.index] ?? null)}
                </span>
                <span data-col="from-to" title={fromTo}>
                  {fromTo}
                </span>
                <span className="mono" data-col="subject" title={cells.subject}>
                  {cells.subject}
                </span>
                <span data-col="type">
                  {cells.type === null ? <span className="muted">not an AgentMessage</span> : <span className="type-chip">{cells.type}</span>}
                  {fact?.injected && <InjectedBadge />}
                </span>
                <span className="num" data-col="latency">
                  {formatDuration(fact?.latencyMs ?? null)}
                </span>
                <span data-col="status" data-status={fact?.status} title={fact?.error ?? undefined}>
                  {fact && fact.status !== 'ok' && <span className={`status-chip status-${fact.status}`}>{statusLabel(fact.status)}</span>}
                </span>
                <span className="num" data-col="size">
                  {cells.size}
                </span>
              </div>
            );
          })}
        </div>
        {rows.length === 0 && <p className="empty trace-empty">{loading ? 'Loading…' : 'No records match.'}</p>}
      </div>
    </div>
  );
});
