/** The top bar: app name, the open topology, run controls, and the server at a glance. */
import { StatePill } from '../server/state-pill';
import { useServerStore } from '../stores/server-store';

/** The top bar. */
export function TopBar() {
  const status = useServerStore((s) => s.status);
  return (
    <header className="top-bar">
      <div className="brand">
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
          <circle cx="5" cy="12" r="3" fill="currentColor" />
          <circle cx="19" cy="5" r="3" fill="currentColor" />
          <circle cx="19" cy="19" r="3" fill="currentColor" />
          <path d="M7.5 11 16.5 6M7.5 13l9 5" stroke="currentColor" strokeWidth="2" fill="none" />
        </svg>
        Switchboard
      </div>
      <div className="document-title" title="No topology is open">
        No topology open
      </div>
      <div className="run-controls" role="group" aria-label="Run controls">
        {/* Running a topology needs the agent runtime; the buttons show where it will live. */}
        <button type="button" className="btn btn-primary" disabled title="Open a topology to run it">
          ▶ Run
        </button>
        <button type="button" className="btn" disabled title="Nothing is running">
          ■ Stop
        </button>
      </div>
      <div className="top-bar-server" title={status?.clientUrl ?? ''}>
        <span className="muted">NATS</span>
        <StatePill status={status} />
        {status?.version && <span className="muted">v{status.version}</span>}
      </div>
    </header>
  );
}
