/**
 * The Debug view's Cycles tab, the cycle inspector: for the run the Trace view shows, each agent
 * (left, with its OODA run count), the selected agent's runs and their turns as rows of phase chips
 * (middle), and the selected phase's detail — what went in and what came out — with links to the
 * trace explorer and "Fork from here" (right). Updates while the run records.
 */
import { useEffect } from 'react';
import { useCyclesStore } from '../stores/cycles-store';
import { useRunStore } from '../stores/run-store';
import { useTraceStore } from '../stores/trace-store';
import { CycleDetail } from './cycle-detail';
import { CycleRuns } from './cycle-runs';
import './cycle-inspector.css';

/** The agents with their run counts; the live topology's agents that have not run yet show with 0. */
function AgentList() {
  const agents = useCyclesStore((s) => s.agents);
  const selected = useCyclesStore((s) => s.selection.agent);
  const selectAgent = useCyclesStore((s) => s.selectAgent);
  const runId = useTraceStore((s) => s.runId);
  const topology = useRunStore((s) => (s.status?.runId === runId ? s.status.agents : null));
  const idle = (topology ?? []).map((a) => a.name).filter((name) => !agents.some((a) => a.agent === name));
  return (
    <nav className="cy-agents" aria-label="Agents">
      <h3 className="cy-pane-title">Agents</h3>
      <ul>
        {agents.map((a) => (
          <li key={a.agent}>
            <button type="button" className="cy-agent" aria-pressed={selected === a.agent} data-testid="cycle-agent" data-agent={a.agent} onClick={() => void selectAgent(a.agent)}>
              <span className="cy-agent-name mono">{a.agent}</span>
              <span className="cy-count" title={`${a.runCount} OODA run${a.runCount === 1 ? '' : 's'} (one per incoming request)`}>
                {a.runCount}
              </span>
            </button>
          </li>
        ))}
        {idle.map((name) => (
          <li key={name}>
            <span className="cy-agent cy-agent-idle" title="No OODA run in this trace yet">
              <span className="cy-agent-name mono">{name}</span>
              <span className="cy-count">0</span>
            </span>
          </li>
        ))}
      </ul>
      {agents.length === 0 && idle.length === 0 && <p className="empty">No agent has run an OODA cycle in this trace.</p>}
    </nav>
  );
}

/** The right pane: the selected phase, or a hint. */
function DetailPane() {
  const page = useCyclesStore((s) => s.page);
  const selection = useCyclesStore((s) => s.selection);
  const run = page?.runs.find((r) => r.runId === selection.oodaRun);
  const turn = run?.turns.find((t) => t.turn === selection.turn);
  return (
    <section className="cy-right" aria-label="Phase detail">
      {run && turn && selection.phase ? (
        <CycleDetail run={run} turn={turn} phase={selection.phase} />
      ) : (
        <p className="empty">
          {run ? 'Click a phase of a turn to see what went in and what came out.' : 'Pick a run, then a phase of one of its turns: Observe (the message), Orient (the prompt), Decide (the model call), Act (tools and messages sent).'}
        </p>
      )}
    </section>
  );
}

/** The Cycles tab; `active` while the Debug view shows. */
export function CycleInspector({ active }: { active: boolean }) {
  const setActive = useCyclesStore((s) => s.setActive);
  const runId = useTraceStore((s) => s.runId);
  const error = useCyclesStore((s) => s.error);
  useEffect(() => {
    setActive(active);
    return () => setActive(false);
  }, [active, setActive]);
  if (!runId) return <p className="empty">No run to inspect: run a topology or open a recorded run (the inspector reads the run the Trace view shows).</p>;
  return (
    <div className="cycle-inspector" data-testid="cycle-inspector">
      {error && (
        <p className="cy-banner" role="alert">
          {error}
        </p>
      )}
      <div className="cy-columns">
        <AgentList />
        <section className="cy-middle" aria-label="Runs and turns">
          <h3 className="cy-pane-title">
            Runs <span className="muted mono cy-run-id" title="The trace's run">{runId}</span>
          </h3>
          <CycleRuns />
        </section>
        <DetailPane />
      </div>
    </div>
  );
}
