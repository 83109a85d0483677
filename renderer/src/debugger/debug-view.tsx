/**
 * The Debug view of the centre: the OODA debugger. Its tabs: Paused (runs waiting at a breakpoint,
 * stepping, the decision editor), Cycles (each agent's runs, turns and phases, what went in and
 * out), Timeline (one lane per agent: phases, model and tool calls, the messages between lanes)
 * and Compare (two runs aligned message by message). Cycles and Timeline read the run the Trace
 * view shows.
 */
import { RunPicker } from '../trace/run-picker';
import { useDebugStore, type DebugTab } from '../stores/debug-store';
import { useRunStore } from '../stores/run-store';
import { CompareView } from './compare-view';
import { CycleInspector } from './cycle-inspector';
import { PausedRuns } from './paused-runs';
import { TimelineView } from './timeline-view';
import './debugger.css';

const TABS: { tab: DebugTab; label: string; title: string }[] = [
  { tab: 'paused', label: 'Paused', title: 'Runs waiting at a breakpoint or a step: continue, step, edit the decision' },
  { tab: 'cycles', label: 'Cycles', title: 'Each agent’s runs, turns and OODA phases: what went in and what came out' },
  { tab: 'timeline', label: 'Timeline', title: 'Who was thinking what while which message was in flight' },
  { tab: 'compare', label: 'Compare', title: 'Two runs aligned message by message, the first divergence selected' },
];

/** The Debug view; `active` while it shows. */
export function DebugView({ active }: { active: boolean }) {
  const tab = useDebugStore((s) => s.tab);
  const setTab = useDebugStore((s) => s.setTab);
  const paused = useRunStore((s) => s.paused.length);
  return (
    <div className="debug-view" data-testid="debug-view">
      {/* The run Cycles, Timeline and Compare start from (the Trace view's); the centre toggle floats over this strip's middle. */}
      <div className="debug-head">
        <div className="debug-head-run">
          <RunPicker testIdPrefix="debug" />
        </div>
      </div>
      <div className="debug-tabs" role="tablist" aria-label="Debugger">
        {TABS.map((t) => (
          <button key={t.tab} type="button" role="tab" aria-selected={tab === t.tab} className="debug-tab" title={t.title} data-testid={`debug-tab-${t.tab}`} onClick={() => setTab(t.tab)}>
            {t.label}
            {t.tab === 'paused' && paused > 0 && <span className="debug-tab-count">{paused}</span>}
          </button>
        ))}
      </div>
      <div className="debug-body" role="tabpanel">
        {tab === 'paused' && <PausedRuns />}
        {tab === 'cycles' && <CycleInspector active={active} />}
        {tab === 'timeline' && <TimelineView active={active} />}
        {tab === 'compare' && <CompareView />}
      </div>
    </div>
  );
}
