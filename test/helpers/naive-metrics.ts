/**
 * `trace.getMetrics` computed the plain way, for exactness checks: every record parsed and walked
 * once, flags from record-flags.ts's `runFlags`, requests paired with replies by a map of reply
 * subjects (the latest request waiting on a subject takes its first message), latency and
 * who answered from row-facts.ts. No index, no typed arrays, no cache.
 */
import { bucketOf, bucketPlan, errorKind, p50p95, type AgentMetrics, type RunMetrics } from '../../agents/trace/metrics.js';
import { waitsOn } from '../../agents/trace/message-facts.js';
import { typeOf } from '../../agents/trace/query.js';
import { agentsOf, type MessageRecord, type TraceRecord } from '../../agents/trace/record.js';
import { FLAG_ERROR, FLAG_INFRASTRUCTURE, runFlags } from '../../agents/trace/record-flags.js';
import { rowFacts } from '../../agents/trace/row-facts.js';

const canonicalMs = (time: string): number => {
  const ms = Date.parse(time);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === time ? ms : Number.NaN;
};

/** The metrics of `records` (a whole run, in seq order) over `range`. */
export function naiveMetrics(runId: string, records: TraceRecord[], range: { from?: string; to?: string; buckets: number }, live = true): RunMetrics {
  const flags = runFlags(records);
  let carry = Number.NaN;
  const times = records.map((r) => (Number.isNaN(canonicalMs(r.time)) ? carry : (carry = canonicalMs(r.time))));
  const dated = times.filter((t) => !Number.isNaN(t));
  const fromMs = range.from !== undefined ? Date.parse(range.from) : Math.min(...dated);
  const toMs = range.to !== undefined ? Date.parse(range.to) : Math.max(...dated);
  const empty = !(fromMs <= toMs);
  const plan = empty ? { startMs: 0, bucketMs: 1000, count: 0 } : bucketPlan(fromMs, toMs, range.buckets);
  const n = plan.count;
  const zeros = () => new Array<number>(n).fill(0);
  const inRange = (t: number) => !empty && t >= fromMs && t <= toMs;
  const eventAgents = new Set(records.flatMap((r) => (r.kind === 'event' ? [r.agent] : [])));

  type Row = { first: number; last: number; active: Set<number>; received: number[]; sent: number[]; errors: number[]; toolCalls: number[]; tokens: number[]; lat: [number, number][] };
  const rows = new Map<string, Row>();
  const row = (name: string): Row => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { first: Infinity, last: -Infinity, active: new Set(), received: zeros(), sent: zeros(), errors: zeros(), toolCalls: zeros(), tokens: zeros(), lat: [] }));
    return r;
  };
  const completed = zeros();
  const failed = zeros();
  const errors = new Map<string, number[]>();
  const e2e: [number, number][] = [];
  const waiting = new Map<string, { request: MessageRecord; answered: boolean; at: number }>();

  records.forEach((record, i) => {
    const t = times[i]!;
    const pairs: { request: MessageRecord; at: number }[] = [];
    if (record.kind === 'message') {
      const open = waiting.get(record.subject);
      if (open && !open.answered) {
        open.answered = true;
        pairs.push(open);
      }
      if (waitsOn(record.reply)) waiting.set(record.reply, { request: record, answered: false, at: i });
    }
    if (!inRange(t)) return;
    const b = bucketOf(plan, t);
    const agents = agentsOf(record);
    for (const name of agents) {
      const r = row(name);
      r.first = Math.min(r.first, t);
      r.last = Math.max(r.last, t);
      r.active.add(b);
    }
    if (record.kind === 'message' && record.parsed.ok) {
      row(agents[0]!).sent[b]!++;
      if (agents[1] !== undefined) row(agents[1]).received[b]!++;
    }
    if (record.kind === 'event') {
      if (record.name === 'tool.invoked') row(record.agent).toolCalls[b]!++;
      if (record.name === 'run.completed') (record.payload.status === 'failed' ? failed : completed)[b]!++;
      if (record.name === 'llm.call' && record.payload.response) row(record.agent).tokens[b]! += record.payload.response.usage.inputTokens + record.payload.response.usage.outputTokens;
    }
    if (flags[i]! & FLAG_ERROR) {
      const kind = errorKind(record.kind === 'event', record.kind === 'event' ? typeOf(record) : null, flags[i]!);
      if (!errors.has(kind)) errors.set(kind, zeros());
      errors.get(kind)![b]!++;
      if (agents[0] !== undefined) row(agents[0]).errors[b]!++;
    }
    for (const { request, at } of pairs) {
      if (record.kind !== 'message' || flags[at]! & FLAG_INFRASTRUCTURE) continue;
      const facts = rowFacts(record, { request, waitedMs: 0, ended: true });
      const sender = rowFacts(request, { reply: record, waitedMs: 0, ended: true }).from;
      if (facts.from !== null) row(facts.from).lat.push([b, facts.latencyMs!]);
      if (sender !== null && !eventAgents.has(sender)) e2e.push([b, facts.latencyMs!]);
    }
  });

  const perBucket = (samples: [number, number][]) => {
    const p50Ms: (number | null)[] = [];
    const p95Ms: (number | null)[] = [];
    for (let b = 0; b < n; b++) {
      const p = p50p95(samples.filter(([at]) => at === b).map(([, v]) => v));
      p50Ms.push(p.p50Ms);
      p95Ms.push(p.p95Ms);
    }
    return { p50Ms, p95Ms };
  };
  const total = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const agents: Record<string, AgentMetrics> = {};
  for (const name of [...rows.keys()].sort((x, y) => x.localeCompare(y))) {
    const r = rows.get(name)!;
    agents[name] = {
      agent: name,
      client: !eventAgents.has(name),
      firstSeen: Number.isFinite(r.first) ? new Date(r.first).toISOString() : null,
      lastSeen: Number.isFinite(r.last) ? new Date(r.last).toISOString() : null,
      totals: { received: total(r.received), sent: total(r.sent), errors: total(r.errors), toolCalls: total(r.toolCalls), tokens: total(r.tokens), ...p50p95(r.lat.map(([, v]) => v)) },
      series: { received: r.received, sent: r.sent, errors: r.errors, toolCalls: r.toolCalls, tokens: r.tokens, ...perBucket(r.lat) },
    };
  }
  const activeAgents = zeros().map((_, b) => [...rows.values()].filter((r) => r.active.has(b)).length);
  const done = total(completed);
  const lost = total(failed);
  return {
    runId,
    live,
    records: records.length,
    from: empty ? null : new Date(fromMs).toISOString(),
    to: empty ? null : new Date(toMs).toISOString(),
    bucketMs: plan.bucketMs,
    times: zeros().map((_, b) => plan.startMs + b * plan.bucketMs),
    agents,
    system: {
      activeAgents,
      endToEnd: { count: e2e.length, ...p50p95(e2e.map(([, v]) => v)), series: { count: zeros().map((_, b) => e2e.filter(([at]) => at === b).length), ...perBucket(e2e) } },
      tasks: { completed: done, failed: lost, rate: done + lost ? done / (done + lost) : null, series: { completed, failed } },
      errors: { total: [...errors.values()].reduce((a, s) => a + total(s), 0), byKind: Object.fromEntries([...errors].map(([k, s]) => [k, total(s)])), series: Object.fromEntries(errors) },
    },
  };
}
