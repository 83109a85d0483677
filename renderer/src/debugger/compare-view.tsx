/**
 * The Debug view's Compare tab: two runs side by side, aligned message by message by the host
 * (`trace.compare`). Pick run A and run B (by default the run a replay or fork replays, and the
 * replay); the summary ("412 same · 3 changed · 1 only in A · 0 only in B") and the first
 * divergence, selected and scrolled to on open; n / p or F7 / Shift+F7 go to the next / previous
 * difference, as in VS Code's diff; the selected row's two records in full below.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useCompareStore } from '../stores/compare-store';
import { useDebugStore } from '../stores/debug-store';
import { useRunStore } from '../stores/run-store';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { defaultPair, runLabel } from './compare-actions';
import { CompareDetail } from './compare-detail';
import { CompareGrid } from './compare-grid';
import { compareRowAt, summaryLine } from './compare-rows';
import './compare.css';

/** One run picker. */
function RunPicker({ side, value, onPick }: { side: 'A' | 'B'; value: string | null; onPick: (runId: string) => void }) {
  const runs = useTraceStore((s) => s.runs);
  const known = value === null || runs.some((r) => r.runId === value);
  return (
    <label className="compare-picker">
      <strong>{side}</strong>
      <select className="input" value={value ?? ''} onChange={(e) => onPick(e.target.value)} data-testid={`compare-pick-${side.toLowerCase()}`} aria-label={`Run ${side}`}>
        {value === null && <option value="">Pick a run…</option>}
        {!known && <option value={value}>{value}</option>}
        {runs.map((run) => (
          <option key={run.runId} value={run.runId}>
            {runLabel(run)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The summary, the first divergence and the next / previous buttons. */
function SummaryBar() {
  const { summary, firstDivergence, total, rows, selected, searching, edge, loading, select, step } = useCompareStore();
  if (loading) return <div className="compare-summary muted">Aligning the two runs…</div>;
  if (!summary) return null;
  const first = firstDivergence === null ? undefined : compareRowAt(rows, firstDivergence);
  const where = first ? (first.a ?? first.b) : null;
  return (
    <div className="compare-summary" data-testid="compare-summary-bar">
      <span className={`compare-verdict ${firstDivergence === null ? 'compare-verdict-same' : 'compare-verdict-differ'}`} data-testid="compare-verdict">
        {firstDivergence === null ? '✓ Same conversation' : '≠ The runs differ'}
      </span>
      <span data-testid="compare-summary">{summaryLine(summary)}</span>
      <span className="muted">
        ({summary.a.messages.toLocaleString('en-US')} messages in A, {summary.b.messages.toLocaleString('en-US')} in B)
      </span>
      {firstDivergence !== null && (
        <button type="button" className="btn btn-small compare-first" onClick={() => void select(firstDivergence, true)} data-testid="compare-first-divergence" title="Select the first row that differs">
          First divergence: row {firstDivergence + 1}
          {where ? ` · ${where.from}${where.to && where.to !== where.from ? ` → ${where.to}` : ''} ${where.type}` : ''}
        </button>
      )}
      <span className="compare-nav">
        {edge && (
          <span className="muted" role="status">
            {edge}
          </span>
        )}
        {searching && <span className="muted">Looking…</span>}
        <button type="button" className="btn btn-small" disabled={total === 0 || firstDivergence === null} onClick={() => void step(-1)} title="Previous difference (p or Shift+F7)" data-testid="compare-prev">
          ↑ Previous
        </button>
        <button type="button" className="btn btn-small" disabled={total === 0 || firstDivergence === null} onClick={() => void step(1)} title="Next difference (n or F7)" data-testid="compare-next">
          ↓ Next
        </button>
        {selected !== null && (
          <span className="muted mono" data-testid="compare-position">
            {selected + 1} / {total.toLocaleString('en-US')}
          </span>
        )}
      </span>
    </div>
  );
}

/** The Compare tab. */
export function CompareView() {
  const stores = useStores();
  const compare = useDebugStore((s) => s.compare);
  const compareRuns = useDebugStore((s) => s.compareRuns);
  const runs = useTraceStore((s) => s.runs);
  const status = useRunStore((s) => s.status);
  const error = useCompareStore((s) => s.error);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => void stores.trace.getState().refreshRuns(), [stores]);
  // Nothing chosen yet: the running replay and its original, else the newest replay and its original, else the two newest runs.
  useEffect(() => {
    if (compare) return;
    const replay = status?.replay;
    const pair = replay && status?.runId ? { a: replay.of, b: status.runId } : defaultPair(runs);
    if (pair) compareRuns(pair.a, pair.b);
  }, [compare, status, runs, compareRuns]);
  useEffect(() => {
    if (!compare) return;
    void stores.compare
      .getState()
      .open(compare.a, compare.b)
      .then(() => {
        // Keys (n, p, F7, arrows) work at once when the tab shows.
        if (grid.current?.checkVisibility({ checkVisibilityCSS: true })) grid.current.focus({ preventScroll: true });
      });
  }, [compare, stores]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target instanceof HTMLSelectElement) return;
    const direction = event.key === 'F7' ? (event.shiftKey ? -1 : 1) : event.key === 'n' ? 1 : event.key === 'p' ? -1 : 0;
    if (direction === 0) return;
    event.preventDefault();
    void stores.compare.getState().step(direction);
  };

  const pick = (side: 'a' | 'b', runId: string) => {
    if (!runId) return;
    const other = side === 'a' ? compare?.b : compare?.a;
    compareRuns(side === 'a' ? runId : (other ?? runId), side === 'b' ? runId : (other ?? runId));
  };

  return (
    <div className="compare-view" data-testid="compare-view" onKeyDown={onKeyDown}>
      <div className="compare-toolbar">
        <RunPicker side="A" value={compare?.a ?? null} onPick={(runId) => pick('a', runId)} />
        <button type="button" className="btn btn-small" disabled={!compare} onClick={() => compare && compareRuns(compare.b, compare.a)} title="Swap A and B" data-testid="compare-swap">
          ⇄
        </button>
        <RunPicker side="B" value={compare?.b ?? null} onPick={(runId) => pick('b', runId)} />
        <button type="button" className="btn btn-small" disabled={!compare} onClick={() => compare && void stores.compare.getState().open(compare.a, compare.b, true)} title="Align the two runs again (a run still recording has grown)">
          ↻
        </button>
      </div>
      {error && (
        <p className="form-error compare-error" role="alert" data-testid="compare-error">
          {error}
        </p>
      )}
      {!compare ? (
        <p className="empty" data-testid="compare-empty">
          Pick two runs to compare, or use Replay / Compare with… in the runs list (Trace → Runs…).
        </p>
      ) : (
        <>
          <SummaryBar />
          <CompareGrid ref={grid} />
          <CompareDetail />
        </>
      )}
    </div>
  );
}
