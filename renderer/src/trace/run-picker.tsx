/**
 * The run a view reads: a picker of the recorded runs (the live one marked ●), the Runs… dialog and
 * a live/recorded badge. The Trace view's toolbar and the Debug view's header both show it; they
 * read the same run (the trace store's), so picking in one picks in both.
 */
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';

/** The run picker; `testIdPrefix` keeps test ids unique when two views show one. */
export function RunPicker({ testIdPrefix = 'trace' }: { testIdPrefix?: string }) {
  const { runs, runId, liveRunId, refreshRuns } = useTraceStore();
  const runsStore = useStores().runs; // a past run's index may need rebuilding: progress and Cancel
  const live = runId !== null && runId === liveRunId;
  const shown = runs.some((r) => r.runId === runId) || runId === null ? runs : [{ runId, startedAt: '', topology: null }, ...runs];
  return (
    <>
      <label className="trace-run-picker">
        <span className="muted">Run</span>
        <select value={runId ?? ''} onFocus={() => void refreshRuns()} onChange={(e) => void runsStore.getState().showRecords(e.target.value)} data-testid={`${testIdPrefix}-run-picker`}>
          {runId === null && <option value="">(no run)</option>}
          {shown.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.runId === liveRunId ? '● ' : ''}
              {r.topology ?? 'run'} · {r.startedAt ? r.startedAt.replace('T', ' ').slice(0, 19) : r.runId}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="btn btn-small" onClick={() => runsStore.getState().showDialog(true)} title="Every recorded run: open read-only, import, export, delete" data-testid={`${testIdPrefix}-runs-button`}>
        Runs…
      </button>
      {runId && (
        <span className={`badge ${live ? 'badge-live' : ''}`} data-testid={`${testIdPrefix}-run-badge`}>
          {live ? 'live' : 'recorded'}
        </span>
      )}
    </>
  );
}
