/**
 * The bottom panel's Debugger tab: the compact debugger — its toolbar and the paused runs (the
 * Debug view's own components) and a way to the Debug view's Paused tab, where a run's input and
 * its decision editor are.
 */
import { PausedList, PausedToolbar } from '../debugger/paused-list';
import { openPausedRun, currentPaused } from '../debugger/paused-actions';
import { useRunStore } from '../stores/run-store';
import { useStores } from '../stores/stores-context';
import '../debugger/paused.css';

/** The Debugger tab's content. */
export function DebuggerPanel() {
  const stores = useStores();
  const count = useRunStore((s) => s.paused.length);
  return (
    <div className="debugger-compact" data-testid="debugger">
      <div className="debugger-compact-bar">
        <PausedToolbar />
        <button
          type="button"
          className="btn"
          onClick={() => {
            const run = currentPaused(stores);
            if (run) openPausedRun(stores, run.runId);
            else stores.view.getState().setView('debug');
          }}
          data-testid="open-debug-view"
          title="The Debug view: each paused run’s input, the decision editor, breakpoints"
        >
          {count > 0 ? 'Inspect in the Debug view →' : 'Debug view →'}
        </button>
      </div>
      <PausedList />
    </div>
  );
}
