/**
 * The trace table: one row per record matching the filter, virtualized at a fixed row height
 * (trace-viewport.ts). By position, its scroll range is the whole filtered result (a million rows
 * scale into what a browser can draw): rows load in blocks as they come into view, with
 * placeholders meanwhile, and Home/End/PgUp/PgDn move over all of it. A text filter pages a
 * bounded window by seq instead (trace-window.ts), its scroll kept in place as pages come and go.
 * While following the live run the newest row stays in view; scrolling up pauses that, and
 * "↓ N new" resumes it.
 */
import { forwardRef, memo, useCallback } from 'react';
import type { TraceRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';
import { formatCount } from '../lib/format';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { InjectedBadge } from './detail-parts';
import { rowAt } from './trace-blocks';
import { formatClock, formatDelta, formatDuration, formatOffset, isGapEvent, rowCells, statusLabel, synadiaLabel } from './trace-format';
import { contentHeight, rowTop } from './trace-viewport';
import { useTraceScroller } from './use-trace-scroller';
import './trace-table.css';

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

/** One record's row (redrawn only when what it shows changes). */
const RecordRow = memo(function RecordRow({ record, fact, previous, index, top, selected, timeMode, onPick }: { record: TraceRecord; fact: RowFacts | undefined; previous: TraceRecord | undefined; index: number; top: number; selected: boolean; timeMode: 'absolute' | 'relative'; onPick: (seq: number) => void }) {
  const cells = rowCells(record);
  // A reply that is not an AgentMessage still has a sender and receiver: its request's.
  const fromTo = cells.fromTo || (fact?.from && fact.to ? `${fact.from} → ${fact.to}` : (fact?.from ?? ''));
  // The Synadia protocol's messages are labelled by the facts (a chunk is known by the prompt it answers).
  const synadia = cells.type === null ? synadiaLabel(fact?.type) : null;
  const kindClass = record.kind === 'event' ? (isGapEvent(record) ? 'row-event row-gap' : 'row-event') : !record.parsed.ok ? (synadia ? 'row-synadia' : isInternal(record.subject) ? 'row-internal' : 'row-raw') : `row-${record.parsed.message.message_type}`;
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      className={`trace-grid trace-row2 ${kindClass}`}
      data-seq={record.seq}
      data-position={index}
      data-kind={record.kind}
      data-subject={cells.subject || undefined}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={() => onPick(record.seq)}
    >
      <span className="num muted" data-col="seq">
        {record.seq}
      </span>
      <span className="mono" data-col="time">
        {timeMode === 'relative' ? formatOffset(record.mono) : formatClock(record.time)}
      </span>
      <span className="num muted" data-col="delta">
        {formatDelta(previous ? Math.max(0, record.mono - previous.mono) : null)}
      </span>
      <span data-col="from-to" title={fromTo}>
        {fromTo}
      </span>
      <span className="mono" data-col="subject" title={cells.subject}>
        {cells.subject}
      </span>
      <span data-col="type">
        {cells.type !== null ? (
          <span className="type-chip">{cells.type}</span>
        ) : synadia ? (
          <span className={`type-chip type-${fact!.type!.replace('.', '-')}`} title={`${fact!.type}: a message of the Synadia Agent Protocol`}>
            {synadia}
          </span>
        ) : (
          <span className="muted">not an AgentMessage</span>
        )}
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
});

/** The "↓ N new" / "↓ Follow" button over a live run's table while following is paused. */
function FollowButton() {
  const show = useTraceStore((s) => !s.follow && s.runId !== null && s.runId === s.liveRunId);
  const fresh = useTraceStore((s) => s.newSincePause);
  const setFollow = useTraceStore((s) => s.setFollow);
  if (!show) return null;
  return (
    <button type="button" className="btn btn-small trace-follow-new" onClick={() => void setFollow(true)} title="Jump to the newest records and follow them" data-testid="trace-follow-new">
      {fresh > 0 ? `↓ ${formatCount(fresh)} new` : '↓ Follow'}
    </button>
  );
}

/** The table; `ref` is its focusable scroll area (the workspace focuses it). */
export const TraceTable = forwardRef<HTMLDivElement>(function TraceTable(_props, ref) {
  const rows = useTraceStore((s) => s.rows);
  const window = useTraceStore((s) => s.window);
  const windowFacts = useTraceStore((s) => s.facts);
  const selectedSeq = useTraceStore((s) => s.selectedSeq);
  const timeMode = useTraceStore((s) => s.timeMode);
  const loading = useTraceStore((s) => s.loading);
  const traceStore = useStores().trace;
  const { setRefs, scrollTop, byPosition, count, visible, first, last, onScroll, onKeyDown } = useTraceScroller(ref);

  /** The record (and facts) at index `i`, when loaded. */
  const recordAt = useCallback(
    (i: number): { record: TraceRecord; facts: RowFacts | undefined } | undefined => {
      if (byPosition) return rowAt(rows, i);
      const record = window.rows[i];
      return record && { record, facts: windowFacts[record.seq] };
    },
    [byPosition, rows, window, windowFacts],
  );

  const onPick = useCallback(
    (seq: number) => {
      const store = traceStore.getState();
      store.select(seq);
      store.setDetailOpen(true);
    },
    [traceStore],
  );

  const drawn = [];
  for (let i = first; i <= last; i++) {
    const top = rowTop(i, scrollTop, visible);
    const row = recordAt(i);
    if (!row) {
      drawn.push(
        <div key={`p${i}`} role="row" aria-rowindex={i + 1} aria-busy="true" className="trace-grid trace-row2 row-loading" data-position={i} style={{ transform: `translateY(${top}px)` }}>
          <span className="num muted">…</span>
        </div>,
      );
      continue;
    }
    drawn.push(<RecordRow key={row.record.seq} record={row.record} fact={row.facts} previous={i > 0 ? recordAt(i - 1)?.record : undefined} index={i} top={top} selected={row.record.seq === selectedSeq} timeMode={timeMode} onPick={onPick} />);
  }

  return (
    <div className="trace-table" role="table" aria-label="Trace records" aria-rowcount={count}>
      <Header />
      <div
        className="trace-rows"
        ref={setRefs}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-testid="trace-table"
        data-mode={byPosition ? 'position' : 'window'}
        data-total={count}
        data-first-visible={visible.first}
        data-has-before={byPosition ? visible.first > 0 : window.hasBefore}
        data-has-after={byPosition ? visible.last < count - 1 : window.hasAfter}
      >
        <div style={{ height: contentHeight(count), position: 'relative' }}>{drawn}</div>
        {count === 0 && <p className="empty trace-empty">{loading ? 'Loading…' : 'No records match.'}</p>}
      </div>
      <FollowButton />
    </div>
  );
});
