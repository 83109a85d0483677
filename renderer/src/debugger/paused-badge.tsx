/** What the canvas shows of an agent paused in the debugger: the phase it waits before and for how long; a click opens it in the Paused tab. */
import { useStores } from '../stores/stores-context';
import { useRunStore } from '../stores/run-store';
import { openPausedRun } from './paused-actions';
import { PauseIcon } from './paused-icons';
import { pausedSince, Waited } from './paused-waited';
import './breakpoints.css';

/** The paused badge of `agent` (nothing while it is not paused). */
export function PausedBadge({ agent }: { agent: string }) {
  const stores = useStores();
  const run = useRunStore((s) => s.paused.find((p) => p.agent === agent));
  if (!run) return null;
  return (
    <button
      type="button"
      className="paused-badge nodrag nopan"
      title={`Paused before ${run.phase} (turn ${run.turn}) — open it in the Debug view`}
      data-testid="paused-badge"
      data-agent={agent}
      data-phase={run.phase}
      onClick={(e) => {
        e.stopPropagation();
        openPausedRun(stores, run.runId);
      }}
    >
      <PauseIcon />
      {run.phase} · <Waited run={run} prefix="" />
    </button>
  );
}

/** "2 paused" beside the run controls, waiting the longest shown; a click opens the Paused tab. */
export function PausedCount() {
  const stores = useStores();
  const paused = useRunStore((s) => s.paused);
  if (paused.length === 0) return null;
  const oldest = paused.reduce((a, b) => (pausedSince(b) < pausedSince(a) ? b : a));
  return (
    <button type="button" className="paused-badge paused-count" title={`${paused.map((p) => `${p.agent} before ${p.phase}`).join('\n')}\n— open the Debug view`} data-testid="paused-count" data-count={paused.length} onClick={() => openPausedRun(stores, oldest.runId)}>
      <PauseIcon />
      {paused.length} paused · <Waited run={oldest} prefix="" />
    </button>
  );
}
