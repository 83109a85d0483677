/**
 * The centre of the workbench: the canvas ("Design"), the YAML ("Source"), the trace explorer
 * ("Trace"), the metrics ("Metrics") or the OODA debugger ("Debug"), switched by a toggle. Each
 * stays mounted once shown, so it keeps its viewport, cursor and undo history across switches;
 * a hidden one is only made invisible. The source view (Monaco) loads on
 * first use.
 */
import { lazy, Suspense, useState } from 'react';
import { Canvas } from './canvas';
import { useViewStore } from '../stores/view-store';
import type { CentreView } from './centre-reveal';
import '../editors/editors.css';

import { TraceView } from '../trace/trace-view';
import { MetricsView } from '../metrics/metrics-view';
import { DebugView } from '../debugger/debug-view';

const SourceView = lazy(() => import('../editors/source-view').then((m) => ({ default: m.SourceView })));

const VIEWS: { view: CentreView; label: string; title: string }[] = [
  { view: 'design', label: 'Design', title: 'The topology as a graph' },
  { view: 'source', label: 'Source', title: 'The topology file as YAML' },
  { view: 'trace', label: 'Trace', title: 'Every message and event of the live run or a recorded one' },
  { view: 'metrics', label: 'Metrics', title: 'Charts over time of the run the Trace view shows: agents, system, NATS server' },
  { view: 'debug', label: 'Debug', title: 'The OODA debugger: paused runs, each agent’s cycles, the timeline, and two runs compared' },
];

/** The centre area with its Design | Source | Trace toggle. */
export function Centre() {
  const view = useViewStore((s) => s.view);
  const setView = useViewStore((s) => s.setView);
  // Mount the source view the first time it is asked for, then keep it.
  const [sourceMounted, setSourceMounted] = useState(view === 'source');
  if (view === 'source' && !sourceMounted) setSourceMounted(true);
  const [traceMounted, setTraceMounted] = useState(view === 'trace');
  if (view === 'trace' && !traceMounted) setTraceMounted(true);
  const [metricsMounted, setMetricsMounted] = useState(view === 'metrics');
  if (view === 'metrics' && !metricsMounted) setMetricsMounted(true);
  const [debugMounted, setDebugMounted] = useState(view === 'debug');
  if (view === 'debug' && !debugMounted) setDebugMounted(true);

  return (
    <div className="centre" data-view={view}>
      <div className="centre-toggle" role="tablist" aria-label="Centre view">
        {VIEWS.map((v) => (
          <button key={v.view} type="button" role="tab" aria-selected={view === v.view} className="centre-toggle-button" title={v.title} data-testid={`view-${v.view}`} onClick={() => setView(v.view)}>
            {v.label}
          </button>
        ))}
      </div>
      <div className="centre-pane" data-active={view === 'design'} aria-hidden={view !== 'design'}>
        <Canvas />
      </div>
      {sourceMounted && (
        <div className="centre-pane" data-active={view === 'source'} aria-hidden={view !== 'source'}>
          <Suspense fallback={<div className="source-view-empty">Loading the editor…</div>}>
            <SourceView />
          </Suspense>
        </div>
      )}
      {traceMounted && (
        <div className="centre-pane" data-active={view === 'trace'} aria-hidden={view !== 'trace'}>
          <TraceView active={view === 'trace'} />
        </div>
      )}
      {metricsMounted && (
        <div className="centre-pane" data-active={view === 'metrics'} aria-hidden={view !== 'metrics'}>
          <MetricsView active={view === 'metrics'} />
        </div>
      )}
      {debugMounted && (
        <div className="centre-pane" data-active={view === 'debug'} aria-hidden={view !== 'debug'}>
          <DebugView active={view === 'debug'} />
        </div>
      )}
    </div>
  );
}
