/**
 * One `trace.getMetrics` answer from a run's index and the facts run-metrics.ts read from its
 * records: a single pass over the index's typed arrays (time, kind and flags, agents, type) for
 * counts, plus the few read facts (tokens, reply latencies) inside the range. No disk reads.
 */
import { bucketOf, bucketPercentiles, bucketPlan, errorKind, p50p95, type AgentMetrics, type BucketPlan, type RunMetrics } from '../../../agents/trace/metrics.js';
import { FLAG_ERROR, FLAG_FAILED } from '../../../agents/trace/record-flags.js';
import type { RunIndex } from './run-index.js';
import { FLAGS_SHIFT, KIND_BIT, KIND_EVENT, NAME_OVERFLOW, NO_NAME } from './trace-index.js';

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
  const counts = countIndex(index, n, plan, empty ? Number.NaN : fromMs, toMs, { toolInvoked, runCompleted });
  const slots = counts.slots;
  for (let a = 1; a < slots; a++) {
    if (counts.first[a] === Infinity) continue;
    const row = rowAt(a === slots - 1 ? NAME_OVERFLOW : a);
    row.first = counts.first[a]!;
    row.last = counts.last[a]!;
    const at = a * buckets;
    row.sent.set(counts.sent.subarray(at, at + buckets));
    row.received.set(counts.received.subarray(at, at + buckets));
    row.toolCalls.set(counts.toolCalls.subarray(at, at + buckets));
    row.errors.set(counts.errors.subarray(at, at + buckets));
    row.active.set(counts.active.subarray(at, at + buckets));
  }
  const { completed, failed } = counts;
  const errorSeries = new Map<string, Uint32Array>();
  counts.errorKinds.forEach((name, k) => {
    const series = counts.errorsByKind.subarray(k * buckets, (k + 1) * buckets);
    if (series.some((v) => v > 0)) errorSeries.set(name, series);
  });
  const eventAgents = new Set<number>();
  for (let a = 0; a < slots; a++) if (counts.eventAgent[a]) eventAgents.add(a === slots - 1 ? NAME_OVERFLOW : a);

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

/** Counts per agent slot (id; the last slot stands for names past capacity) and bucket, flat: `slot * buckets + bucket`. */
interface IndexCounts {
  slots: number;
  first: Float64Array;
  last: Float64Array;
  sent: Uint32Array;
  received: Uint32Array;
  toolCalls: Uint32Array;
  errors: Uint32Array;
  active: Uint8Array;
  /** Agents with a runtime event anywhere in the first `n` records. */
  eventAgent: Uint8Array;
  completed: Uint32Array;
  failed: Uint32Array;
  /** Error kinds met (in first-met order) and their counts, flat: `kind * buckets + bucket`. */
  errorKinds: string[];
  errorsByKind: Uint32Array;
}

/** The one pass over the index's typed arrays: flat typed counters only, no objects per record. */
function countIndex(index: RunIndex, n: number, plan: BucketPlan, fromMs: number, toMs: number, ids: { toolInvoked: number; runCompleted: number }): IndexCounts {
  const { agents: agentTable, types } = index.tables();
  const slots = agentTable.names.length + 1;
  const overflow = slots - 1;
  const buckets = plan.count;
  const size = slots * buckets;
  const c: IndexCounts = {
    slots,
    first: new Float64Array(slots).fill(Infinity),
    last: new Float64Array(slots).fill(-Infinity),
    sent: new Uint32Array(size),
    received: new Uint32Array(size),
    toolCalls: new Uint32Array(size),
    errors: new Uint32Array(size),
    active: new Uint8Array(size),
    eventAgent: new Uint8Array(slots),
    completed: new Uint32Array(buckets),
    failed: new Uint32Array(buckets),
    errorKinds: [],
    errorsByKind: new Uint32Array(0),
  };
  // Error kind of each (event type | message flags): resolved once per distinct key.
  const kindOf = new Map<number, number>();
  const kindIndex = (event: boolean, typeId: number, flags: number): number => {
    const key = event ? typeId : -1 - (flags & FLAG_ERROR);
    let k = kindOf.get(key);
    if (k === undefined) {
      const name = errorKind(event, event ? (types.names[typeId] ?? null) : null, flags);
      k = c.errorKinds.indexOf(name);
      if (k < 0) k = c.errorKinds.push(name) - 1;
      kindOf.set(key, k);
    }
    return k;
  };
  const errorHits: number[] = []; // kind * buckets + bucket, counted after the pass
  const { time, kind, agentA, agentB, type } = index.records;
  const { first, last, sent, received, toolCalls, errors, active, eventAgent } = c;
  const { startMs, bucketMs } = plan;
  let carry = Number.NaN;
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    let a = agentA[i]!;
    if (a === NAME_OVERFLOW) a = overflow;
    const event = (k & KIND_BIT) === KIND_EVENT;
    if (event) eventAgent[a] = 1;
    let t = time[i]!;
    if (Number.isNaN(t)) t = carry; // not in canonical form: placed at the last dated record's time
    else carry = t;
    if (!(t >= fromMs && t <= toMs)) continue;
    const b = Math.floor((t - startMs) / bucketMs);
    let bAgent = agentB[i]!;
    if (bAgent === NAME_OVERFLOW) bAgent = overflow;
    if (a !== NO_NAME) {
      if (t < first[a]!) first[a] = t;
      if (t > last[a]!) last[a] = t;
      active[a * buckets + b] = 1;
    }
    if (bAgent !== NO_NAME) {
      if (t < first[bAgent]!) first[bAgent] = t;
      if (t > last[bAgent]!) last[bAgent] = t;
      active[bAgent * buckets + b] = 1;
    }
    const typeId = type[i]!;
    if (!event) {
      if (a !== NO_NAME) sent[a * buckets + b]!++;
      if (bAgent !== NO_NAME) received[bAgent * buckets + b]!++;
    } else if (typeId === ids.toolInvoked) toolCalls[a * buckets + b]!++;
    const flags = k >> FLAGS_SHIFT;
    if (event && typeId === ids.runCompleted) (flags & FLAG_FAILED ? c.failed : c.completed)[b]!++;
    if (flags & FLAG_ERROR) {
      errorHits.push(kindIndex(event, typeId, flags) * buckets + b);
      if (a !== NO_NAME) errors[a * buckets + b]!++;
    }
  }
  c.errorsByKind = new Uint32Array(c.errorKinds.length * buckets);
  for (const hit of errorHits) c.errorsByKind[hit]!++;
  return c;
}
