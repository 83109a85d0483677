/**
 * Breakpoints, editable: one agent's (phases to break before, conditions) in the inspector and the
 * canvas's gutter popover, and every agent's in the Paused tab's list (like DevTools' breakpoints
 * pane: switch on/off, edit the condition, remove). One row component for both.
 */
import { useState } from 'react';
import { describeCondition } from '../../../agents/protocol/breakpoint';
import { useDocumentStore } from '../stores/document-store';
import { useRunStore } from '../stores/run-store';
import { useStores } from '../stores/stores-context';
import { editBreakpoints, enableBreakpoint } from './breakpoint-actions';
import { ConditionForm } from './breakpoint-condition-form';
import { breakpointRows, hasPhase, PHASES, withEntry, withPhase, type BreakpointRow } from './breakpoint-model';
import './breakpoints.css';

/** The tools an agent may call (offered in the condition form). */
function useAgentTools(agent: string | null): string[] {
  return useDocumentStore((s) => {
    const spec = agent ? s.topology?.spec.agents.find((a) => a.name === agent) : undefined;
    return spec?.tools ?? NO_TOOLS;
  });
}
const NO_TOOLS: string[] = [];

/** One breakpoint: on/off, what it is, edit (conditional ones), remove. */
function BreakpointLine({ row, showAgent }: { row: BreakpointRow; showAgent: boolean }) {
  const stores = useStores();
  const readOnly = useDocumentStore((s) => s.readOnly);
  const { agent, phase, condition } = row.breakpoint;
  const tools = useAgentTools(agent);
  const [editing, setEditing] = useState(false);
  const label = `${showAgent ? `${agent} · ` : ''}before ${phase}${condition ? ` · when ${describeCondition(condition)}` : ''}`;
  return (
    <li className={`bp-row${row.enabled ? '' : ' bp-row-off'}`} data-testid="breakpoint-row" data-agent={agent} data-phase={phase} data-enabled={row.enabled} data-condition={condition?.kind ?? ''}>
      <div className="bp-row-line">
        <input type="checkbox" checked={row.enabled} onChange={(e) => enableBreakpoint(stores, row.key, e.target.checked)} title={row.enabled ? 'Switch off for now (kept in the list)' : 'Switch on'} aria-label={`Enabled: ${label}`} data-testid="breakpoint-enabled" />
        <span className={`bp-mark${condition ? ' bp-mark-cond' : ''}`} aria-hidden="true" />
        <span className="bp-label" title={label}>
          {showAgent && <strong>{agent}</strong>}
          {showAgent && ' · '}before <span className={`phase phase-${phase}`}>{phase}</span>
          {condition && <span className="bp-cond mono"> when {describeCondition(condition)}</span>}
        </span>
        {condition && !readOnly && (
          <button type="button" className="btn-icon" title="Edit the condition" aria-label={`Edit ${label}`} onClick={() => setEditing((v) => !v)} data-testid="breakpoint-edit">
            ✎
          </button>
        )}
        {!readOnly && (
          <button type="button" className="btn-icon" title="Remove" aria-label={`Remove ${label}`} onClick={() => editBreakpoints(stores, (list) => withEntry(list, row.index, null))} data-testid="breakpoint-remove">
            ×
          </button>
        )}
      </div>
      {editing && condition && (
        <ConditionForm
          initial={{ phase, condition }}
          tools={tools}
          onCancel={() => setEditing(false)}
          onSave={(bp) => {
            editBreakpoints(stores, (list) => withEntry(list, row.index, { agent, ...bp }));
            setEditing(false);
          }}
        />
      )}
    </li>
  );
}

/** One agent's breakpoints: a checkbox per phase, its conditions, and "+ Condition". */
export function AgentBreakpoints({ agent }: { agent: string }) {
  const stores = useStores();
  const list = useRunStore((s) => s.breakpoints);
  const readOnly = useDocumentStore((s) => s.readOnly);
  const off = useRunStore((s) => s.breakpointsOff);
  const tools = useAgentTools(agent);
  const [adding, setAdding] = useState(false);
  const conditional = breakpointRows(list, off, agent).filter((r) => r.breakpoint.condition);
  return (
    <div className="bp-agent" data-testid="agent-breakpoints" data-agent={agent}>
      <div className="bp-phases" data-testid="field-breakpoints" role="group" aria-label={`Break ${agent} before`}>
        {PHASES.map((phase) => (
          <label key={phase} className="field-check">
            <input type="checkbox" disabled={readOnly} checked={hasPhase(list, agent, phase)} onChange={(e) => editBreakpoints(stores, (l) => withPhase(l, agent, phase, e.target.checked))} />
            {phase}
          </label>
        ))}
      </div>
      {conditional.length > 0 && (
        <ul className="bp-list">
          {conditional.map((row) => (
            <BreakpointLine key={row.key} row={row} showAgent={false} />
          ))}
        </ul>
      )}
      {adding ? (
        <ConditionForm
          initial={null}
          tools={tools}
          onCancel={() => setAdding(false)}
          onSave={(bp) => {
            editBreakpoints(stores, (l) => withEntry(l, -1, { agent, ...bp }));
            setAdding(false);
          }}
        />
      ) : (
        !readOnly && (
          <button type="button" className="btn btn-small" onClick={() => setAdding(true)} data-testid="breakpoint-add-condition">
            + Condition…
          </button>
        )
      )}
    </div>
  );
}

/** Every breakpoint of the open topology (the Paused tab's Breakpoints pane). */
export function BreakpointList() {
  const list = useRunStore((s) => s.breakpoints);
  const off = useRunStore((s) => s.breakpointsOff);
  const rows = breakpointRows(list, off);
  if (rows.length === 0) return <p className="empty bp-empty">No breakpoints. Click the dot left of an agent’s name on the canvas, or tick a phase in its inspector.</p>;
  return (
    <ul className="bp-list" data-testid="breakpoint-list">
      {rows.map((row) => (
        <BreakpointLine key={row.key} row={row} showAgent />
      ))}
    </ul>
  );
}
