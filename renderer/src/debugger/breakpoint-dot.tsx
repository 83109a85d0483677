/**
 * The gutter dot on an agent node (VS Code's breakpoint gutter): hollow on hover when none is set,
 * filled red when one is, hollow grey when all are switched off, with a bar when only conditions
 * break. A click sets a breakpoint before Decide (or clears the plain ones); the ▾ beside it opens
 * the agent's breakpoints (phases, conditions).
 */
import { useState } from 'react';
import { useDocumentStore } from '../stores/document-store';
import { useRunStore } from '../stores/run-store';
import { useStores } from '../stores/stores-context';
import { editBreakpoints } from './breakpoint-actions';
import { AgentBreakpoints } from './breakpoint-editor';
import { DEFAULT_PHASE, dotState, toggled } from './breakpoint-model';
import './breakpoints.css';

const DOT_TITLE = {
  none: `Click: break before ${DEFAULT_PHASE}`,
  disabled: 'Breakpoints switched off (click: clear the phase ones; ▾: edit)',
  plain: 'Breakpoint set (click: clear; ▾: phases and conditions)',
  conditional: 'Conditional breakpoint (click: also break before decide; ▾: edit)',
} as const;

/** An agent node's breakpoint gutter. */
export function BreakpointGutter({ agent }: { agent: string }) {
  const stores = useStores();
  const off = useRunStore((s) => s.breakpointsOff);
  const current = useRunStore((s) => dotState(s.breakpoints, off, agent));
  const readOnly = useDocumentStore((s) => s.readOnly);
  const [open, setOpen] = useState(false);
  return (
    <div className="bp-gutter nodrag nopan" data-open={open || undefined} onClick={(e) => e.stopPropagation()} onDoubleClick={(e) => e.stopPropagation()}>
      <button
        type="button"
        className={`bp-dot bp-dot-${current}`}
        disabled={readOnly}
        title={DOT_TITLE[current]}
        aria-label={`Breakpoint of ${agent}: ${current}`}
        aria-pressed={current !== 'none'}
        data-testid="breakpoint-dot"
        data-agent={agent}
        data-state={current}
        onClick={() => editBreakpoints(stores, (list) => toggled(list, agent))}
        onContextMenu={(e) => {
          e.preventDefault();
          setOpen(true);
        }}
      />
      <button type="button" className="bp-more" title={`${agent}'s breakpoints: phases and conditions`} aria-label={`Edit ${agent}'s breakpoints`} aria-expanded={open} data-testid="breakpoint-more" onClick={() => setOpen((v) => !v)}>
        ▾
      </button>
      {open && (
        <div className="bp-popover" role="dialog" aria-label={`Breakpoints of ${agent}`} data-testid="breakpoint-popover" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <header>
            <strong>Break {agent} before</strong>
            <button type="button" className="btn-icon" aria-label="Close" onClick={() => setOpen(false)}>
              ×
            </button>
          </header>
          <AgentBreakpoints agent={agent} />
        </div>
      )}
    </div>
  );
}
