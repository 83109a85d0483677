/** A coloured dot plus the server state, e.g. "● running". */
import type { ServerStatus } from '../../../preload/contract';

const LABELS: Record<ServerStatus['state'], string> = {
  starting: 'starting',
  running: 'running',
  restarting: 'restarting',
  stopping: 'stopping',
  stopped: 'stopped',
  failed: 'failed',
};

/** The server's state at a glance; external servers say "reconnecting" instead of "restarting". */
export function StatePill({ status }: { status: ServerStatus | null }) {
  if (!status) return <span className="pill pill-unknown" data-testid="server-state">connecting…</span>;
  const label = status.mode === 'external' && status.state === 'restarting' ? 'reconnecting' : LABELS[status.state];
  return (
    <span className={`pill pill-${status.state}`} data-testid="server-state" data-state={status.state}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
