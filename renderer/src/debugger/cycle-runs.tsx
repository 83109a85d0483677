/**
 * The middle column of the cycle inspector: the selected agent's OODA runs (the incoming message's
 * sender and content, status, turns, duration), each run's turns as rows of four phase chips
 * (observe, orient, decide, act; duration on hover). A click on a chip selects that phase.
 */
import type { CycleRun, CycleTurn } from '../../../agents/trace/cycles';
import { CYCLES_PAGE, useCyclesStore } from '../stores/cycles-store';
import { formatMs, PHASES } from './cycle-model';

function TurnRow({ run, turn }: { run: CycleRun; turn: CycleTurn }) {
  const selection = useCyclesStore((s) => s.selection);
  const selectPhase = useCyclesStore((s) => s.selectPhase);
  const here = selection.oodaRun === run.runId && selection.turn === turn.turn;
  return (
    <li className={`cy-turn${here ? ' cy-turn-here' : ''}`} data-testid="cycle-turn" data-turn={turn.turn}>
      <span className="cy-turn-no" title={turn.decision === null ? 'No model call yet' : `The agent’s decision ${turn.decision} (what a fork names)`}>
        T{turn.turn}
        {turn.decision !== null && <span className="cy-decision">d{turn.decision}</span>}
      </span>
      {PHASES.map((phase) => {
        const rec = turn.phases.find((p) => p.phase === phase);
        const selected = here && selection.phase === phase;
        const extra = phase === 'decide' && turn.llmSeq !== null ? ' · model call' : phase === 'act' && turn.toolSeqs.length > 0 ? ` · ${turn.toolSeqs.length} tool call${turn.toolSeqs.length === 1 ? '' : 's'}` : '';
        return (
          <button
            key={phase}
            type="button"
            className={`cy-chip phase-${phase}${rec ? '' : ' cy-chip-missing'}`}
            aria-pressed={selected}
            data-testid={`cycle-phase-${phase}`}
            title={rec ? `${phase}: ${formatMs(rec.durationMs)}${extra}` : `${phase}: not recorded (yet)`}
            onClick={() => void selectPhase(run.runId, turn.turn, phase)}
          >
            {phase}
            {phase === 'act' && turn.toolSeqs.length > 0 && <span className="cy-chip-count">ƒ{turn.toolSeqs.length}</span>}
            {phase === 'act' && turn.sentSeqs.length > 0 && <span className="cy-chip-count">✉{turn.sentSeqs.length}</span>}
          </button>
        );
      })}
    </li>
  );
}

const STATUS_ICON = { running: '●', completed: '✓', failed: '✕' } as const;

function RunCard({ run, index }: { run: CycleRun; index: number }) {
  const selected = useCyclesStore((s) => s.selection.oodaRun === run.runId);
  const selectRun = useCyclesStore((s) => s.selectRun);
  return (
    <li className={`cy-run${selected ? ' cy-run-here' : ''}`} data-testid="cycle-run" data-run={run.runId} data-status={run.status}>
      <button type="button" className="cy-run-head" onClick={() => selectRun(run.runId)} aria-expanded={selected} title={run.error ?? `OODA run ${run.runId}`}>
        <span className={`cy-status cy-status-${run.status}`} aria-label={run.status}>
          {STATUS_ICON[run.status]}
        </span>
        <span className="cy-run-main">
          <span className="cy-run-line">
            <span className="muted">#{index + 1}</span> from <span className="mono">{run.from ?? '?'}</span>
            <span className="cy-run-meta muted">
              {run.turns.length} turn{run.turns.length === 1 ? '' : 's'} · {run.status === 'running' ? 'running' : formatMs(run.durationMs)}
            </span>
          </span>
          <span className="cy-run-content">{run.content || <span className="muted">(no content)</span>}</span>
          {run.error && <span className="cy-run-error">{run.error}</span>}
        </span>
      </button>
      <ol className="cy-turns">
        {run.turns.map((turn) => (
          <TurnRow key={turn.turn} run={run} turn={turn} />
        ))}
      </ol>
    </li>
  );
}

/** The selected agent's runs, a page at a time. */
export function CycleRuns() {
  const page = useCyclesStore((s) => s.page);
  const pageTo = useCyclesStore((s) => s.pageTo);
  if (!page) return <p className="empty">Pick an agent.</p>;
  if (page.runs.length === 0) return <p className="empty">{page.agent} has no OODA runs in this trace.</p>;
  const end = page.offset + page.runs.length;
  return (
    <div className="cy-runs-wrap">
      {page.truncated && (
        <div className="cy-pager" data-testid="cycle-pager">
          <button type="button" className="btn" disabled={page.offset === 0} onClick={() => void pageTo(page.offset - CYCLES_PAGE)}>
            ‹ Earlier
          </button>
          <span className="muted">
            runs {page.offset + 1}–{end} of {page.runCount}
          </span>
          <button type="button" className="btn" disabled={end >= page.runCount} onClick={() => void pageTo(end)}>
            Later ›
          </button>
        </div>
      )}
      <ol className="cy-runs" data-testid="cycle-runs">
        {page.runs.map((run, i) => (
          <RunCard key={run.runId} run={run} index={page.offset + i} />
        ))}
      </ol>
    </div>
  );
}
