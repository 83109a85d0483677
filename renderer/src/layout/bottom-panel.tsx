/** The bottom panel: the server log now; message traces and problems live here too. */
import { useState } from 'react';
import { ServerLog } from '../server/server-log';

const TABS = ['Server log', 'Trace', 'Problems'] as const;
type Tab = (typeof TABS)[number];

/** The bottom panel with its tabs. */
export function BottomPanel() {
  const [tab, setTab] = useState<Tab>('Server log');
  return (
    <section className="bottom-panel" aria-label="Bottom panel">
      <div className="tabs" role="tablist">
        {TABS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={`tab ${tab === name ? 'tab-active' : ''}`} onClick={() => setTab(name)}>
            {name}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {tab === 'Server log' && <ServerLog />}
        {tab === 'Trace' && <p className="empty">No run yet. Messages between agents appear here, in order, while a topology runs.</p>}
        {tab === 'Problems' && <p className="empty">No problems.</p>}
      </div>
    </section>
  );
}
