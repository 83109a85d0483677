/**
 * The selected paused run: where it stands in its cycle (Observe → Orient → Decide → Act, the
 * phase it waits before lit), why it stopped and for how long, and its phase's input; before Act
 * the decision in Monaco, to act on as the model made it or edited (an invalid edit is refused
 * with the host's reason and the run stays paused).
 */
import { lazy, Suspense, useState } from 'react';
import type { PausedRunInfo } from '../../../preload/contract';
import { useStores } from '../stores/stores-context';
import { PHASES } from './breakpoint-model';
import { resumePaused } from './paused-actions';
import { PhaseInput } from './paused-phase-input';
import { Waited } from './paused-waited';

const DecisionEditor = lazy(() => import('./paused-decision').then((m) => ({ default: m.DecisionEditor })));

const WHAT = { observe: 'the observation', orient: 'the observation, to orient on', decide: 'the prompt it is about to send the model', act: 'the decision it is about to act on' } as const;

const REASON = { breakpoint: 'breakpoint', condition: 'condition hit', step: 'step', pause: 'paused' } as const;

/** Why it stopped, in words: "condition hit: tool get_weather". */
export function reasonText(run: PausedRunInfo): string {
  return run.detail ? `${REASON[run.reason]}: ${run.detail}` : REASON[run.reason];
}

/** Observe → Orient → Decide → Act, the phase it waits before lit. */
function PhaseTrack({ phase }: { phase: PausedRunInfo['phase'] }) {
  const at = PHASES.indexOf(phase);
  return (
    <ol className="phase-track" aria-label="Cycle">
      {PHASES.map((p, i) => (
        <li key={p} className={i < at ? 'done' : i === at ? 'here' : ''} aria-current={i === at ? 'step' : undefined}>
          {p}
        </li>
      ))}
    </ol>
  );
}

/** The decision before Act, editable. */
function DecisionPanel({ run }: { run: PausedRunInfo }) {
  const stores = useStores();
  const model = JSON.stringify(run.payload, null, 2);
  const [draft, setDraft] = useState(model);
  const [version, setVersion] = useState(0);
  const [refusal, setRefusal] = useState<string | null>(null);
  const edited = draft !== model;
  const act = async () => {
    let replace: unknown;
    try {
      replace = JSON.parse(draft);
    } catch (e) {
      setRefusal(`Not JSON: ${(e as Error).message}`);
      return;
    }
    setRefusal(null);
    await resumePaused(stores, 'continue', run.runId, replace);
    const error = stores.run.getState().error;
    if (error) setRefusal(error);
  };
  return (
    <div className="decision-panel">
      <div className="decision-bar">
        <span className="muted">{edited ? 'Edited — the agent will act on your decision.' : 'The model’s decision. Edit it to change what the agent does (Ctrl+Space completes).'}</span>
        <span className="decision-actions">
          <button type="button" className="btn" disabled={!edited} onClick={() => (setDraft(model), setVersion((v) => v + 1), setRefusal(null))} data-testid="decision-reset" title="Back to the model’s decision">
            Reset
          </button>
          <button type="button" className="btn btn-primary" disabled={!edited} onClick={() => void act()} data-testid="resume-edited" title="Act on the edited decision instead of the model’s">
            Act on the edited decision
          </button>
        </span>
      </div>
      <div className="decision-body">
        <Suspense fallback={<div className="decision-monaco muted">Loading the editor…</div>}>
          <DecisionEditor key={`${run.runId}:${run.turn}:${version}`} initial={model} onChange={setDraft} />
        </Suspense>
        {refusal && (
          <p className="decision-refusal" role="alert" data-testid="decision-error">
            <strong>Refused — still paused.</strong> {refusal}
          </p>
        )}
      </div>
    </div>
  );
}

/** The selected paused run. */
export function PausedDetail({ run }: { run: PausedRunInfo }) {
  const reason = reasonText(run);
  return (
    <section className="paused-detail" data-testid="paused-detail" data-agent={run.agent} data-phase={run.phase}>
      <header className="paused-detail-head">
        <div title={`OODA run ${run.runId}`}>
          <strong>{run.agent}</strong> paused before <span className={`phase phase-${run.phase}`}>{run.phase}</span>
          <span className="muted"> · turn {run.turn} · {reason} · <Waited run={run} /></span>
        </div>
        <PhaseTrack phase={run.phase} />
      </header>
      <p className="paused-what muted">Before {run.phase}: {WHAT[run.phase]}.</p>
      {run.phase === 'act' ? <DecisionPanel key={`${run.runId}:${run.turn}`} run={run} /> : <PhaseInput run={run} />}
    </section>
  );
}
