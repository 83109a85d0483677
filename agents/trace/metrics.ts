/**
 * A run's metrics over time (seed 000's monitoring points): per agent messages received and sent,
 * request/response latency (p50, p95), tool calls, errors, tokens and first/last seen; for the
 * system active agents, end-to-end latency, task completion and errors by kind. The schemas of
 * `trace.getMetrics`, and the pure rules both the host (from its index) and a plain pass over
 * records apply: time buckets, nearest-rank percentiles, error kinds. Isomorphic.
 */
import { z } from 'zod';
import { FLAG_FAILED, FLAG_INVALID, FLAG_NO_RESPONDERS, FLAG_TIMED_OUT, FLAG_TRUNCATED } from './record-flags.js';
import { TraceFilterSchema } from './query.js';
import { percentile } from './summary.js';

/** Buckets a series has when the caller does not say. */
export const DEFAULT_BUCKETS = 60;
/** The most buckets a series can have. */
export const MAX_BUCKETS = 1000;

/** What `trace.getMetrics` takes: a run, an optional wall-clock range (inclusive, as the trace filter's), how many buckets at most. */
export const MetricsInputSchema = z
  .object({
    runId: z.string().min(1),
    from: TraceFilterSchema.shape.from,
    to: TraceFilterSchema.shape.to,
    buckets: z.number().int().min(1).max(MAX_BUCKETS).default(DEFAULT_BUCKETS),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, '`from` must not be after `to`');
export type MetricsInput = z.input<typeof MetricsInputSchema>;

const counts = z.array(z.number().int().nonnegative());
const latencies = z.array(z.number().nullable());

/** One agent's figures over the range. */
export const MetricsTotalsSchema = z.object({
  /** AgentMessages addressed to the agent (`to_agent`). */
  received: z.number().int().nonnegative(),
  /** AgentMessages the agent sent (`from_agent`). */
  sent: z.number().int().nonnegative(),
  /** Error records (record-flags.ts) the agent sent or is the event agent of. */
  errors: z.number().int().nonnegative(),
  /** `tool.invoked` events. */
  toolCalls: z.number().int().nonnegative(),
  /** Input + output tokens of its `llm.call` events. */
  tokens: z.number().int().nonnegative(),
  /** Latency of the replies it gave (reply mono − request mono, row-facts.ts), nearest-rank; null without replies. */
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});
export type MetricsTotals = z.infer<typeof MetricsTotalsSchema>;

/** One agent: totals, first and last record about it (uptime), and each figure per bucket. */
export const AgentMetricsSchema = z.object({
  agent: z.string(),
  /** True for a client with no runtime events of its own in the run (the workbench, the CLI, an outside caller). */
  client: z.boolean(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  totals: MetricsTotalsSchema,
  series: z.object({ received: counts, sent: counts, errors: counts, toolCalls: counts, tokens: counts, p50Ms: latencies, p95Ms: latencies }),
});
export type AgentMetrics = z.infer<typeof AgentMetricsSchema>;

/** Latencies in total and per bucket. */
const LatencySeriesSchema = z.object({
  count: z.number().int().nonnegative(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  series: z.object({ count: counts, p50Ms: latencies, p95Ms: latencies }),
});

/** `trace.getMetrics`'s answer. */
export const RunMetricsSchema = z.object({
  runId: z.string(),
  /** True while the run is being recorded (poll again for more). */
  live: z.boolean(),
  /** Records of the run looked at (the whole run when the call began). */
  records: z.number().int().nonnegative(),
  /** The range covered: the one asked, else the run's first and last record time; null for an empty run. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** Width of a bucket (ms) and each bucket's start (epoch ms); bucket starts are multiples of the width. */
  bucketMs: z.number().int().positive(),
  times: z.array(z.number()),
  /** By agent name. */
  agents: z.record(z.string(), AgentMetricsSchema),
  system: z.object({
    /** Agents with a record in each bucket. */
    activeAgents: counts,
    /** A client's request (the workbench's `send`) to its reply, at the reply's time. */
    endToEnd: LatencySeriesSchema,
    /** `run.completed` events: completed and failed; rate = completed / both (null without any). */
    tasks: z.object({ completed: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), rate: z.number().nullable(), series: z.object({ completed: counts, failed: counts }) }),
    /** Error records by kind ({@link errorKind}), in total and per bucket. */
    errors: z.object({ total: z.number().int().nonnegative(), byKind: z.record(z.string(), z.number().int().nonnegative()), series: z.record(z.string(), counts) }),
  }),
});
export type RunMetrics = z.infer<typeof RunMetricsSchema>;

/** Bucket widths a plan picks from (ms): round numbers, so a growing live range keeps its buckets. */
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3, 86400e3];

/** How a range is cut into buckets: the first bucket's start, the width, how many. */
export interface BucketPlan {
  startMs: number;
  bucketMs: number;
  count: number;
}

/** The plan for `[fromMs, toMs]` in at most `buckets` buckets: the smallest round width that fits, starts aligned to it. */
export function bucketPlan(fromMs: number, toMs: number, buckets: number): BucketPlan {
  if (!(buckets >= 1)) throw new RangeError(`buckets must be at least 1 (got ${buckets})`); // else the search below never ends
  const need = (toMs - fromMs + 1) / buckets;
  let bucketMs = STEPS.find((step) => fitsIn(fromMs, toMs, step, buckets)) ?? Math.ceil(need / 86400e3) * 86400e3;
  while (!fitsIn(fromMs, toMs, bucketMs, buckets)) bucketMs += 86400e3;
  const startMs = Math.floor(fromMs / bucketMs) * bucketMs;
  return { startMs, bucketMs, count: Math.floor((toMs - startMs) / bucketMs) + 1 };
}

function fitsIn(fromMs: number, toMs: number, step: number, buckets: number): boolean {
  return Math.floor(toMs / step) - Math.floor(fromMs / step) + 1 <= buckets;
}

/** The bucket of time `t` (ms) in `plan`. */
export const bucketOf = (plan: BucketPlan, t: number): number => Math.floor((t - plan.startMs) / plan.bucketMs);

/** Nearest-rank p50 and p95 of `values` (any order; sorted in place); nulls when empty. */
export function p50p95(values: number[]): { p50Ms: number | null; p95Ms: number | null } {
  if (values.length === 0) return { p50Ms: null, p95Ms: null };
  values.sort((a, b) => a - b);
  return { p50Ms: percentile(values, 0.5), p95Ms: percentile(values, 0.95) };
}

/** Per bucket p50 and p95 of (bucket, value) samples; null where a bucket has none. */
export function bucketPercentiles(count: number, buckets: ArrayLike<number>, values: ArrayLike<number>): { p50Ms: (number | null)[]; p95Ms: (number | null)[] } {
  const groups: number[][] = Array.from({ length: count }, () => []);
  for (let k = 0; k < buckets.length; k++) groups[buckets[k]!]!.push(values[k]!);
  const p50Ms: (number | null)[] = [];
  const p95Ms: (number | null)[] = [];
  for (const group of groups) {
    const p = p50p95(group);
    p50Ms.push(p.p50Ms);
    p95Ms.push(p.p95Ms);
  }
  return { p50Ms, p95Ms };
}

/** Event names whose failure is an error of their own kind, and the kind's key. */
const EVENT_ERROR_KINDS: Record<string, string> = {
  'handler.failed': 'handler_failed',
  'budget.exceeded': 'budget_exceeded',
  'message.invalid': 'invalid_received',
  'run.completed': 'run_failed',
  'llm.call': 'llm_error',
  'tool.result': 'tool_error',
};

/** Every error kind, in the order charts stack them, with what a legend says. */
export const ERROR_KINDS: Record<string, string> = {
  timed_out: 'timed out',
  no_responders: 'no responders',
  failed_reply: 'failed reply',
  invalid: 'invalid message',
  truncated: 'truncated',
  handler_failed: 'handler failed',
  budget_exceeded: 'budget exceeded',
  invalid_received: 'invalid received',
  run_failed: 'run failed',
  llm_error: 'LLM error',
  tool_error: 'tool error',
  other: 'other',
};

/** The one kind an error record counts under: a failure event by its name; a message by its first flag (timed out, no responders, failed, invalid, truncated). */
export function errorKind(event: boolean, type: string | null, flags: number): string {
  if (event) return EVENT_ERROR_KINDS[type ?? ''] ?? 'other';
  if (flags & FLAG_TIMED_OUT) return 'timed_out';
  if (flags & FLAG_NO_RESPONDERS) return 'no_responders';
  if (flags & FLAG_FAILED) return 'failed_reply';
  if (flags & FLAG_INVALID) return 'invalid';
  if (flags & FLAG_TRUNCATED) return 'truncated';
  return 'other';
}
