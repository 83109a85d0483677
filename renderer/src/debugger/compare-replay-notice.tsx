/**
 * The replay's notice under the top bar: while a replay (or fork) runs, what it re-runs and its
 * state — replaying, followed the record to its end, or diverged (where) — and, once it has
 * followed or diverged, "Compare with the original" (the Debug view's Compare tab on the two runs).
 * It stays after the run stops, until dismissed or another run starts.
 */
import { useEffect, useState } from 'react';
import type { ReplayStatus } from '../../../preload/contract';
import { useRunStore } from '../stores/run-store';
import { useStores } from '../stores/stores-context';
import { openComparison } from './compare-actions';
import './compare.css';

/** The replay state as the notice words it. */
function stateText(replay: ReplayStatus, stopped: boolean): string {
  if (replay.state === 'followed') return 'followed the record to its end';
  if (replay.state === 'diverged') return 'diverged from the record';
  return stopped ? 'stopped before it reached the end of the record' : 'replaying (no model is called)…';
}

/** The notice, while there is a replay to speak of. */
export function ReplayNotice() {
  const stores = useStores();
  const status = useRunStore((s) => s.status);
  const [last, setLast] = useState<{ runId: string; replay: ReplayStatus } | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const runId = status?.runId ?? null;
  // The newest replay is remembered (the status forgets it once the run stops); another run clears it.
  useEffect(
    () =>
      stores.run.subscribe(({ status: now }) => {
        const replay = now?.replay;
        if (replay && now?.runId) setLast({ runId: now.runId, replay });
        else if (now?.runId && now.state !== 'idle') setLast(null);
      }),
    [stores],
  );
  if (!last || dismissed === last.runId) return null;
  // Starting, running or stopping is not over yet (its trace is still being written).
  const stopped = runId !== last.runId || status?.state === 'idle' || status?.state === 'failed';
  const { replay: shown } = last;
  const what = shown.fork ? `Fork of ${shown.of} at ${shown.fork.agent}’s decision ${shown.fork.turn}` : `Replay of ${shown.of}`;
  const ended = shown.state !== 'replaying' || stopped;
  return (
    <div className={`banner replay-notice replay-${shown.state}`} role="status" data-testid="replay-notice" data-state={shown.state} data-run-id={last.runId}>
      <span className="replay-state-dot" aria-hidden />
      <span>
        <strong>{what}</strong> <span className="muted mono">→ {last.runId}</span>: <span data-testid="replay-state">{stateText(shown, stopped)}</span>
        {shown.divergence && (
          <>
            {' '}— <span data-testid="replay-divergence">{shown.divergence}</span>
          </>
        )}
      </span>
      <span className="spacer" />
      {ended && (
        <button type="button" className="btn btn-small btn-primary" onClick={() => openComparison(stores, shown.of, last.runId)} data-testid="replay-compare">
          Compare with the original
        </button>
      )}
      <button type="button" className="btn btn-small" onClick={() => setDismissed(last.runId)} title="Hide this notice" aria-label="Hide this notice">
        ×
      </button>
    </div>
  );
}
