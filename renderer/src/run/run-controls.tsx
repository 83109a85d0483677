/** Run and Stop in the top bar with how many runs are paused, their commands (F5, Shift+F5) and the debugger's (F8, F10…) in the shared registry. */
import { useEffect } from 'react';
import type { RunStatus } from '../../../preload/contract';
import { registerCommands } from '../commands/registry';
import { PausedCount } from '../debugger/paused-badge';
import { registerDebuggerCommands } from '../debugger/paused-commands';
import { useDocumentStore } from '../stores/document-store';
import { useRunStore } from '../stores/run-store';
import { useServerStore } from '../stores/server-store';
import type { Stores } from '../stores/stores';
import { useStores } from '../stores/stores-context';
import './run.css';

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
          running {agentCount(status?.agents ?? [])}
        </span>
      )}
      {state === 'running' && status?.served && status.served.length > 0 && <ServedList served={status.served} />}
      {state === 'running' && <PausedCount />}
      {state === 'failed' && (
        <span className="pill pill-failed" title={status?.error ?? ''} data-testid="run-state">
          failed
        </span>
      )}
    </div>
  );
}

/** "running 3 agents", "1 agent": instances, not names (replicas count). */
function agentCount(agents: RunStatus['agents']): string {
  const n = agents.reduce((sum, a) => sum + a.instances, 0);
  return `${n} agent${n === 1 ? '' : 's'}`;
}

/** The run's agents that other protocols' clients can reach: where, and (A2A) the card to give them. */
function ServedList({ served }: { served: NonNullable<RunStatus['served']> }) {
  const a2a = served.filter((s) => s.protocol === 'a2a').length;
  const synadia = served.length - a2a;
  const label = [a2a > 0 ? `${a2a} over A2A` : null, synadia > 0 ? `${synadia} to Synadia clients` : null].filter(Boolean).join(', ');
  return (
    <details className="served-list" data-testid="run-served">
      <summary title="Agents this run serves to clients of other protocols">served: {label}</summary>
      <ul>
        {served.map((s) => (
          <li key={`${s.protocol}:${s.agent}`}>
            <strong>{s.agent}</strong> <span className="muted">{s.protocol === 'a2a' ? 'A2A card' : 'Synadia prompt'}</span>{' '}
            <code className="served-address" title="Select to copy">
              {s.card ?? s.address}
            </code>
          </li>
        ))}
      </ul>
    </details>
  );
}
