/**
 * Correlation of a run's trace: request ↔ reply pairs through the NATS reply subject (latency,
 * timeouts, "no responders"), handoff chains, and conversations threaded by `in_reply_to` and
 * conversation/session ids. One pass with maps, one record at a time, so a million-record run
 * correlates in O(n) and the UI can feed it live records. Isomorphic.
 */
import type { AgentMessage } from '../protocol/agent-message.js';
import { ConversationThreads, type Conversation } from './conversations.js';
import { DeadlineHeap } from './deadline-heap.js';
import { HandoffChains, type HandoffChain } from './handoff-chains.js';
import { agentMessageOf, expectsReply, inboxAgent, isPresence, messageRef, replyLatency, replyOutcome, REQUEST_TIMEOUT_MS, requestSubjectAgent, requestTimeoutOf, type MessageRef } from './message-facts.js';
import type { MessageRecord, TraceRecord } from './record.js';
import { SEED_002_REPLY_TO_KEY, SEED_002_TYPE_KEY } from '../protocol/seed-002-envelope.js';

/** The replyTo of a seed-002 task or query sent without an inbox: its answer is expected there. */
function seed002ReplyTo(message: AgentMessage): string | null {
  const type = message.metadata[SEED_002_TYPE_KEY];
  const replyTo = message.metadata[SEED_002_REPLY_TO_KEY];
  return (type === 'task' || type === 'query') && typeof replyTo === 'string' && replyTo !== '' ? replyTo : null;
}

/** Where a request stands: `pending` only while records are still coming. */
export type RequestStatus = 'pending' | 'answered' | 'failed' | 'no_responders' | 'timed_out';

/** A message sent with a reply subject, and what came back on it. */
export interface RequestPair {
  request: MessageRef;
  /** The reply subject (an inbox) the answer was expected on. */
  replySubject: string;
  reply: MessageRef | null;
  status: RequestStatus;
  /** Reply mono minus request mono (message-facts.ts `replyLatency`). */
  latencyMs: number | null;
  /** Who asked and who was asked (from the messages, the inbox prefix or the request subject). */
  from: string | null;
  to: string | null;
  /** Why a `failed` reply failed. */
  error: string | null;
  /** For `timed_out`: the timeout passed, or the trace ended first. */
  timedOutBy: 'timeout' | 'trace_end' | null;
  /** How long the request waited before it was marked timed out. */
  waitedMs: number | null;
  /** A reply that came after the timeout (the requester had given up). */
  lateReply: MessageRef | null;
  /** Stream frames (seed 004) seen for this request on its response subject. */
  frames: number;
}

/** The result of correlating a whole trace. */
export interface Correlation {
  pairs: RequestPair[];
  chains: HandoffChain[];
  conversations: Conversation[];
}

/** What one `add` changed: a request that this record answered, and requests that timed out meanwhile. */
export interface CorrelationStep {
  resolved: RequestPair | null;
  expired: readonly RequestPair[];
}

/** Options of {@link Correlator}. */
export interface CorrelateOptions {
  /** A request without a reply this long after it is timed out (ms, default 30 s). */
  timeoutMs?: number;
}

/** Correlates records one at a time; read the results at any point, `finish()` at the end of the trace. */
export class Correlator {
  private readonly timeoutMs: number;
  private readonly allPairs: RequestPair[] = [];
  private readonly byInbox = new Map<string, RequestPair>();
  private readonly byRequestId = new Map<string, RequestPair>();
  /**
   * Requests by deadline (request mono + their own timeout): a short-timeout request behind a longer
   * one expires at its own deadline. An answered pair leaves when its deadline passes (memory follows
   * the requests inside their timeout, as the requesters' own do).
   */
  private readonly pending = new DeadlineHeap<RequestPair>();
  private readonly threads = new ConversationThreads();
  private readonly handoffs = new HandoffChains();
  private lastMono = 0;
  private finished = false;
  /** The AgentMessage timestamps of requests, for replyLatency. */
  private readonly sentAt = new WeakMap<RequestPair, string>();
  /** A request's own timeout (its `metadata.timeout_ms`) when it differs from the trace's. */
  private readonly ownTimeout = new WeakMap<RequestPair, number>();

  constructor(options: CorrelateOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /** Takes the next record (in seq order). */
  add(record: TraceRecord): CorrelationStep {
    if (this.finished) throw new Error('Correlator.add after finish().');
    this.lastMono = Math.max(this.lastMono, record.mono);
    const expired = this.expire(record.mono);
    if (record.kind === 'event') {
      if (record.name === 'run.started') this.threads.addRun(record.payload.runId, record.payload.message.message_id);
      // A batch's one run belongs to each member's conversation (its run.started names the batch's own request).
      else if (record.name === 'batch.formed') for (const member of record.payload.members) this.threads.addRun(record.payload.runId, member.messageId);
      return { resolved: null, expired };
    }
    const message = agentMessageOf(record);
    const waiting = this.byInbox.get(record.subject) ?? this.byCorrelation(record.subject, message);
    const resolved = waiting ? this.resolve(waiting, record, message) : null;
    if (expectsReply(record)) this.open(record, message, record.reply!);
    else if (message) {
      const replyTo = seed002ReplyTo(message);
      if (replyTo) this.open(record, message, replyTo);
    }
    if (message && !isPresence(message)) {
      this.threads.addMessage(record, message);
      if (message.message_type === 'handoff') this.handoffs.add(record, message);
      if (message.message_type.startsWith('stream.') && message.in_reply_to) {
        const pair = this.byRequestId.get(message.in_reply_to);
        if (pair) pair.frames++;
      }
    } else if (resolved && resolved.request.messageId) {
      // A reply that is not an AgentMessage (seed 001's TaskResponse) still belongs to its request's thread.
      this.threads.addToThreadOf(resolved.request.messageId, record.seq, record.mono, resolved.to);
    }
    return { resolved, expired };
  }

  /** Ends the trace: requests still waiting are timed out (the trace ended before their answer). */
  finish(): Correlation {
    if (!this.finished) {
      this.finished = true;
      for (const pair of this.pending.values()) {
        if (pair.status !== 'pending') continue;
        pair.status = 'timed_out';
        // Past its own timeout (a record out of mono order never expired it): it timed out, the trace did not just end.
        const timeout = this.timeoutOf(pair);
        const waited = this.lastMono - pair.request.mono;
        pair.timedOutBy = waited > timeout ? 'timeout' : 'trace_end';
        pair.waitedMs = waited > timeout ? timeout : waited;
      }
      this.pending.clear();
    }
    return { pairs: this.pairs(), chains: this.chains(), conversations: this.conversations() };
  }

  /** Every request so far, in request order. */
  pairs(): RequestPair[] {
    return this.allPairs.slice();
  }

  /** Handoff chains so far, by first handoff. */
  chains(): HandoffChain[] {
    return this.handoffs.chains();
  }

  /** Conversations so far, by first message. */
  conversations(): Conversation[] {
    return this.threads.conversations();
  }

  /** The request pair of a request message id. */
  pairOfRequest(messageId: string): RequestPair | undefined {
    return this.byRequestId.get(messageId);
  }

  /** The conversation a message id belongs to. */
  conversationOf(messageId: string): Conversation | undefined {
    return this.threads.conversationOf(messageId);
  }

  /** Just the id of {@link conversationOf} (cheap: no lists are copied). */
  conversationIdOf(messageId: string): string | undefined {
    return this.threads.idOf(messageId);
  }

  /** A seed-002 result sent to its task's replyTo (no inbox): the pending task its correlationId names, if it went there. */
  private byCorrelation(subject: string, message: AgentMessage | null): RequestPair | undefined {
    const pair = message?.in_reply_to ? this.byRequestId.get(message.in_reply_to) : undefined;
    return pair && pair.replySubject === subject ? pair : undefined;
  }

  private open(record: MessageRecord, message: AgentMessage | null, reply: string): void {
    const pair: RequestPair = {
      request: messageRef(record, message),
      replySubject: reply,
      reply: null,
      status: 'pending',
      latencyMs: null,
      from: message?.from_agent ?? inboxAgent(reply),
      to: message?.to_agent ?? requestSubjectAgent(record.subject),
      error: null,
      timedOutBy: null,
      waitedMs: null,
      lateReply: null,
      frames: 0,
    };
    this.allPairs.push(pair);
    if (message) this.sentAt.set(pair, message.timestamp);
    const own = requestTimeoutOf(message, this.timeoutMs);
    if (own !== this.timeoutMs) this.ownTimeout.set(pair, own);
    // A replyTo may be shared by many tasks (the seed's result subjects): those pair by correlationId only.
    if (reply === record.reply) this.byInbox.set(reply, pair);
    if (message) this.byRequestId.set(message.message_id, pair);
    this.pending.push(pair, pair.request.mono + own);
  }

  private timeoutOf(pair: RequestPair): number {
    return this.ownTimeout.get(pair) ?? this.timeoutMs;
  }

  private resolve(pair: RequestPair, record: MessageRecord, message: AgentMessage | null): RequestPair | null {
    if (pair.status === 'timed_out') {
      pair.lateReply ??= messageRef(record, message);
      return null;
    }
    if (pair.status !== 'pending') return null; // a second reply: the requester took the first
    pair.reply = messageRef(record, message);
    pair.latencyMs = replyLatency(pair.request.mono, record.mono, this.sentAt.get(pair) ?? null, message);
    const outcome = replyOutcome(record, message);
    if (outcome.status === 'no_responders') {
      pair.status = 'no_responders';
      pair.error = `no responders on ${pair.request.subject}`;
      return pair;
    }
    pair.to ??= message?.from_agent ?? null;
    pair.status = outcome.status;
    pair.error = outcome.error;
    return pair;
  }

  private expire(now: number): readonly RequestPair[] {
    let expired: RequestPair[] | null = null;
    // One comparison per record while nothing is due (exactly at the deadline is still in time).
    while (now > this.pending.peekDeadline()) {
      const pair = this.pending.pop()!;
      if (pair.status !== 'pending') continue;
      const timeout = this.timeoutOf(pair);
      pair.status = 'timed_out';
      pair.timedOutBy = 'timeout';
      pair.waitedMs = timeout;
      (expired ??= []).push(pair);
    }
    return expired ?? NONE;
  }
}

const NONE: readonly RequestPair[] = Object.freeze([]);

/** Correlates a whole trace. */
export function correlate(records: Iterable<TraceRecord>, options: CorrelateOptions = {}): Correlation {
  const correlator = new Correlator(options);
  for (const record of records) correlator.add(record);
  return correlator.finish();
}
