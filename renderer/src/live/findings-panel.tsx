/** Designed vs observed as a list beside the canvas: each finding shows its line on a click, and its records in the trace. */
import { useState } from 'react';
import { useLiveStore } from '../stores/live-store';
import { useStores } from '../stores/stores-context';
import { shortCount } from './agent-counters';
import { showFinding, showFindingInTrace } from './live-actions';
import type { Finding } from './overlays';

const KIND_ICON: Record<Finding['kind'], { icon: string; title: string }> = {
  'undeclared-subject': { icon: '⇢', title: 'Traffic on a subject no edge declares' },
  'undeclared-flow': { icon: '⇄', title: 'Agent-to-agent traffic no edge allows' },
  'unused-edge': { icon: '◌', title: 'An edge never used in this run' },
  'no-responder': { icon: '!', title: 'Requests that found no responder' },
};

/** The findings list of the run the canvas shows. */
export function FindingsPanel({ findings }: { findings: readonly Finding[] }) {
  const stores = useStores();
  const live = useLiveStore((s) => s.live);
  const check = useLiveStore((s) => s.check);
  const error = useLiveStore((s) => s.error);
  const highlight = useLiveStore((s) => s.highlight);
  const [open, setOpen] = useState(true);
  const reading = check !== null && check.seen < check.total;
  return (
    <section className="findings-panel" data-testid="findings-panel" aria-label="Designed vs observed">
      <button type="button" className="findings-head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className={`findings-dot${live ? ' findings-dot-live' : ''}`} />
        <span className="findings-title">{live ? 'Live' : 'Recorded run'} · designed vs observed</span>
        <span className={`findings-count${findings.length ? ' findings-count-some' : ''}`} data-testid="findings-count">
          {findings.length}
        </span>
      </button>
      {open && (
        <div className="findings-body">
          {error && <p className="findings-note findings-error">{error}</p>}
          {check && !check.designed && <p className="findings-note">This run was recorded without its topology: nothing to compare with.</p>}
          {reading && <p className="findings-note">Reading the run… {Math.round((100 * check.seen) / Math.max(1, check.total))}%</p>}
          {check?.designed && findings.length === 0 && !reading && <p className="findings-note">Traffic so far matches the design.</p>}
          <ul className="findings-list">
            {findings.map((f) => (
              <li key={f.id} className={`finding finding-${f.kind}${f.line !== null && f.line === highlight ? ' finding-active' : ''}`} data-testid="finding" data-kind={f.kind} data-id={f.id}>
                <button type="button" className="finding-main" onClick={() => showFinding(stores, f)} title={f.line ? 'Show it on the canvas' : KIND_ICON[f.kind].title}>
                  <span className="finding-icon" title={KIND_ICON[f.kind].title}>
                    {KIND_ICON[f.kind].icon}
                  </span>
                  <span className="finding-text">{f.text}</span>
                  {f.count !== null && <span className="finding-n mono">{shortCount(f.count)}</span>}
                </button>
                <button type="button" className="finding-trace" title="Show these records in the trace" data-testid="finding-trace" onClick={() => void showFindingInTrace(stores, f)}>
                  ⌕
                </button>
              </li>
            ))}
          </ul>
          {check && (check.totals.undeclaredSubjects > check.undeclaredSubjects.length || check.totals.undeclaredFlows > check.undeclaredFlows.length || check.totals.noResponder > check.noResponder.length) && (
            <p className="findings-note">
              Of {shortCount(check.totals.undeclaredSubjects)} undeclared subjects, {shortCount(check.totals.undeclaredFlows)} flows and {shortCount(check.totals.noResponder)} unanswered requests, the first of each are listed.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
