/** The bottom panel: the server log, message traces (once a topology runs) and the document's problems. */
import { useState } from 'react';
import { ProblemsList, useProblemCounts } from '../design/problems/problems-list';
import { DebuggerPanel } from '../run/debugger-panel';
import { TracePanel } from '../run/trace-panel';
import { ServerLog } from '../server/server-log';
import { useRunStore } from '../stores/run-store';

const TABS = ['Server log', 'Trace', 'Debugger', 'Problems'] as const;
type Tab = (typeof TABS)[number];

/** The bottom panel with its tabs. */
export function BottomPanel() {
  const [tab, setTab] = useState<Tab>('Server log');
  const { errors, warnings } = useProblemCounts();
  // A run that starts brings its trace to the front (adjusting state while rendering, as React
  // recommends for "changed since last render", instead of an effect).
  const runId = useRunStore((s) => (s.status?.state === 'running' ? s.status.runId : null));
  const [shownRun, setShownRun] = useState<string | null>(null);
  if (runId && runId !== shownRun) {
    setShownRun(runId);
    setTab('Trace');
  }
  // So does a run that stops at a breakpoint.
  const pausedCount = useRunStore((s) => s.paused.length);
  const [shownPauses, setShownPauses] = useState(0);
  if (pausedCount !== shownPauses) {
    setShownPauses(pausedCount);
    if (pausedCount > shownPauses) setTab('Debugger');
  }
  return (
    <section className="bottom-panel" aria-label="Bottom panel">
      <div className="tabs" role="tablist">
        {TABS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={`tab ${tab === name ? 'tab-active' : ''}`} onClick={() => setTab(name)} data-testid={`tab-${name.toLowerCase().replace(/\s+/g, '-')}`}>
            {name}
            {name === 'Problems' && errors + warnings > 0 && (
              <span className={`tab-count${errors ? '' : ' tab-count-warning'}`} data-testid="problem-count">
                {errors + warnings}
              </span>
            )}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {tab === 'Server log' && <ServerLog />}
        {tab === 'Trace' && <TracePanel />}
        {tab === 'Debugger' && <DebuggerPanel />}
        {tab === 'Problems' && <ProblemsList />}
      </div>
    </section>
  );
}
