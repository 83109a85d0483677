/**
 * The Compare tab's two columns, aligned row by row: run A's message on the left, run B's on the
 * right, each as from → to, type, subject and the content cut. Virtualized at the trace table's
 * fixed row height (trace/trace-viewport.ts), rows paged from the host as they come into view.
 * A changed row is tinted with its differing fields marked and a word-level diff of the content;
 * a row only in A (or B) leaves the other cell empty. Arrow keys move the selection.
 */
import type { AlignedRow, MessageDigest } from '../../../agents/trace/diff-schema';
import { forwardRef, memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type ForwardedRef, type KeyboardEvent } from 'react';
import { useCompareStore } from '../stores/compare-store';
import { useStores } from '../stores/stores-context';
import { contentHeight, ROW_HEIGHT, rowTop, scrollTopFor, visibleRows } from '../trace/trace-viewport';
import { compareRowAt, wordDiff, type DiffPart } from './compare-rows';

/** Rows drawn beyond each edge of the viewport. */
const OVERSCAN = 4;
/**
 * Each aligned row is two of the trace table's lines high (from → to, type and subject; then the
 * content), so the trace viewport's geometry is used in lines: row i is lines 2i and 2i+1.
 */
const LINES = 2;

/** The marker of each status in the gutter. */
const MARK: Record<AlignedRow['status'], string> = { same: '', changed: '≠', 'only-a': '−', 'only-b': '+' };
const STATUS_TITLE: Record<AlignedRow['status'], string> = { same: 'The same in both runs', changed: 'Changed', 'only-a': 'Only in A', 'only-b': 'Only in B' };

/** A content with its word-level changes marked. */
function DiffText({ parts }: { parts: DiffPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        part.change === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : (
          <mark key={i} className={`compare-word-${part.change}`}>
            {part.text}
          </mark>
        ),
      )}
    </>
  );
}

/** One side's cell: from → to, type and subject, then the content (its differing fields marked). */
function Cell({ digest, differs, parts, side }: { digest: MessageDigest | null; differs: readonly string[]; parts: DiffPart[] | null; side: 'a' | 'b' }) {
  if (!digest) return <span className={`compare-cell compare-cell-${side} compare-cell-empty`} data-side={side} />;
  const mark = (...fields: string[]) => (fields.some((f) => differs.includes(f)) ? ' compare-differs' : '');
  const fromTo = digest.to && digest.to !== digest.from ? `${digest.from} → ${digest.to}` : digest.from;
  return (
    <span className={`compare-cell compare-cell-${side}`} data-side={side} data-seq={digest.seq}>
      <span className="compare-line">
        <span className={`compare-field compare-from-to${mark('from', 'to')}`} data-field="from-to" title={fromTo}>
          {fromTo}
        </span>
        <span className={`compare-field${mark('type')}`} data-field="type">
          <span className="type-chip">{digest.type}</span>
        </span>
        <span className={`compare-field compare-subject mono${mark('subject')}`} data-field="subject" title={digest.subject}>
          {digest.subject}
        </span>
      </span>
      <span className={`compare-field compare-content${mark('content')}`} data-field="content" title={digest.content}>
        {parts ? <DiffText parts={parts} /> : digest.content}
      </span>
    </span>
  );
}

/** One aligned row (redrawn only when what it shows changes). */
const CompareRow = memo(function CompareRow({ row, top, selected, onPick }: { row: AlignedRow; top: number; selected: boolean; onPick: (index: number) => void }) {
  const diff = row.status === 'changed' && row.a && row.b && row.differs.includes('content') ? wordDiff(row.a.content, row.b.content) : null;
  return (
    <div
      role="row"
      aria-rowindex={row.index + 2}
      aria-selected={selected}
      className={`compare-grid compare-row compare-${row.status}`}
      data-index={row.index}
      data-status={row.status}
      data-differs={row.differs.join(' ') || undefined}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={() => onPick(row.index)}
    >
      <span className="compare-index num muted">{row.index + 1}</span>
      <span className="compare-mark" title={STATUS_TITLE[row.status]}>
        {MARK[row.status]}
      </span>
      <Cell digest={row.a} differs={row.differs} parts={diff?.a ?? null} side="a" />
      <Cell digest={row.b} differs={row.differs} parts={diff?.b ?? null} side="b" />
    </div>
  );
});

/** The column headers: the two runs. */
function Header({ a, b }: { a: string; b: string }) {
  const side = (label: string, runId: string) => (
    <span role="columnheader" className="compare-head-side" title={runId}>
      <strong>{label}</strong> <span className="mono">{runId}</span>
    </span>
  );
  return (
    <div className="compare-grid compare-head" role="row">
      <span role="columnheader" className="num">
        #
      </span>
      <span role="columnheader" />
      {side('A', a)}
      {side('B', b)}
    </div>
  );
}

/** Points a forwarded ref at `el`. */
function assignRef(ref: ForwardedRef<HTMLDivElement>, el: HTMLDivElement | null) {
  if (typeof ref === 'function') ref(el);
  else if (ref) ref.current = el;
}

/** The aligned rows; `ref` is the focusable scroll area. */
export const CompareGrid = forwardRef<HTMLDivElement>(function CompareGrid(_props, ref) {
  const { a, b, total, rows, selected, reveal } = useCompareStore();
  const store = useStores().compare;
  const scroller = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const visible = visibleRows(scrollTop, viewport, total * LINES);
  const firstVisible = Math.floor(visible.first / LINES);
  const lastVisible = Math.floor(visible.last / LINES);
  const first = Math.max(0, firstVisible - OVERSCAN);
  const last = Math.min(total - 1, lastVisible + OVERSCAN);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(Math.max(0, el.clientHeight));
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);
  // The row the store asks to show (the first divergence on open, n / p, a key).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || reveal.index === null) return;
    el.scrollTop = scrollTopFor(reveal.index * LINES, 'center', el.scrollTop, el.clientHeight, store.getState().total * LINES);
    setScrollTop(el.scrollTop);
  }, [reveal, store]);
  useEffect(() => {
    if (total > 0) store.getState().ensureRows(firstVisible, lastVisible);
  }, [firstVisible, lastVisible, total, rows, store]);

  const onPick = useCallback((index: number) => void store.getState().select(index), [store]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(viewport / (ROW_HEIGHT * LINES)) - 1);
    const step = ({ ArrowUp: -1, ArrowDown: 1, PageUp: -page, PageDown: page, Home: -Infinity, End: Infinity } as Record<string, number>)[event.key];
    if (step === undefined || total === 0) return;
    event.preventDefault();
    const from = selected ?? (step > 0 ? -1 : total);
    const index = Math.min(total - 1, Math.max(0, from + step));
    const el = scroller.current!;
    // Moving down, the row's second line is brought into view; moving up, its first.
    el.scrollTop = scrollTopFor(index * LINES + (step > 0 ? LINES - 1 : 0), 'auto', el.scrollTop, el.clientHeight, total * LINES);
    setScrollTop(el.scrollTop);
    void store.getState().select(index);
  };

  if (!a || !b) return null;
  const drawn = [];
  for (let i = first; i <= last; i++) {
    const row = compareRowAt(rows, i);
    const top = rowTop(i * LINES, scrollTop, visible);
    drawn.push(
      row ? (
        <CompareRow key={i} row={row} top={top} selected={selected === i} onPick={onPick} />
      ) : (
        <div key={i} role="row" className="compare-grid compare-row compare-loading" style={{ transform: `translateY(${top}px)` }}>
          <span className="compare-index num muted">{i + 1}</span>
        </div>
      ),
    );
  }
  return (
    <div className="compare-table" role="grid" aria-rowcount={total + 1} aria-label="Run A and run B, aligned message by message">
      <Header a={a} b={b} />
      <div
        ref={(el) => {
          scroller.current = el;
          assignRef(ref, el);
        }}
        className="compare-scroll"
        tabIndex={0}
        data-testid="compare-grid"
        data-total={total}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: contentHeight(total * LINES), position: 'relative' }}>{drawn}</div>
      </div>
    </div>
  );
});
