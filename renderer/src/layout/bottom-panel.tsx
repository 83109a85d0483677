/** The bottom panel: the server log, message traces (once a topology runs) and the document's problems. */
import { useState } from 'react';
import { ProblemsList, useProblemCounts } from '../design/problems/problems-list';
import { ServerLog } from '../server/server-log';

const TABS = ['Server log', 'Trace', 'Problems'] as const;
type Tab = (typeof TABS)[number];

/** The bottom panel with its tabs. */
export function BottomPanel() {
  const [tab, setTab] = useState<Tab>('Server log');
  const { errors, warnings } = useProblemCounts();
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
        {tab === 'Trace' && <p className="empty">No run yet. Messages between agents appear here, in order, while a topology runs.</p>}
        {tab === 'Problems' && <ProblemsList />}
      </div>
    </section>
  );
}
