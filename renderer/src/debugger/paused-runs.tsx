/**
 * The Debug view's Paused tab, laid out like VS Code's debugger: the toolbar across the top; on
 * the left the paused runs (a call-stack-like list) and the breakpoints; on the right the selected
 * run's phase input, or before Act its decision in Monaco.
 */
import { useDebugStore } from '../stores/debug-store';
import { useRunStore } from '../stores/run-store';
import { useStores } from '../stores/stores-context';
import { BreakpointList } from './breakpoint-editor';
import { currentPaused } from './paused-actions';
import { PausedDetail } from './paused-detail';
import { PausedList, PausedToolbar } from './paused-list';
import './paused.css';

/** The Paused tab. */
export function PausedRuns() {
  const stores = useStores();
  useRunStore((s) => s.paused);
  useDebugStore((s) => s.pausedRun);
  const running = useRunStore((s) => s.status?.state === 'running');
  const count = useRunStore((s) => s.paused.length);
  const run = currentPaused(stores);
  return (
    <div className="paused-view" data-testid="paused-view">
      <PausedToolbar />
      <aside className="paused-side">
        <h3 className="paused-pane-title paused-pane-first">
          Paused {count > 0 && <span className="debug-tab-count">{count}</span>}
        </h3>
        <PausedList />
        <h3 className="paused-pane-title">Breakpoints</h3>
        <BreakpointList />
      </aside>
      <main className="paused-main">
        {run ? (
          <PausedDetail key={run.runId} run={run} />
        ) : (
          <div className="paused-idle">
            <p className="empty">
              {running
                ? 'Nothing is paused. Set a breakpoint (the dot left of an agent’s name on the canvas), send a request, and the run stops here; or press Pause all (F6).'
                : 'Set breakpoints on the canvas (the dot left of an agent’s name) or in the inspector, press ▶ Run, and send a request: its run stops here.'}
            </p>
          </div>
        )}
      </main>
    </div>
  );
}
