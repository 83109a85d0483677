/**
 * What shows that a recorded run is open: the read-only banner under the top bar (with the way
 * back to the user's topology), and a progress card for long work (an import, opening a big run)
 * with Cancel, which also carries the runs list's messages while that dialog is closed.
 */
import { formatBytes } from '../lib/format';
import { useRunsStore } from '../stores/runs-store';
import './runs.css';

/** The read-only banner, while a recorded run is shown. */
export function RunViewBanner() {
  const viewing = useRunsStore((s) => s.viewing);
  const closeView = useRunsStore((s) => s.closeView);
  const showDialog = useRunsStore((s) => s.showDialog);
  if (!viewing) return null;
  return (
    <div className="banner banner-readonly run-view-banner" role="status" data-testid="run-view-banner">
      <span>
        <strong>Read-only</strong>: recorded run of <strong>{viewing.topology ?? 'an unnamed topology'}</strong>, started {viewing.startedAt.replace('T', ' ').slice(0, 19)} UTC.{' '}
        {viewing.hasTopology ? 'The canvas shows the topology it ran with; editing and Save are off.' : 'Its trace carries no topology, so the canvas is empty.'}
      </span>
      <span className="spacer" />
      <button type="button" className="btn btn-small" onClick={() => showDialog(true)}>
        Runs…
      </button>
      <button type="button" className="btn btn-small btn-primary" onClick={closeView} data-testid="run-view-back">
        Back to my topology
      </button>
    </div>
  );
}

/** The progress card (with Cancel) and, while the runs dialog is closed, its last message. */
export function RunsStatus() {
  const task = useRunsStore((s) => s.task);
  const error = useRunsStore((s) => s.error);
  const notice = useRunsStore((s) => s.notice);
  const dialogOpen = useRunsStore((s) => s.dialogOpen);
  const cancelTask = useRunsStore((s) => s.cancelTask);
  const dismiss = useRunsStore((s) => s.dismiss);
  if (!task && (dialogOpen || (!error && !notice))) return null;
  const share = task && task.total > 0 ? task.done / task.total : null;
  return (
    <div className={`runs-status ${!task && error ? 'runs-status-error' : ''}`} role={task ? 'progressbar' : 'status'} aria-valuenow={share === null ? undefined : Math.round(share * 100)} data-testid="runs-status">
      {task ? (
        <>
          <div className="runs-status-line">
            <span>{task.label}…</span>
            <span className="muted">{share === null ? '' : `${Math.round(share * 100)}% of ${formatBytes(task.total)}`}</span>
            <button type="button" className="btn btn-small" onClick={() => void cancelTask()} data-testid="runs-cancel">
              Cancel
            </button>
          </div>
          <div className="runs-progress">
            <div className="runs-progress-bar" style={{ width: `${Math.round((share ?? 0) * 100)}%` }} />
          </div>
        </>
      ) : (
        <div className="runs-status-line">
          <span data-testid={error ? 'runs-status-error' : 'runs-status-notice'}>{error ?? notice}</span>
          {error && (
            <button type="button" className="btn btn-small" onClick={dismiss}>
              Dismiss
            </button>
          )}
        </div>
      )}
    </div>
  );
}
