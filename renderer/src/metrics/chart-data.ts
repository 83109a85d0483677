/**
 * What the Metrics charts draw, from `trace.getMetrics`'s answer and the NATS server's samples:
 * x in seconds (uPlot's time scale), one array per series, nulls where a bucket has no value;
 * rates from consecutive `/varz` counter samples; a clicked bucket or a dragged span as the time
 * range the trace is narrowed to. Pure.
 */
import type { ServerStats } from '../../../preload/contract';
import type { AgentMetrics, RunMetrics } from '../../../agents/trace/metrics';

/** One uPlot data set: x (seconds), then each series. */
export type ChartData = [number[], ...(number | null)[][]];

/** x values of a metrics answer: bucket starts in seconds. */
export const bucketSeconds = (metrics: RunMetrics): number[] => metrics.times.map((t) => t / 1000);

/** An agent's three small charts: messages (received, sent), latency (p50, p95), tool calls and errors. */
export function agentCharts(metrics: RunMetrics, agent: AgentMetrics): { messages: ChartData; latency: ChartData; work: ChartData } {
  const x = bucketSeconds(metrics);
  const s = agent.series;
  return { messages: [x, s.received, s.sent], latency: [x, s.p50Ms, s.p95Ms], work: [x, s.toolCalls, s.errors] };
}

/** The system charts: active agents, end-to-end latency, tasks completed and failed, errors by kind (in `kinds` order). */
export function systemCharts(metrics: RunMetrics, kinds: string[]): { active: ChartData; endToEnd: ChartData; tasks: ChartData; errors: ChartData } {
  const x = bucketSeconds(metrics);
  const { activeAgents, endToEnd, tasks, errors } = metrics.system;
  const zero = x.map(() => 0);
  return {
    active: [x, activeAgents],
    endToEnd: [x, endToEnd.series.p50Ms, endToEnd.series.p95Ms],
    tasks: [x, tasks.series.completed, tasks.series.failed],
    // Without errors, one empty series (the chart keeps its place and says 0).
    errors: [x, ...(kinds.length ? kinds.map((kind) => errors.series[kind] ?? zero) : [zero])],
  };
}

/** Agents in the order the small multiples show them: the run's agents first (busiest first), then clients. */
export function agentOrder(metrics: RunMetrics): AgentMetrics[] {
  const work = (a: AgentMetrics) => a.totals.received + a.totals.sent + a.totals.toolCalls + a.totals.errors;
  return Object.values(metrics.agents).sort((a, b) => Number(a.client) - Number(b.client) || work(b) - work(a) || a.agent.localeCompare(b.agent));
}

/** One sample of the server's counters, at `t` (epoch ms). */
export interface NatsSample {
  t: number;
  stats: ServerStats;
}

/** The most samples kept (one a second: ten minutes). */
export const MAX_SAMPLES = 600;

/** Samples closer together than this are one (the server store polls once a second, and also refreshes on status events). */
const MIN_GAP_MS = 500;

/** `samples` with `next` added (unless it comes within {@link MIN_GAP_MS} of the last), the oldest dropped past {@link MAX_SAMPLES}. */
export function addSample(samples: NatsSample[], next: NatsSample): NatsSample[] {
  const last = samples.at(-1);
  if (last && next.t - last.t < MIN_GAP_MS) return samples;
  const out = samples.length >= MAX_SAMPLES ? samples.slice(samples.length - MAX_SAMPLES + 1) : samples.slice();
  out.push(next);
  return out;
}

/** The NATS charts: messages and bytes a second in and out (from counter differences; a restart's drop shows as null), connections and subscriptions, slow consumers, the server's CPU and memory. */
export function natsCharts(samples: NatsSample[]): { messages: ChartData; bytes: ChartData; clients: ChartData; slow: ChartData; cpu: ChartData; memory: ChartData } {
  const x: number[] = [];
  const rate = (pick: (s: ServerStats) => number) => (i: number) => {
    const prev = samples[i - 1];
    const cur = samples[i]!;
    if (!prev) return null;
    const dt = (cur.t - prev.t) / 1000;
    const d = pick(cur.stats) - pick(prev.stats);
    return dt > 0 && d >= 0 ? d / dt : null;
  };
  const inMsgs = rate((s) => s.inMsgs);
  const outMsgs = rate((s) => s.outMsgs);
  const inBytes = rate((s) => s.inBytes);
  const outBytes = rate((s) => s.outBytes);
  const cols: (number | null)[][] = [[], [], [], [], [], [], []];
  samples.forEach((sample, i) => {
    x.push(sample.t / 1000);
    [inMsgs(i), outMsgs(i), inBytes(i), outBytes(i), sample.stats.connections, sample.stats.subscriptions, sample.stats.slowConsumers].forEach((v, k) => cols[k]!.push(v));
  });
  const [mi, mo, bi, bo, conns, subs, slow] = cols as [(number | null)[], (number | null)[], (number | null)[], (number | null)[], number[], number[], number[]];
  return {
    messages: [x, mi, mo],
    bytes: [x, bi, bo],
    clients: [x, conns, subs],
    slow: [x, slow],
    cpu: [x, samples.map((sample) => sample.stats.cpuPercent)],
    memory: [x, samples.map((sample) => sample.stats.memBytes)],
  };
}

/** The time range (ISO, inclusive) of the bucket starting at `startSec`: what clicking a spike selects. */
export function bucketRange(startSec: number, bucketMs: number): { from: string; to: string } {
  const from = Math.round(startSec * 1000);
  return { from: new Date(from).toISOString(), to: new Date(from + bucketMs - 1).toISOString() };
}

/** The time range (ISO, inclusive, whole ms) of a dragged span from `fromSec` to `toSec`. */
export function spanRange(fromSec: number, toSec: number): { from: string; to: string } {
  const [a, b] = fromSec <= toSec ? [fromSec, toSec] : [toSec, fromSec];
  return { from: new Date(Math.floor(a * 1000)).toISOString(), to: new Date(Math.ceil(b * 1000)).toISOString() };
}

/** A latency for axes and legends: `0.4 ms`, `12 ms`, `1.25 s`, `14.2 s`, then minutes. */
export function latencyLabel(ms: number): string {
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A bucket width: `200 ms`, `5 s`, `2 min`, `1 h`. */
export function bucketLabel(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  return `${ms / 3_600_000} h`;
}
