/**
 * The Metrics view of the centre: seed 000's monitoring points for the run the Trace view shows,
 * as charts over time — the system (active agents, end-to-end latency, tasks, errors by kind),
 * each agent as a small multiple (messages, latency, tool calls and errors, with its totals), and
 * the NATS server (message and byte rates, connections and subscriptions, slow consumers). Live
 * while the run records; dragging across any chart, or clicking a bucket, shows that time range
 * in the Trace view.
 */
import { useEffect, useMemo } from 'react';
import { ERROR_KINDS, type AgentMetrics, type RunMetrics } from '../../../agents/trace/metrics';
import { formatBytes, formatCount, formatUptime } from '../lib/format';
import { useMetricsStore } from '../stores/metrics-store';
import { useStores } from '../stores/stores-context';
import { useTraceStore } from '../stores/trace-store';
import { agentCharts, agentOrder, bucketLabel, bucketRange, latencyLabel, natsCharts, spanRange, systemCharts, type NatsSample } from './chart-data';
import { UplotChart } from './uplot-chart';
import './metrics.css';

const C = { blue: '#5aa9ff', violet: '#c792ea', amber: '#d29922', green: '#3fb950', red: '#f85149', teal: '#4fd1c5', grey: '#8a93a3' };
const KIND_COLORS = ['#f85149', '#d29922', '#ff7b72', '#c792ea', '#8a93a3', '#ffa657', '#e3b341', '#79c0ff', '#f778ba', '#db61a2', '#a371f7', '#6e7681'];
/** Small multiples shown at most (the busiest first). */
const MAX_AGENTS = 24;

const ms = latencyLabel;
const count = (v: number) => formatCount(Math.round(v * 10) / 10);

function useShowRange(): (from: string, to: string) => void {
  const metrics = useStores().metrics;
  return (from, to) => void metrics.getState().showInTrace(from, to);
}

/** One agent's card: name, totals, and its three charts. */
function AgentCard({ metrics, agent }: { metrics: RunMetrics; agent: AgentMetrics }) {
  const data = useMemo(() => agentCharts(metrics, agent), [metrics, agent]);
  const onRange = useShowRange();
  const click = (x: number) => bucketRange(x, metrics.bucketMs);
  const t = agent.totals;
  const up = agent.firstSeen && agent.lastSeen ? formatUptime(Date.parse(agent.lastSeen) - Date.parse(agent.firstSeen)) : '–';
  return (
    <section className="metrics-agent" data-testid={`metrics-agent-${agent.agent}`}>
      <header className="metrics-agent-head">
        <span className="metrics-agent-name">{agent.agent}</span>
        {agent.client && <span className="metrics-badge" title="No runtime events of its own: the workbench, the CLI or an outside caller">client</span>}
        <span className="metrics-totals" data-testid="metrics-agent-totals">
          <b>{t.received}</b> in · <b>{t.sent}</b> out · <b>{t.toolCalls}</b> tools · <b>{formatCount(t.tokens)}</b> tokens · <b className={t.errors ? 'bad' : ''}>{t.errors}</b> errors · p50 <b>{t.p50Ms === null ? '–' : ms(t.p50Ms)}</b> · p95 <b>{t.p95Ms === null ? '–' : ms(t.p95Ms)}</b> · up <b>{up}</b>
        </span>
      </header>
      <div className="metrics-agent-charts">
        <UplotChart title="Messages" data={data.messages} height={96} series={[{ label: 'received', color: C.blue, kind: 'bars' }, { label: 'sent', color: C.violet, kind: 'bars' }]} format={count} integer clickRange={click} onRange={onRange} testId="chart-agent-messages" />
        <UplotChart title="Reply latency" data={data.latency} height={96} series={[{ label: 'p50', color: C.blue, sparse: true }, { label: 'p95', color: C.amber, sparse: true }]} format={ms} clickRange={click} onRange={onRange} />
        <UplotChart title="Tool calls · errors" data={data.work} height={96} series={[{ label: 'tool calls', color: C.green, kind: 'bars' }, { label: 'errors', color: C.red, kind: 'bars' }]} format={count} integer clickRange={click} onRange={onRange} />
      </div>
    </section>
  );
}

/** The system's four charts. */
function SystemCharts({ metrics }: { metrics: RunMetrics }) {
  const kinds = useMemo(() => Object.keys(ERROR_KINDS).filter((k) => metrics.system.errors.byKind[k]), [metrics]);
  const data = useMemo(() => systemCharts(metrics, kinds), [metrics, kinds]);
  const onRange = useShowRange();
  const click = (x: number) => bucketRange(x, metrics.bucketMs);
  const { endToEnd, tasks, errors } = metrics.system;
  const rate = tasks.rate === null ? '–' : `${Math.round(tasks.rate * 100)} %`;
  return (
    <div className="metrics-grid metrics-grid-4">
      <UplotChart title="Active agents" data={data.active} height={140} series={[{ label: 'agents', color: C.teal, kind: 'step' }]} format={count} integer clickRange={click} onRange={onRange} testId="chart-active" />
      <UplotChart title={`End-to-end latency · ${endToEnd.count} replies · p50 ${endToEnd.p50Ms === null ? '–' : ms(endToEnd.p50Ms)} · p95 ${endToEnd.p95Ms === null ? '–' : ms(endToEnd.p95Ms)}`} data={data.endToEnd} height={140} series={[{ label: 'p50', color: C.blue, sparse: true }, { label: 'p95', color: C.amber, sparse: true }]} format={ms} clickRange={click} onRange={onRange} testId="chart-e2e" />
      <UplotChart title={`Tasks · ${tasks.completed} completed · ${tasks.failed} failed · ${rate}`} data={data.tasks} height={140} stacked series={[{ label: 'completed', color: C.green, kind: 'bars' }, { label: 'failed', color: C.red, kind: 'bars' }]} format={count} integer clickRange={click} onRange={onRange} testId="chart-tasks" />
      <UplotChart
        key={kinds.join()}
        title={`Errors by kind · ${errors.total}`}
        data={data.errors}
        height={140}
        stacked
        series={kinds.length ? kinds.map((k, i) => ({ label: ERROR_KINDS[k]!, color: KIND_COLORS[i % KIND_COLORS.length]!, kind: 'bars' as const })) : [{ label: 'errors', color: C.red, kind: 'bars' as const }]}
        format={count} integer
        clickRange={click}
        onRange={onRange}
        testId="chart-errors"
      />
    </div>
  );
}

/** The NATS server's charts from the samples taken while the page is open. */
function NatsCharts({ samples }: { samples: NatsSample[] }) {
  const data = useMemo(() => natsCharts(samples), [samples]);
  const onRange = useShowRange();
  const click = (x: number, i: number) => (i > 0 ? spanRange(data.messages[0][i - 1]!, x) : null);
  if (samples.length < 2) return <p className="muted metrics-note">Sampling the server once a second…</p>;
  return (
    <div className="metrics-grid metrics-grid-3">
      <UplotChart title="Messages / s" data={data.messages} height={120} series={[{ label: 'in', color: C.blue }, { label: 'out', color: C.violet }]} format={count} integer clickRange={click} onRange={onRange} testId="chart-nats-msgs" />
      <UplotChart title="Bytes / s" data={data.bytes} height={120} series={[{ label: 'in', color: C.blue }, { label: 'out', color: C.violet }]} format={(v) => formatBytes(Math.round(v))} clickRange={click} onRange={onRange} />
      <UplotChart title="Connections · subscriptions" data={data.clients} height={120} series={[{ label: 'connections', color: C.teal, kind: 'step' }, { label: 'subscriptions', color: C.grey, kind: 'step' }]} format={count} integer clickRange={click} onRange={onRange} />
      <UplotChart title="Slow consumers" data={data.slow} height={120} series={[{ label: 'slow consumers', color: C.red, kind: 'step' }]} format={count} integer clickRange={click} onRange={onRange} />
      <UplotChart title="Server CPU" data={data.cpu} height={120} series={[{ label: 'CPU', color: C.amber }]} format={(v) => `${Math.round(v * 10) / 10} %`} clickRange={click} onRange={onRange} />
      <UplotChart title="Server memory" data={data.memory} height={120} series={[{ label: 'memory', color: C.teal }]} format={(v) => formatBytes(Math.round(v))} clickRange={click} onRange={onRange} testId="chart-nats-memory" />
    </div>
  );
}

/** The Metrics view; `active` while it shows (it polls a live run only then). */
export function MetricsView({ active }: { active: boolean }) {
  const store = useStores().metrics;
  const { metrics, error, nats } = useMetricsStore();
  const runId = useTraceStore((s) => s.runId);
  const live = useTraceStore((s) => s.runId !== null && s.runId === s.liveRunId);
  useEffect(() => {
    store.getState().setActive(active);
    return () => store.getState().setActive(false);
  }, [store, active]);
  const agents = useMemo(() => (metrics ? agentOrder(metrics) : []), [metrics]);
  const shown = metrics && metrics.runId === runId ? metrics : null;

  return (
    <div className="metrics-view" data-testid="metrics-view">
      <div className="metrics-toolbar">
        <span className="metrics-title">Metrics</span>
        {runId && <span className="muted mono" title="The run the Trace view shows">{runId}</span>}
        {live && <span className="pill pill-running" data-testid="metrics-live"><span className="dot" />live</span>}
        <span className="trace-toolbar-gap" />
        {shown?.from && (
          <span className="muted metrics-range">
            {shown.from.slice(11, 19)}–{shown.to!.slice(11, 19)} UTC · {bucketLabel(shown.bucketMs)} buckets · {formatCount(shown.records)} records
          </span>
        )}
      </div>
      {error && <div className="banner banner-error">{error}</div>}
      <div className="metrics-body">
        {!runId && <p className="muted metrics-note">No run to show: start a topology, or open a recorded run in the Trace view.</p>}
        {runId && !shown && !error && <p className="muted metrics-note">Loading the run’s metrics…</p>}
        {shown && (
          <>
            <p className="muted metrics-hint">Drag across a chart, or click a bar, to show that time in the Trace view.</p>
            <h3 className="panel-title">System</h3>
            <SystemCharts metrics={shown} />
            <h3 className="panel-title">Agents</h3>
            {agents.length === 0 && <p className="muted metrics-note">No agent has sent or received anything yet.</p>}
            <div className="metrics-agents">
              {agents.slice(0, MAX_AGENTS).map((agent) => (
                <AgentCard key={agent.agent} metrics={shown} agent={agent} />
              ))}
            </div>
            {agents.length > MAX_AGENTS && <p className="muted metrics-note">{agents.length - MAX_AGENTS} more agents not shown.</p>}
          </>
        )}
        <h3 className="panel-title">NATS server <span className="muted">(sampled while this window is open)</span></h3>
        <NatsCharts samples={nats} />
      </div>
    </div>
  );
}
