/** Run and Stop in the top bar with how many runs are paused, their commands (F5, Shift+F5) and the debugger's (F8, F10…) in the shared registry. */
import { useEffect } from 'react';
import { registerCommands } from '../commands/registry';
import { PausedCount } from '../debugger/paused-badge';
import { registerDebuggerCommands } from '../debugger/paused-commands';
import { useDocumentStore } from '../stores/document-store';
import { useRunStore } from '../stores/run-store';
import { useServerStore } from '../stores/server-store';
import type { Stores } from '../stores/stores';
import { useStores } from '../stores/stores-context';

type RunStores = Pick<Stores, 'document' | 'run' | 'server'>;

/** Why Run is not possible now, or null when it is. */
function runBlocker(stores: RunStores): string | null {
  const doc = stores.document.getState();
  const run = stores.run.getState();
  if (stores.server.getState().status?.state !== 'running') return 'The NATS server is not running';
  if (!doc.topology || doc.pendingText !== null) return 'Open a topology to run it';
  if (doc.problems.some((p) => p.severity === 'error')) return 'Fix the problems first (see Problems)';
  if (run.busy || (run.status && run.status.state !== 'idle' && run.status.state !== 'failed')) return 'A topology is running';
  return null;
}

const canStop = (stores: RunStores) => {
  const state = stores.run.getState().status?.state;
  return state === 'running' || state === 'starting';
};

/** The Run / Stop buttons. */
export function RunControls() {
  const stores = useStores();
  // Subscribing re-renders the buttons whenever an input of runBlocker changes.
  useDocumentStore((s) => s.topology);
  useDocumentStore((s) => s.problems);
  useDocumentStore((s) => s.pendingText);
  useServerStore((s) => s.status?.state);
  const { status, busy, start, stop } = useRunStore();
  useEffect(
    () =>
      registerCommands([
        { id: 'run.start', label: 'Run the topology', group: 'Run', keys: 'F5', keyTest: (e) => e.key === 'F5' && !e.shiftKey, enabled: () => runBlocker(stores) === null, perform: () => stores.run.getState().start() },
        { id: 'run.stop', label: 'Stop the run', group: 'Run', keys: 'Shift+F5', keyTest: (e) => e.key === 'F5' && e.shiftKey, enabled: () => canStop(stores), perform: () => stores.run.getState().stop() },
      ]),
    [stores],
  );
  useEffect(() => registerDebuggerCommands(stores), [stores]);
  const blocker = runBlocker(stores);
  const state = status?.state ?? 'idle';
  return (
    <div className="run-controls" role="group" aria-label="Run controls">
      <button type="button" className="btn btn-primary" disabled={blocker !== null} title={blocker ?? 'Run the topology on the embedded server (F5)'} onClick={() => void start()} data-testid="run-start">
        {state === 'starting' ? 'Starting…' : '▶ Run'}
      </button>
      <button type="button" className="btn" disabled={!canStop(stores) || busy} title={canStop(stores) ? 'Stop the run (Shift+F5)' : 'Nothing is running'} onClick={() => void stop()} data-testid="run-stop">
        ■ Stop
      </button>
      {state === 'running' && (
        <span className="muted" data-testid="run-state">
          running {status?.agents.reduce((n, a) => n + a.instances, 0)} agents
        </span>
      )}
      {state === 'running' && <PausedCount />}
      {state === 'failed' && (
        <span className="pill pill-failed" title={status?.error ?? ''} data-testid="run-state">
          failed
        </span>
      )}
    </div>
  );
}
