/**
 * What the trace table and the detail pane show about one record: who sent it to whom, its type,
 * its status, and for a request or a reply the record it pairs with and the latency. Pure: the
 * store finds the paired records (through its reply index) and hands them in; the pairing and
 * failure rules are message-facts.ts's, the same ones correlate.ts applies to a whole run.
 * Isomorphic.
 */
import { z } from 'zod';
import type { AgentMessage } from '../protocol/agent-message.js';
import { agentMessageOf, inboxAgent, replyLatency, replyOutcome, REQUEST_TIMEOUT_MS, requestSubjectAgent, requestTimeoutOf, waitsOn } from './message-facts.js';
import { typeOf } from './query.js';
import { isAgentMessageSubject, isFailureEvent } from './record-flags.js';
import { synadiaError, synadiaRowType } from './synadia-rows.js';
import { TraceRecordSchema, type EventRecord, type MessageRecord, type TraceRecord } from './record.js';

/** A record's status in the table: `pending` is a request still inside its timeout on a live run. */
const RowStatusSchema = z.enum(['ok', 'pending', 'failed', 'timed_out', 'no_responders', 'invalid', 'truncated']);
type RowStatus = z.infer<typeof RowStatusSchema>;

/** The table's per-record columns beyond the record itself. */
export const RowFactsSchema = z.object({
  seq: z.number().int().positive(),
  /** Sender: the AgentMessage's `from_agent`, the agent an inbox or request subject names, the event's agent. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** Message type or event name. */
  type: z.string().nullable(),
  status: RowStatusSchema,
  /** Why the status is not `ok`, when there is a reason to give. */
  error: z.string().nullable(),
  /** For a request: the first message on its reply subject. */
  replySeq: z.number().int().positive().nullable(),
  /** For a reply: the request whose reply subject it was published on. */
  requestSeq: z.number().int().positive().nullable(),
  /** Reply mono − request mono (message-facts.ts `replyLatency`), on both the request and its reply. */
  latencyMs: z.number().nullable(),
  /** Present (true) on a message the workbench published itself: republished from the detail pane. */
  injected: z.literal(true).optional(),
});
export type RowFacts = z.infer<typeof RowFactsSchema>;

/** What the store found around a record. */
export interface FactsContext {
  /** The reply of this record, when it is a request that has one. */
  reply?: MessageRecord | null;
  /** The request this record answers, when it is a reply. */
  request?: MessageRecord | null;
  /** How long the trace went on after this record (ms); past the timeout an unanswered request has timed out. */
  waitedMs: number;
  /** True when no more records can come (the run is not recording): an unanswered request has timed out. */
  ended: boolean;
  timeoutMs?: number;
}

/** The facts of one record. */
export function rowFacts(record: TraceRecord, ctx: FactsContext): RowFacts {
  const type = typeOf(record);
  if (record.kind === 'event') {
    const { status, error } = eventStatus(record);
    return { seq: record.seq, from: record.agent, to: null, type, status, error, replySeq: null, requestSeq: null, latencyMs: null };
  }
  const message = agentMessageOf(record);
  // The requester's own timeout when the request carries it (Agent.request), else the trace's.
  const timeoutMs = requestTimeoutOf(message, ctx.timeoutMs ?? REQUEST_TIMEOUT_MS);
  const reply = waitsOn(record.reply) ? (ctx.reply ?? null) : null;
  const request = ctx.request ?? null;
  const parties = messageParties(record, request);
  const { from, to } = parties;
  // A record's own verdict first (a 503, a failed reply), then what its reply says, then its form.
  type Verdict = { status: RowStatus; error: string | null };
  let verdict: Verdict = ownStatus(record, message, request);
  // The Synadia protocol's messages are not AgentMessages: labelled by subject, or as part of the prompt's stream.
  const synadia = message ? null : synadiaRowType(record, request);
  const serviceError = synadia === 'synadia.error' ? synadiaError(record) : reply && synadia === 'synadia.prompt' ? synadiaError(reply) : null;
  if (serviceError !== null && verdict.status === 'ok') verdict = { status: 'failed', error: serviceError };
  let latencyMs = parties.latencyMs;
  if (reply) {
    latencyMs = replyLatency(record.mono, reply.mono, message?.timestamp ?? null, agentMessageOf(reply));
    const outcome = replyOutcome(reply);
    if (latencyMs > timeoutMs) verdict = lateReply(latencyMs, timeoutMs);
    else if (outcome.status === 'no_responders') verdict = { status: 'no_responders', error: `no responders on ${record.subject}` };
    else if (outcome.status === 'failed' && verdict.status === 'ok') verdict = { status: 'failed', error: outcome.error };
  } else if (waitsOn(record.reply) && verdict.status === 'ok') {
    if (ctx.waitedMs > timeoutMs) verdict = { status: 'timed_out', error: `timed out after ${timeoutMs} ms: no reply on ${record.reply}` };
    else verdict = ctx.ended ? { status: 'timed_out', error: `no reply on ${record.reply} before the trace ended` } : { status: 'pending', error: null };
  }
  if (verdict.status === 'no_responders' && request) verdict = { status: 'no_responders', error: `no responders on ${request.subject}` };
  // A reply past its requester's timeout reads as its request does (and as correlate.ts's late reply).
  // Only under an AgentMessage request: a Synadia prompt's stream may run long, chunk after chunk.
  const asked = request && (verdict.status === 'ok' || verdict.status === 'failed') ? agentMessageOf(request) : null;
  if (asked && latencyMs !== null) {
    const askedTimeout = requestTimeoutOf(asked, ctx.timeoutMs ?? REQUEST_TIMEOUT_MS);
    if (latencyMs > askedTimeout) verdict = lateReply(latencyMs, askedTimeout);
  }
  return { seq: record.seq, from, to, type: type ?? synadia, ...verdict, replySeq: reply?.seq ?? null, requestSeq: request?.seq ?? null, latencyMs, ...(isInjected(record) && { injected: true as const }) };
}

/** A message's sender and receiver and, for a reply with its `request`, the reply latency (as in {@link rowFacts}, without its status). */
export function messageParties(record: MessageRecord, request: MessageRecord | null): { from: string | null; to: string | null; latencyMs: number | null } {
  const message = agentMessageOf(record);
  const asked = request ? agentMessageOf(request) : null;
  const from = message?.from_agent ?? (request ? (asked?.to_agent ?? requestSubjectAgent(request.subject)) : waitsOn(record.reply) ? inboxAgent(record.reply) : null);
  const to =
    message?.to_agent ??
    (request ? (asked?.from_agent ?? (request.reply ? inboxAgent(request.reply) : null)) : null) ??
    inboxAgent(record.subject) ??
    requestSubjectAgent(record.subject);
  const latencyMs = request ? replyLatency(request.mono, record.mono, asked?.timestamp ?? null, message) : null;
  return { from, to, latencyMs };
}

/** The header the workbench puts on each message it publishes itself (`trace.republish`). */
export const INJECTED_HEADER = 'Switchboard-Injected';
const INJECTED_LOWER = INJECTED_HEADER.toLowerCase();

/** True when the workbench published `record` itself (its header, in any letter case). */
export function isInjected(record: MessageRecord): boolean {
  if (!record.headers) return false;
  for (const key in record.headers) if (key.toLowerCase() === INJECTED_LOWER) return true;
  return false;
}

const OK = { status: 'ok', error: null } as const;

/** A request answered after its requester gave up, said alike on the request's row and the reply's. */
function lateReply(latencyMs: number, timeoutMs: number): { status: RowStatus; error: string } {
  return { status: 'timed_out', error: `timed out: the reply came ${round(latencyMs - timeoutMs)} ms after the requester gave up at ${timeoutMs} ms` };
}

/** Whole ms, or tenths under 10 ms (mono is fractional). */
const round = (ms: number): number => (ms >= 10 ? Math.round(ms) : Math.round(ms * 10) / 10);

/** What a message says of itself: a 503, a failed reply, a cut payload, or a payload that should be an AgentMessage and is not. */
function ownStatus(record: MessageRecord, message: AgentMessage | null, request: MessageRecord | null): { status: RowStatus; error: string | null } {
  const outcome = replyOutcome(record, message);
  if (outcome.status === 'no_responders') return { status: 'no_responders', error: null };
  // A failed TaskResponse (not an AgentMessage) is a failure only as the answer to a request.
  if (outcome.status === 'failed' && (message !== null || request !== null)) return { status: 'failed', error: outcome.error };
  if (record.truncated) return { status: 'truncated', error: `payload cut at ${record.payload.length} of ${record.size} bytes` };
  // Invalid where an AgentMessage was due: on an agent subject, or as the reply to a request that was one or went to one.
  const due = isAgentMessageSubject(record.subject) || (request !== null && (request.parsed.ok || isAgentMessageSubject(request.subject)));
  if (!record.parsed.ok && due) return { status: 'invalid', error: record.parsed.reason };
  return OK;
}

/** The status of an event: record-flags.ts's failure events, with the reason their payload gives. */
function eventStatus(record: EventRecord): { status: RowStatus; error: string | null } {
  if (!isFailureEvent(record)) return OK;
  const p = record.payload;
  const error =
    'reason' in p ? p.reason
    : 'refused' in p && p.refused ? `refused: ${p.refused}`
    : 'error' in p && typeof p.error === 'string' ? p.error
    : 'budget' in p ? `${p.budget} budget exceeded (${p.used} of ${p.limit})`
    : 'result' in p ? p.result
    : null;
  return { status: record.name === 'message.invalid' ? 'invalid' : 'failed', error };
}

/** A handoff chain or a conversation, as seqs (at most `RELATED_LIMIT`, those nearest the asked record). */
const RelatedGroupSchema = z.object({
  id: z.string(),
  agents: z.array(z.string()),
  /** How many records the group has in the correlated window (more than `seqs` when cut at the limit). */
  total: z.number().int().nonnegative(),
  seqs: z.array(z.number().int().positive()),
});

/** The most seqs a related group returns. */
export const RELATED_LIMIT = 200;

/** What the detail pane shows around one record: seqs, and every record they name once. */
export const RelatedRecordsSchema = z.object({
  seq: z.number().int().positive(),
  /** The record's facts: its request (`requestSeq`) or reply (`replySeq`) and the latency. */
  facts: RowFactsSchema,
  /** The handoff chain the record is a hop of (or whose hop it answers). */
  chain: RelatedGroupSchema.nullable(),
  /** The conversation the record belongs to (threaded by `in_reply_to`, conversation/session ids, reply inboxes). */
  conversation: RelatedGroupSchema.nullable(),
  /** The seqs correlated for chain and conversation: a chain or conversation reaching past them is cut there. */
  window: z.object({ from: z.number().int().positive(), to: z.number().int().positive() }),
  /** The record itself, its request or reply, and the records of chain and conversation: each once, in seq order. */
  records: z.array(TraceRecordSchema),
});
export type RelatedRecords = z.infer<typeof RelatedRecordsSchema>;
