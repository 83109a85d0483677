/**
 * "Fork from here": the turn's recorded decision in the debugger's Monaco decision editor (the
 * OodaDecision JSON Schema), and "Run fork": `run.replay` with `fork` — everything before this
 * decision replays from the record, this one is the edited one, the topology's providers answer
 * after it. An invalid decision is refused here with the reason; the draft stays.
 */
import { lazy, Suspense } from 'react';
import { useCyclesStore } from '../stores/cycles-store';

const DecisionEditor = lazy(() => import('./paused-decision').then((m) => ({ default: m.DecisionEditor })));

/** The fork editor for the selected turn. */
export function CycleFork() {
  const fork = useCyclesStore((s) => s.fork);
  const setForkText = useCyclesStore((s) => s.setForkText);
  const closeFork = useCyclesStore((s) => s.closeFork);
  const runFork = useCyclesStore((s) => s.runFork);
  if (!fork) return null;
  return (
    <section className="cy-fork" data-testid="cycle-fork" aria-label="Fork from this decision">
      <header className="cy-fork-head">
        <span>
          Fork <strong>{fork.agent}</strong> at its decision {fork.decision} <span className="muted">(turn {fork.turn}): edit what the model decided, then run</span>
        </span>
        <span className="cy-fork-actions">
          <button type="button" className="btn" onClick={closeFork} data-testid="cycle-fork-cancel">
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={fork.busy} onClick={() => void runFork()} data-testid="cycle-fork-run" title="Replay the run from the record up to here, use this decision, and let the topology’s providers answer after it">
            {fork.busy ? 'Starting…' : '▶ Run fork'}
          </button>
        </span>
      </header>
      <div className="cy-fork-editor">
        <Suspense fallback={<div className="decision-monaco muted">Loading the editor…</div>}>
          <DecisionEditor key={`${fork.oodaRun}:${fork.turn}`} initial={fork.initial} onChange={setForkText} />
        </Suspense>
      </div>
      {fork.error && (
        <p className="cy-fork-error" role="alert" data-testid="cycle-fork-error">
          {fork.error}
        </p>
      )}
    </section>
  );
}
