/**
 * The Debugger tab: every run waiting at a breakpoint or a step, with what its phase is about to
 * work on; Continue, Step, and — before Act — an editable decision to act on instead of the
 * model's. Breakpoints are set on the agent in the inspector.
 */
import { useState } from 'react';
import type { PausedRunInfo } from '../../../preload/contract';
import { useRunStore } from '../stores/run-store';

/** The Debugger tab's content. */
export function DebuggerPanel() {
  const { status, paused } = useRunStore();
  if (status?.state !== 'running') {
    return <p className="empty">Set breakpoints on an agent in the inspector (Observe, Orient, Decide, Act), press ▶ Run, and send it a request: its run stops here.</p>;
  }
  if (paused.length === 0) {
    return (
      <div className="debugger-idle">
        <p className="empty">Nothing is paused. A run stops here at its agent's breakpoints.</p>
        <PauseButtons />
      </div>
    );
  }
  return (
    <div className="debugger" data-testid="debugger">
      {paused.map((run) => (
        <PausedCard key={`${run.runId}:${run.turn}:${run.phase}`} run={run} />
      ))}
    </div>
  );
}

function PausedCard({ run }: { run: PausedRunInfo }) {
  const resume = useRunStore((s) => s.resume);
  const error = useRunStore((s) => s.error);
  const [draft, setDraft] = useState(() => JSON.stringify(run.payload, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const apply = () => {
    try {
      const replace = JSON.parse(draft) as unknown;
      setParseError(null);
      void resume(run.runId, 'continue', replace);
    } catch (e) {
      setParseError(`Not JSON: ${(e as Error).message}`);
    }
  };
  return (
    <section className="paused-card" data-testid="paused-run" data-phase={run.phase} data-agent={run.agent}>
      <header>
        <span>
          <strong>{run.agent}</strong> paused before <span className={`phase phase-${run.phase}`}>{run.phase}</span> · turn {run.turn}
          <span className="muted mono"> · run {run.runId.slice(0, 8)}</span>
        </span>
        <span className="paused-actions">
          <button type="button" className="btn btn-primary" onClick={() => void resume(run.runId, 'continue')} data-testid="resume-continue">
            ▶ Continue
          </button>
          <button type="button" className="btn" onClick={() => void resume(run.runId, 'step')} data-testid="resume-step">
            ⤼ Step
          </button>
          {run.phase === 'act' && (
            <button type="button" className="btn" onClick={apply} data-testid="resume-edited">
              Act on the edited decision
            </button>
          )}
        </span>
      </header>
      {run.phase === 'act' ? (
        <>
          <p className="muted">The decision it is about to act on. Edit it to change what the agent does.</p>
          <textarea className="mono decision" value={draft} onChange={(e) => setDraft(e.target.value)} spellCheck={false} aria-label="Decision" data-testid="decision-editor" />
        </>
      ) : (
        <pre className="mono payload">{JSON.stringify(run.payload, null, 2)}</pre>
      )}
      {(parseError ?? error) && <p className="card-error">{parseError ?? error}</p>}
    </section>
  );
}

/** Pause any running agent before its next phase. */
function PauseButtons() {
  const { status, pause } = useRunStore();
  return (
    <div className="card-actions debugger-pause">
      {status?.agents.map((a) => (
        <button key={a.name} type="button" className="btn" onClick={() => void pause(a.name)}>
          ⏸ {a.name}
        </button>
      ))}
    </div>
  );
}
