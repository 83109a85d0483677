/**
 * The sequence view: the table's rows (the trace store's, same filter, same order) as a sequence
 * diagram, lanes per agent (sequence-layout.ts). Virtualized as the table is (trace-viewport.ts:
 * its row height and scroll geometry, a million rows scaled into what a browser draws): one SVG of
 * the rows on screen plus a few, its rows memoized, so scrolling redraws only rows that come into
 * view. SVG rather than canvas: crisp text, arrows that are elements (click, hover, tests), and
 * the same drawing exports as an SVG file. Selection, keys, follow live and paging are the store's.
 */
import { forwardRef, lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { formatCount } from '../lib/format';
import { useDocumentStore } from '../stores/document-store';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { laneNames, layoutLanes, withRowAgents, type SequenceRow } from './sequence-layout';
import { HEADER_HEIGHT, SequenceHeader, SequenceRows } from './sequence-svg';
import { rowAt } from './trace-blocks';
import { contentHeight, rowTop } from './trace-viewport';
import { useTraceScroller } from './use-trace-scroller';
import './sequence.css';

// The export dialog loads the first time it opens (and mermaid with it, lazily again).
const SequenceExportDialog = lazy(() => import('../export/sequence-export-dialog').then((m) => ({ default: m.SequenceExportDialog })));

/** The sequence diagram; `ref` is its focusable scroll area. */
export const SequenceView = forwardRef<HTMLDivElement>(function SequenceView(_props, ref) {
  const blocks = useTraceStore((s) => s.rows);
  const window = useTraceStore((s) => s.window);
  const windowFacts = useTraceStore((s) => s.facts);
  const agents = useTraceStore((s) => s.counts?.agents);
  const selectedSeq = useTraceStore((s) => s.selectedSeq);
  const timeMode = useTraceStore((s) => s.timeMode);
  const live = useTraceStore((s) => s.runId !== null && s.runId === s.liveRunId);
  const loading = useTraceStore((s) => s.loading);
  const topology = useDocumentStore((s) => s.topology);
  const traceStore = useStores().trace;
  const [exporting, setExporting] = useState(false);
  const { setRefs, scrollTop, size, byPosition, count, visible, first, last, onScroll, onKeyDown } = useTraceScroller(ref, { headerHeight: HEADER_HEIGHT, showSelectionOnMount: true });
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


  const onSelect = useCallback(
    (row: SequenceRow) => {
      const store = traceStore.getState();
      store.select(row.record.seq);
      store.setDetailOpen(true);
    },
    [traceStore],
  );

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
