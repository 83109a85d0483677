/**
 * The debugger's toolbar (Continue, Step, Step over, Pause an agent, Pause all, Continue all; keys
 * in the titles, each a registry command) and the list of paused runs (agent, phase, turn, why,
 * how long it has waited), shared by the Debug view's Paused tab and the bottom panel's Debugger tab.
 */
import { runCommand } from '../commands/registry';
import { useDebugStore } from '../stores/debug-store';
import { useRunStore } from '../stores/run-store';
import { useStores } from '../stores/stores-context';
import { currentPaused, pauseAgents } from './paused-actions';
import { titled } from './paused-commands';
import { reasonText } from './paused-detail';
import { ContinueAllIcon, ContinueIcon, PauseIcon, StepIcon, StepOverIcon } from './paused-icons';
import { Waited } from './paused-waited';

/** The toolbar. */
export function PausedToolbar() {
  const stores = useStores();
  const running = useRunStore((s) => s.status?.state === 'running');
  const agents = useRunStore((s) => s.status?.agents);
  const anyPaused = useRunStore((s) => s.paused.length > 0);
  return (
    <div className="paused-toolbar" role="toolbar" aria-label="Debugger">
      <button type="button" className="tb-btn tb-continue" disabled={!anyPaused} title={titled('debug.continue', 'Continue to the next breakpoint')} onClick={() => void runCommand('debug.continue')} data-testid="resume-continue">
        <ContinueIcon />
        <span>Continue</span>
      </button>
      <button type="button" className="tb-btn" disabled={!anyPaused} title={titled('debug.step', 'Step to the next phase')} onClick={() => void runCommand('debug.step')} data-testid="resume-step">
        <StepIcon />
        <span>Step</span>
      </button>
      <button type="button" className="tb-btn" disabled={!anyPaused} title={titled('debug.stepOver', 'Step over the rest of the cycle')} onClick={() => void runCommand('debug.stepOver')} data-testid="resume-step-over">
        <StepOverIcon />
        <span>Step over</span>
      </button>
      <span className="tb-sep" />
      <select
        className="tb-select"
        disabled={!running}
        value=""
        aria-label="Pause an agent"
        title="Pause one agent before its next phase (the others keep serving)"
        data-testid="pause-agent"
        onChange={(e) => {
          if (e.target.value) void pauseAgents(stores, e.target.value);
        }}
      >
        <option value="">Pause agent…</option>
        {agents?.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
          </option>
        ))}
      </select>
      <button type="button" className="tb-btn" disabled={!running} title={titled('debug.pauseAll', 'Pause every agent before its next phase')} onClick={() => void runCommand('debug.pauseAll')} data-testid="pause-all">
        <PauseIcon />
        <span>Pause all</span>
      </button>
      <button type="button" className="tb-btn" disabled={!anyPaused} title={titled('debug.continueAll', 'Let every paused run go on')} onClick={() => void runCommand('debug.continueAll')} data-testid="continue-all">
        <ContinueAllIcon />
        <span>Continue all</span>
      </button>
    </div>
  );
}

/** The paused runs; a click selects one (what the toolbar and the detail act on). */
export function PausedList() {
  const stores = useStores();
  const paused = useRunStore((s) => s.paused);
  useDebugStore((s) => s.pausedRun);
  const current = currentPaused(stores)?.runId;
  if (paused.length === 0) return <p className="empty paused-empty">Nothing is paused. A run stops here at its agent’s breakpoints, a step, or a pause.</p>;
  return (
    <ul className="paused-list" role="listbox" aria-label="Paused runs">
      {paused.map((run) => {
        const reason = reasonText(run);
        return (
          <li
            key={run.runId}
            role="option"
            aria-selected={run.runId === current}
            className="paused-row"
            data-testid="paused-run"
            data-agent={run.agent}
            data-phase={run.phase}
            onClick={() => stores.debug.getState().selectPaused(run.runId)}
          >
            <span className="paused-row-icon">
              <PauseIcon />
            </span>
            <span className="paused-row-main">
              <strong>{run.agent}</strong> before <span className={`phase phase-${run.phase}`}>{run.phase}</span>
              <span className="muted"> · turn {run.turn}</span>
              <span className="paused-reason muted">{reason}</span>
            </span>
            <Waited run={run} prefix="" />
          </li>
        );
      })}
    </ul>
  );
}
