/**
 * Trace queries: what a user filters a run by, and the one predicate that defines what matches.
 * The on-disk store answers the same queries with indexes; it must agree with `matchesQuery`.
 */
import { z } from 'zod';
import { subjectMatches } from '../protocol/subjects.js';
import { agentsOf, type TraceRecord } from './record.js';
import { FLAG_ERROR, FLAG_INFRASTRUCTURE, recordFlags } from './record-flags.js';
import { synadiaSubjectType } from './synadia-rows.js';
import { workflowIdOfSubject } from '../protocol/workflow-record.js';

/**
 * A point in time as text. Normalized so that comparing strings compares instants: without it,
 * '…T12:00:05Z' sorts after '…T12:00:05.123Z'.
 */
const Instant = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'not a date-time (use ISO 8601, e.g. 2026-11-21T12:00:00Z)')
  .transform((text) => new Date(Date.parse(text)).toISOString());

/** What a query filters by; `TraceQuerySchema` adds paging, `trace.count` takes these alone. */
const FILTERS = {
  /** Wall-clock range, inclusive: any date-time JavaScript parses, normalized to toISOString form. */
  from: Instant.optional(),
  to: Instant.optional(),
  /** A NATS subject or pattern (`*`, `>`); events never match a subject filter. */
  subject: z.string().min(1).optional(),
  /** Records about this agent (sender or receiver of a message; the agent of an event). */
  agent: z.string().min(1).optional(),
  kind: z.enum(['message', 'event']).optional(),
  /** An AgentMessage `message_type` (messages) or a runtime event name (events). */
  type: z.string().min(1).optional(),
  /** A message id, `in_reply_to`, conversation/session id, or OODA run id. */
  correlation: z.string().min(1).optional(),
  /** Case-insensitive text anywhere in the payload. */
  text: z.string().min(1).optional(),
  /** NATS infrastructure (JetStream, KV, object store, `$SYS`, their inbox replies: record-flags.ts): shown (the default), hidden, or alone. */
  infrastructure: z.enum(['show', 'hide', 'only']).optional(),
  /** Only errors: failed (replies, their requests, failure events), invalid, truncated, no responders, timed out (record-flags.ts). */
  errors: z.literal(true).optional(),
};

/** The filters of a query without paging: what `trace.count` counts by. */
export const TraceFilterSchema = z.object(FILTERS).strict();
export type TraceFilter = z.input<typeof TraceFilterSchema>;
/** Filters after parsing: defaults applied, time bounds in toISOString form. */
export type ParsedTraceFilter = z.output<typeof TraceFilterSchema>;

/** A page of a run's records: the filters, and `after`, `before` or `offset` with a `limit`. */
export const TraceQuerySchema = z
  .object({
    ...FILTERS,
    /** Page forward: records after this seq, oldest first. */
    after: z.number().int().nonnegative().optional(),
    /** Page backward: records before this seq, newest first. */
    before: z.number().int().positive().optional(),
    /** Page by position: the records from this 0-based position in the filtered result, oldest first (not with `text` or `correlation`, which only the records answer). */
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict()
  .refine((q) => [q.after, q.before, q.offset].filter((v) => v !== undefined).length <= 1, 'page with one of after, before or offset')
  .refine((q) => q.offset === undefined || (q.text === undefined && q.correlation === undefined), 'offset paging needs filters the index answers: page a text or correlation filter with after or before');
export type TraceQuery = z.input<typeof TraceQuerySchema>;
/** A query after parsing: defaults applied, time bounds in toISOString form. */
export type ParsedTraceQuery = z.output<typeof TraceQuerySchema>;

/** One page of results, in the direction asked; `hasMore` when the same direction has more. */
export interface TracePage {
  records: TraceRecord[];
  hasMore: boolean;
  /** Records matching the filters (paging aside) when the index can tell; null with `text` or `correlation`. */
  total: number | null;
  /** The 0-based position of the page's oldest record in the filtered result, when `total` is known (and a record came back). */
  offset: number | null;
}

/** True when only the records themselves can answer the filter (text, correlation): no positions, no total. */
export const needsRecords = (q: ParsedTraceFilter): boolean => q.text !== undefined || q.correlation !== undefined;

/**
 * True when `record` passes every filter of `query` (paging aside). Parse queries first. `flags`
 * are the record's record-flags.ts bits as its run classified them (`runFlags`, the store's
 * index); without them the record is classified alone, which cannot tell an inbox reply to a
 * JetStream call or a request whose reply failed.
 */
export function matchesQuery(record: TraceRecord, query: ParsedTraceFilter, flags?: number): boolean {
  const infrastructure = query.infrastructure ?? 'show';
  if (infrastructure !== 'show' || query.errors) {
    const f = flags ?? recordFlags(record);
    if (infrastructure !== 'show' && ((f & FLAG_INFRASTRUCTURE) !== 0) !== (infrastructure === 'only')) return false;
    if (query.errors && (f & FLAG_ERROR) === 0) return false;
  }
  if (query.kind && record.kind !== query.kind) return false;
  // Text order is time order here: records' times and parsed bounds are both in toISOString form.
  if (query.from && record.time < query.from) return false;
  if (query.to && record.time > query.to) return false;
  if (query.subject && (record.kind !== 'message' || !subjectMatches(query.subject, record.subject))) return false;
  if (query.agent && !agentsOf(record).includes(query.agent)) return false;
  if (query.type && typeOf(record) !== query.type) return false;
  if (query.correlation && !correlationIds(record).includes(query.correlation)) return false;
  if (query.text && !searchableText(record).toLowerCase().includes(query.text.toLowerCase())) return false;
  return true;
}

/** The message type of a message record, the event name of an event record. */
export function typeOf(record: TraceRecord): string | null {
  if (record.kind === 'event') return record.name;
  // Not an AgentMessage: a Synadia protocol prompt, heartbeat or status request is told by its subject.
  return record.parsed.ok ? record.parsed.message.message_type : synadiaSubjectType(record.subject);
}

/** Every id a record can be found by through `correlation`. */
function correlationIds(record: TraceRecord): string[] {
  if (record.kind === 'event') {
    const p = record.payload;
    const ids: string[] = [];
    if ('runId' in p && typeof p.runId === 'string') ids.push(p.runId); // null: a gateway call outside a run
    // A protocol gateway call is found by its callId and by the bus request it serves.
    if ('callId' in p) ids.push(p.callId);
    if ('requestId' in p && typeof p.requestId === 'string') ids.push(p.requestId);
    if ('messageId' in p) ids.push(p.messageId);
    // A negotiation's events are found by its id (its bus messages carry it as their conversation id).
    if ('negotiationId' in p) ids.push(p.negotiationId);
    // A durable workflow's events are found by its instance id (as its records in the stream are).
    if ('workflowId' in p) ids.push(p.workflowId);
    if ('message' in p) ids.push(p.message.message_id);
    // A batch's one run is found by each member's request id too.
    if ('members' in p) for (const member of p.members) ids.push(member.messageId);
    return ids;
  }
  if (!record.parsed.ok) {
    const workflowId = workflowIdOfSubject(record.subject);
    return workflowId ? [workflowId] : [];
  }
  const m = record.parsed.message;
  const meta = m.metadata as { conversation_id?: unknown; session_id?: unknown; batch_run_id?: unknown };
  // A batch member's reply is found by the batch's run id.
  return [m.message_id, m.in_reply_to, meta.conversation_id, meta.session_id, meta.batch_run_id].filter((v): v is string => typeof v === 'string');
}

/** The text `text` searches: the payload of a message, the JSON of an event. */
function searchableText(record: TraceRecord): string {
  return record.kind === 'message' ? record.payload : JSON.stringify(record.payload);
}
