/**
 * One `trace.getMetrics` answer from a run's index and the facts run-metrics.ts read from its
 * records: a single pass over the index's typed arrays (time, kind and flags, agents, type) for
 * counts, plus the few read facts (tokens, reply latencies) inside the range. No disk reads.
 */
import { bucketOf, bucketPercentiles, bucketPlan, errorKind, p50p95, type AgentMetrics, type BucketPlan, type RunMetrics } from '../../../agents/trace/metrics.js';
import { FLAG_ERROR, FLAG_FAILED } from '../../../agents/trace/record-flags.js';
import type { RunIndex } from './run-index.js';
import { FLAGS_SHIFT, KIND_BIT, KIND_EVENT, KIND_MESSAGE, NAME_OVERFLOW, NO_NAME } from './trace-index.js';

/** A reply the run's facts paired with its request: when, who answered, who asked, how long it took. */
export interface PairFact {
  time: number;
  responder: string | null;
  sender: string | null;
  latencyMs: number;
}

/** The facts read from records, and the index's time bounds, up to `count` records. */
export interface ReadFacts {
  count: number;
  minTime: number;
  maxTime: number;
  /** `llm.call` events: time, agent, input + output tokens. */
  tokens: { time: number; agent: string; tokens: number }[];
  pairs: PairFact[];
}

/** What a range asks: bounds in epoch ms (undefined: the run's own) and the most buckets. */
export interface MetricsRange {
  from?: string | undefined;
  to?: string | undefined;
  buckets: number;
}

/** One agent's accumulators. */
class AgentRow {
  first = Infinity;
  last = -Infinity;
  readonly received: Uint32Array;
  readonly sent: Uint32Array;
  readonly errors: Uint32Array;
  readonly toolCalls: Uint32Array;
  readonly tokens: Float64Array;
  readonly active: Uint8Array;
  readonly latencyBuckets: number[] = [];
  readonly latencies: number[] = [];

  constructor(
    readonly name: string,
    buckets: number,
  ) {
    this.received = new Uint32Array(buckets);
    this.sent = new Uint32Array(buckets);
    this.errors = new Uint32Array(buckets);
    this.toolCalls = new Uint32Array(buckets);
    this.tokens = new Float64Array(buckets);
    this.active = new Uint8Array(buckets);
  }

  seen(t: number, b: number): void {
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    this.active[b] = 1;
  }
}

const sum = (values: ArrayLike<number>): number => {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k]!;
  return total;
};

/** The metrics of the first `facts.count` records of `index` over `range`. */
export function scanMetrics(runId: string, live: boolean, index: RunIndex, facts: ReadFacts, range: MetricsRange): RunMetrics {
  const n = facts.count;
  const fromMs = range.from !== undefined ? Date.parse(range.from) : facts.minTime;
  const toMs = range.to !== undefined ? Date.parse(range.to) : facts.maxTime;
  const empty = !(fromMs <= toMs); // also NaN: a run without a dated record
  const plan: BucketPlan = empty ? { startMs: 0, bucketMs: 1000, count: 0 } : bucketPlan(fromMs, toMs, range.buckets);
  const buckets = plan.count;
  const { agents: agentTable, types } = index.tables();
  const id = (name: string) => types.lookup(name) ?? -1;
  const toolInvoked = id('tool.invoked');
  const runCompleted = id('run.completed');

  const rows: (AgentRow | undefined)[] = [];
  const byName = new Map<string, AgentRow>();
  const rowOf = (name: string): AgentRow => {
    let row = byName.get(name);
    if (!row) byName.set(name, (row = new AgentRow(name, buckets)));
    return row;
  };
  const rowAt = (agent: number): AgentRow => (rows[agent] ??= rowOf(agent === NAME_OVERFLOW ? '*' : agentTable.names[agent]!));
  const eventAgents = new Set<number>();
  const completed = new Uint32Array(buckets);
  const failed = new Uint32Array(buckets);
  const errorSeries = new Map<string, Uint32Array>();

  const { time, kind, agentA, agentB, type } = index.records;
  let carry = Number.NaN;
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    const a = agentA[i]!;
    const event = (k & KIND_BIT) === KIND_EVENT;
    if (event) eventAgents.add(a);
    let t = time[i]!;
    if (Number.isNaN(t)) t = carry; // not in canonical form: placed at the last dated record's time
    else carry = t;
    if (empty || !(t >= fromMs && t <= toMs)) continue;
    const b = bucketOf(plan, t);
    const bAgent = agentB[i]!;
    if (a !== NO_NAME) rowAt(a).seen(t, b);
    if (bAgent !== NO_NAME) rowAt(bAgent).seen(t, b);
    if ((k & KIND_BIT) === KIND_MESSAGE) {
      if (a !== NO_NAME) rowAt(a).sent[b]!++;
      if (bAgent !== NO_NAME) rowAt(bAgent).received[b]!++;
    } else if (type[i] === toolInvoked) rowAt(a).toolCalls[b]!++;
    const flags = k >> FLAGS_SHIFT;
    if (event && type[i] === runCompleted) (flags & FLAG_FAILED ? failed : completed)[b]!++;
    if (flags & FLAG_ERROR) {
      const name = errorKind(event, event ? (types.names[type[i]!] ?? null) : null, flags);
      let series = errorSeries.get(name);
      if (!series) errorSeries.set(name, (series = new Uint32Array(buckets)));
      series[b]!++;
      if (a !== NO_NAME) rowAt(a).errors[b]!++;
    }
  }

  const inRange = (t: number) => !empty && t >= fromMs && t <= toMs;
  for (const fact of facts.tokens) if (inRange(fact.time)) rowOf(fact.agent).tokens[bucketOf(plan, fact.time)]! += fact.tokens;
  const eventNames = new Set([...eventAgents].map((a) => (a === NAME_OVERFLOW ? '*' : agentTable.names[a]!)));
  const e2eBuckets: number[] = [];
  const e2eValues: number[] = [];
  for (const pair of facts.pairs) {
    if (!inRange(pair.time)) continue;
    const b = bucketOf(plan, pair.time);
    if (pair.responder !== null) {
      const row = rowOf(pair.responder);
      row.latencyBuckets.push(b);
      row.latencies.push(pair.latencyMs);
    }
    if (pair.sender !== null && !eventNames.has(pair.sender)) {
      e2eBuckets.push(b);
      e2eValues.push(pair.latencyMs);
    }
  }

  const agents: Record<string, AgentMetrics> = {};
  const activeAgents = new Uint32Array(buckets);
  for (const row of [...byName.values()].sort((x, y) => x.name.localeCompare(y.name))) {
    for (let b = 0; b < buckets; b++) activeAgents[b]! += row.active[b]!;
    const series = bucketPercentiles(buckets, row.latencyBuckets, row.latencies);
    agents[row.name] = {
      agent: row.name,
      client: !eventNames.has(row.name),
      firstSeen: Number.isFinite(row.first) ? new Date(row.first).toISOString() : null,
      lastSeen: Number.isFinite(row.last) ? new Date(row.last).toISOString() : null,
      totals: { received: sum(row.received), sent: sum(row.sent), errors: sum(row.errors), toolCalls: sum(row.toolCalls), tokens: sum(row.tokens), ...p50p95(row.latencies.slice()) },
      series: { received: [...row.received], sent: [...row.sent], errors: [...row.errors], toolCalls: [...row.toolCalls], tokens: [...row.tokens], ...series },
    };
  }
  const e2eSeries = bucketPercentiles(buckets, e2eBuckets, e2eValues);
  const e2eCount = new Array<number>(buckets).fill(0);
  for (const b of e2eBuckets) e2eCount[b]!++;
  const done = sum(completed);
  const lost = sum(failed);
  const byKind: Record<string, number> = {};
  const errorsOut: Record<string, number[]> = {};
  for (const [name, series] of errorSeries) {
    byKind[name] = sum(series);
    errorsOut[name] = [...series];
  }
  return {
    runId,
    live,
    records: n,
    from: empty ? null : new Date(fromMs).toISOString(),
    to: empty ? null : new Date(toMs).toISOString(),
    bucketMs: plan.bucketMs,
    times: Array.from({ length: buckets }, (_, b) => plan.startMs + b * plan.bucketMs),
    agents,
    system: {
      activeAgents: [...activeAgents],
      endToEnd: { count: e2eValues.length, ...p50p95(e2eValues.slice()), series: { count: e2eCount, ...e2eSeries } },
      tasks: { completed: done, failed: lost, rate: done + lost ? done / (done + lost) : null, series: { completed: [...completed], failed: [...failed] } },
      errors: { total: sum(Object.values(byKind)), byKind, series: errorsOut },
    },
  };
}
