/**
 * A run's timeline: one lane per agent with its OODA phases, model calls and tool calls as spans,
 * and the bus messages between lanes as arrows (sent → received, replies with their latency). The
 * schemas of `trace.getTimeline`, the facts gathered from records one by one ({@link TimelineFacts},
 * fed by the host from its index) and the answer for a time range with at most `maxItems` items
 * ({@link assembleTimeline}). Times are epoch ms with sub-ms precision: each record's monotonic
 * clock placed on the wall clock. Isomorphic.
 */
import { z } from 'zod';
import { mermaidLabel } from './export-mermaid.js';
import { agentMessageOf, isPresence } from './message-facts.js';
import type { MessageRecord, TraceRecord } from './record.js';
import { typeOf } from './query.js';
import { messageParties } from './row-facts.js';

/** Items a timeline answer holds when the caller does not say, and the most it can ask for. */
export const TIMELINE_DEFAULT_ITEMS = 4000;
export const TIMELINE_MAX_ITEMS = 20_000;
/** The lane of senders and receivers that are no agent of the run (the workbench, the CLI, clients). */
export const OUTSIDE_LANE = 'outside';

/** What `trace.getTimeline` takes: a run, an optional range (epoch ms, inclusive), how many items at most. */
export const TimelineInputSchema = z
  .object({
    runId: z.string().min(1),
    from: z.number().finite().optional(),
    to: z.number().finite().optional(),
    maxItems: z.number().int().min(1).max(TIMELINE_MAX_ITEMS).default(TIMELINE_DEFAULT_ITEMS),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, '`from` must not be after `to`');
export type TimelineInput = z.input<typeof TimelineInputSchema>;

/** What a span is: one of the four OODA phases, a model call or a tool call. */
export const TimelineSpanKindSchema = z.enum(['observe', 'orient', 'decide', 'act', 'llm', 'tool']);
export type TimelineSpanKind = z.infer<typeof TimelineSpanKindSchema>;

/** A bar on a lane: from `start` to `end` (epoch ms); `seq` is the record that ended it. */
export const TimelineSpanSchema = z.object({
  lane: z.string(),
  kind: TimelineSpanKindSchema,
  start: z.number(),
  end: z.number(),
  seq: z.number().int().positive(),
  label: z.string(),
});
export type TimelineSpan = z.infer<typeof TimelineSpanSchema>;

/** An arrow between lanes: a bus message sent at `sent`, taken in by its receiver at `received` (null: not seen). */
export const TimelineMessageSchema = z.object({
  from: z.string(),
  to: z.string(),
  sent: z.number(),
  received: z.number().nullable(),
  seq: z.number().int().positive(),
  type: z.string(),
  label: z.string(),
  /** The answer to a request (drawn dashed). */
  reply: z.boolean(),
});
export type TimelineMessage = z.infer<typeof TimelineMessageSchema>;

/** What `trace.getTimeline` answers. */
export const TimelineSchema = z.object({
  /** The run's bounds (epoch ms): its first and last timeline item; null when it has none yet. */
  from: z.number().nullable(),
  to: z.number().nullable(),
  /** Agents in topology order, then other agents as first seen, then {@link OUTSIDE_LANE} when used. */
  lanes: z.array(z.string()),
  spans: z.array(TimelineSpanSchema),
  messages: z.array(TimelineMessageSchema),
  /** Items (spans + messages) in the range; more than returned when `truncated`. */
  total: z.number().int().nonnegative(),
  /** True when the range holds more than `maxItems`: the longest spans kept, messages sampled. */
  truncated: z.boolean(),
});
export type Timeline = z.infer<typeof TimelineSchema>;

/** A span as gathered: monotonic times (ms), placed on the wall clock when answered. */
interface SpanFact {
  lane: string;
  kind: TimelineSpanKind;
  start: number;
  end: number;
  seq: number;
  label: string;
}

/**
 * A message as gathered: monotonic times, sender and receiver names (lanes decided when answered);
 * its label is made only when an answer returns it ({@link messageLabel}).
 */
interface MessageFact {
  from: string;
  to: string;
  sent: number;
  received: number | null;
  seq: number;
  type: string;
  /** The AgentMessage's content ('' for none): as sent when short, else already clipped for the label. */
  content: string;
  clipped: boolean;
  /** What the label says after the content: the reply's latency, the request's answers. */
  tail: string;
  reply: boolean;
}

/** Content kept as sent up to this length (clipped when the label is made); longer is clipped when read. */
const KEEP_CONTENT = 1024;
/** Content as the label shows it (one line, at most 60 characters). */
const LABEL_CONTENT = 60;

/** The label of a message: who to whom, its type and content, then its tail. */
function messageLabel(m: MessageFact): string {
  const content = m.clipped ? m.content : m.content ? mermaidLabel(m.content, LABEL_CONTENT) : '';
  return `${m.from} → ${m.to}: ${m.type}${content ? ` “${content}”` : ''}${m.tail}`;
}

/** Pending receipts remembered at most (a message whose receiver never says so is forgotten past this). */
const PENDING_LIMIT = 65_536;

/**
 * A map that forgets its oldest key (in a Map's insertion order) past PENDING_LIMIT, in constant
 * time: a Map's first key is found by skipping the slots of deleted keys, which grow to the limit
 * (a million unreceived messages took minutes). Keys in insertion order with a stamp; a stale
 * one (deleted, or deleted and set again) is skipped.
 */
class PendingMap<V> {
  private readonly entries = new Map<string, { value: V; stamp: number }>();
  private order: { key: string; stamp: number }[] = [];
  private head = 0;
  private stamps = 0;

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Sets `key` (a key already there keeps its place), then forgets the oldest past the limit. */
  set(key: string, value: V): void {
    const entry = this.entries.get(key);
    if (entry) return void (entry.value = value);
    const stamp = this.stamps++;
    this.entries.set(key, { value, stamp });
    this.order.push({ key, stamp });
    while (this.entries.size > PENDING_LIMIT && this.head < this.order.length) {
      const { key: oldest, stamp: at } = this.order[this.head++]!;
      if (this.entries.get(oldest)?.stamp === at) this.entries.delete(oldest);
    }
    if (this.order.length - this.head > 2 * this.entries.size + 1024) {
      this.order = this.order.slice(this.head).filter((o) => this.entries.get(o.key)?.stamp === o.stamp);
      this.head = 0;
    }
  }
}

const ms = (value: number): string => (value >= 100 ? `${Math.round(value)} ms` : `${Number(value.toPrecision(2))} ms`);

/** The label of a span's record, or null when the record makes no span. */
function spanOf(record: TraceRecord): Omit<SpanFact, 'start' | 'end' | 'seq'> & { durationMs: number } | null {
  if (record.kind !== 'event') return null;
  const lane = record.agent;
  if (record.name === 'ooda.phase') {
    const p = record.payload;
    return { lane, kind: p.phase, label: `${p.phase} · turn ${p.turn}`, durationMs: p.durationMs };
  }
  if (record.name === 'llm.call') {
    const p = record.payload;
    const usage = p.response?.usage;
    const tail = p.error !== null ? ` · error: ${mermaidLabel(p.error, 80)}` : usage ? ` · ${usage.inputTokens + usage.outputTokens} tokens` : '';
    return { lane, kind: 'llm', label: `model ${p.provider}/${p.model} · turn ${p.turn}${tail}`, durationMs: p.latencyMs };
  }
  if (record.name === 'tool.result') {
    const p = record.payload;
    const tail = p.refused ? ` · refused (${p.refused})` : p.isError ? ' · error' : p.replayed ? ' · replayed' : '';
    return { lane, kind: 'tool', label: `tool ${p.tool}${tail}`, durationMs: p.durationMs };
  }
  return null;
}

/**
 * A run's timeline facts, gathered record by record in seq order (the host reads only the records
 * that make spans or arrows: `ooda.phase`, `llm.call`, `tool.result`, `message.received` and bus
 * messages outside the infrastructure) and answered over any range by {@link assembleTimeline}.
 */
export class TimelineFacts {
  readonly spans: SpanFact[] = [];
  readonly messages: MessageFact[] = [];
  /** Agents with runtime events of their own, as first seen (the rest of the senders are outside). */
  readonly agents: string[] = [];
  private readonly agentSet = new Set<string>();
  /** Wall clock − monotonic clock: the largest seen (a record's wall time is cut to the ms). */
  base = -Infinity;
  minMono = Infinity;
  maxMono = -Infinity;
  /** Messages not yet taken in, by receiver and message id → index in `messages`. */
  private readonly waiting = new PendingMap<number>();
  /** Receipts recorded before their message, by receiver and message id → monotonic time. */
  private readonly early = new PendingMap<number>();

  /** Notes an agent that has runtime events (its own lane). */
  addAgent(name: string): void {
    if (this.agentSet.has(name)) return;
    this.agentSet.add(name);
    this.agents.push(name);
  }

  /**
   * Takes in the next record; a reply comes with the request it answers (its reply subject matched).
   * `timeMs`: the record's time as epoch ms when the caller has it (an index's), NaN or absent to parse it.
   */
  add(record: TraceRecord, request: MessageRecord | null = null, timeMs = Number.NaN): void {
    const wall = (Number.isNaN(timeMs) ? Date.parse(record.time) : timeMs) - record.mono;
    if (wall > this.base) this.base = wall;
    if (record.kind === 'event') {
      this.addAgent(record.agent);
      if (record.name === 'message.received') return this.received(`${record.agent}\u0000${record.payload.message.message_id}`, record.mono);
      const span = spanOf(record);
      if (!span) return;
      const start = Math.min(record.mono, record.mono - span.durationMs);
      this.spans.push({ lane: span.lane, kind: span.kind, start, end: record.mono, seq: record.seq, label: span.label });
      this.extent(start, record.mono);
      return;
    }
    const message = agentMessageOf(record);
    if (message && isPresence(message)) return;
    const facts = messageParties(record, request);
    if (facts.from === null || facts.to === null || facts.from === facts.to) return;
    const reply = request !== null;
    const raw = message?.content ?? '';
    const clipped = raw.length > KEEP_CONTENT;
    const content = clipped ? mermaidLabel(raw, LABEL_CONTENT) : raw;
    let tail = '';
    if (reply && facts.latencyMs !== null) {
      tail = ` · reply after ${ms(facts.latencyMs)}`;
      this.answered(request.seq, facts.latencyMs);
    }
    const key = message ? `${facts.to}\u0000${message.message_id}` : null;
    const early = key === null ? undefined : this.early.get(key);
    const type = typeOf(record) ?? 'message';
    const at = this.messages.push({ from: facts.from, to: facts.to, sent: record.mono, received: early ?? null, seq: record.seq, type, content, clipped, tail, reply }) - 1;
    this.extent(record.mono, early ?? record.mono);
    if (key !== null && early !== undefined) this.early.delete(key);
    else if (key !== null) this.waiting.set(key, at);
  }

  private received(key: string, mono: number): void {
    const at = this.waiting.get(key);
    if (at === undefined) return this.early.set(key, mono);
    this.waiting.delete(key);
    const message = this.messages[at]!;
    message.received = Math.max(mono, message.sent);
    this.extent(message.sent, message.received);
  }

  /** Adds the reply latency to the label of the request `seq` (found by seq: messages are in seq order). */
  private answered(seq: number, latencyMs: number): void {
    let lo = 0;
    let hi = this.messages.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.messages[mid]!;
      if (m.seq === seq) return void (m.tail += ` · answered in ${ms(latencyMs)}`);
      if (m.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
  }

  private extent(start: number, end: number): void {
    if (start < this.minMono) this.minMono = start;
    if (end > this.maxMono) this.maxMono = end;
  }
}

/** The lanes of a timeline: `topology` agents in order, then the other agents with events, then outside (when `outside`). */
export function timelineLanes(topology: readonly string[], agents: readonly string[], outside: boolean): string[] {
  const lanes = [...topology];
  const known = new Set(lanes);
  for (const agent of agents) {
    if (known.has(agent)) continue;
    known.add(agent);
    lanes.push(agent);
  }
  if (outside) lanes.push(OUTSIDE_LANE);
  return lanes;
}

/** The indexes of the `budget` largest of `values` (ties: the earlier first), in ascending index order. */
function largest(values: Float64Array, budget: number): number[] {
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, budget).sort((a, b) => a - b);
}

/**
 * The timeline over `range` (epoch ms, the run's own bounds when absent) with at most `maxItems`
 * items: past it, the longest spans and evenly sampled messages, in shares of the two counts.
 * `topology`: the run's agents in topology order (empty when unknown).
 */
export function assembleTimeline(facts: TimelineFacts, range: { from?: number | undefined; to?: number | undefined; maxItems: number }, topology: readonly string[]): Timeline {
  const base = facts.base;
  const empty = facts.spans.length + facts.messages.length === 0;
  const runFrom = empty ? null : base + facts.minMono;
  const runTo = empty ? null : base + facts.maxMono;
  // Ranges compare in monotonic time: the same offset for every item.
  const lo = range.from === undefined ? -Infinity : range.from - base;
  const hi = range.to === undefined ? Infinity : range.to - base;
  const own = new Set(facts.agents);
  for (const agent of topology) own.add(agent);
  const laneOf = (name: string) => (own.has(name) ? name : OUTSIDE_LANE);
  const spans = facts.spans.filter((s) => s.start <= hi && s.end >= lo);
  // Between two outsiders (two clients) is no arrow: both are the outside lane.
  const messages = facts.messages.filter((m) => m.sent <= hi && (m.received ?? m.sent) >= lo && (own.has(m.from) || own.has(m.to)));
  const total = spans.length + messages.length;
  const truncated = total > range.maxItems;
  let keptSpans = spans;
  let keptMessages = messages;
  if (truncated) {
    const spanBudget = Math.min(spans.length, Math.round((range.maxItems * spans.length) / total));
    const messageBudget = Math.min(messages.length, range.maxItems - spanBudget);
    const lengths = Float64Array.from(spans, (s) => s.end - s.start);
    keptSpans = largest(lengths, spanBudget).map((i) => spans[i]!);
    keptMessages = Array.from({ length: messageBudget }, (_, k) => messages[Math.floor((k * messages.length) / messageBudget)]!);
  }
  const outside = facts.messages.some((m) => !own.has(m.from) || !own.has(m.to));
  return {
    from: runFrom,
    to: runTo,
    lanes: timelineLanes(topology, facts.agents, outside),
    spans: keptSpans.map((s) => ({ lane: s.lane, kind: s.kind, start: base + s.start, end: base + s.end, seq: s.seq, label: s.label })),
    messages: keptMessages.map((m) => ({ from: laneOf(m.from), to: laneOf(m.to), sent: base + m.sent, received: m.received === null ? null : base + m.received, seq: m.seq, type: m.type, label: messageLabel(m), reply: m.reply })),
    total,
    truncated,
  };
}
