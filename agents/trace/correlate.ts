/**
 * Correlation of a run's trace: request ↔ reply pairs through the NATS reply subject (latency,
 * timeouts, "no responders"), handoff chains, and conversations threaded by `in_reply_to` and
 * conversation/session ids. One pass with maps, one record at a time, so a million-record run
 * correlates in O(n) and the UI can feed it live records. Isomorphic.
 */
import type { AgentMessage, MessageType } from '../protocol/agent-message.js';
import { SUBJECT_PROFILES } from '../protocol/subjects.js';
import type { MessageRecord, TraceRecord } from './record.js';

/** How long a request waits for its reply by default: the runtime's own default request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The few facts about a message record that correlation keeps (not the payload: memory stays small). */
export interface MessageRef {
  seq: number;
  mono: number;
  time: string;
  subject: string;
  /** Sender: the AgentMessage's `from_agent`, else the agent whose inbox a reply goes to. */
  from: string | null;
  to: string | null;
  messageId: string | null;
  type: MessageType | null;
  size: number;
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
  /** Reply mono minus request mono. */
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

/** One handoff of a chain. */
export interface HandoffHop {
  seq: number;
  mono: number;
  from: string;
  to: string;
  messageId: string;
}

/** Handoffs that pass one task along: A→B, B→C, … */
export interface HandoffChain {
  /** The first handoff's message id. */
  id: string;
  hops: HandoffHop[];
  /** Every agent the task visited, in order (the first sender, then each receiver). */
  agents: string[];
  /** The chain this one forked from (a handoff replying to a hop that was not the last). */
  parent: string | null;
}

/** Messages that belong together: linked by `in_reply_to`, a shared conversation/session id, or a reply inbox. */
export interface Conversation {
  /** The conversation (or session) id when one was given, else the first message's id. */
  id: string;
  /** The message records' seqs, in order. */
  seqs: number[];
  agents: string[];
  firstMono: number;
  lastMono: number;
  /** OODA runs started by a message of this conversation. */
  runs: string[];
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

/** The AgentMessage a record carries, if it is a message record with a valid one. */
export function agentMessageOf(record: TraceRecord): AgentMessage | null {
  return record.kind === 'message' && record.parsed.ok ? record.parsed.message : null;
}

/** Announcements and heartbeats: presence, not conversation. */
export const isPresence = (message: AgentMessage): boolean => message.message_type === 'announcement' || message.message_type === 'heartbeat';

const INBOX_AGENT = /^_INBOX_([A-Za-z0-9_-]+)\./;

/** The agent whose inbox `subject` is (`_INBOX_<agent>.…`, the runtime's per-agent prefix), else null. */
export function inboxAgent(subject: string): string | null {
  return INBOX_AGENT.exec(subject)?.[1] ?? null;
}

// The request templates of every shipped profile as regexes, to name the agent a request is for.
const REQUEST_SUBJECTS = Object.values(SUBJECT_PROFILES).map(
  (profile) => new RegExp(`^${profile.request.replace(/[.$^]/g, (c) => `\\${c}`).replace('{agent}', '([^.]+)')}$`),
);

/** The agent a request subject addresses under any shipped profile (`agents.request.B`, `agent.B.task`). */
export function requestSubjectAgent(subject: string): string | null {
  for (const pattern of REQUEST_SUBJECTS) {
    const match = pattern.exec(subject);
    if (match?.[1]) return match[1];
  }
  return null;
}

/**
 * True for the server's "no responders" answer: a header-only message with status 503. The status
 * is the header block's first line, not a header, so recorders spell it as a `Status`,
 * `:status` or `Nats-Status` header, or keep the line itself as a key; all are accepted.
 */
export function isNoResponders(record: MessageRecord): boolean {
  if (!record.headers) return false;
  for (const [key, values] of Object.entries(record.headers)) {
    if (/^NATS\/1\.0 503\b/.test(key)) return true;
    if (/^(:?status|nats-status)$/i.test(key) && values.some((v) => /^503\b/.test(v.trim()))) return true;
  }
  return false;
}

/** True when a message waits for an answer: a reply subject that is not a JetStream ack or flow-control subject. */
export function expectsReply(record: MessageRecord): boolean {
  const reply = record.reply;
  // KV watchers' deliveries carry `$JS.ACK.…` replies nobody answers (ack-none), and flow control is
  // answered by the client library; neither is a request.
  return reply !== null && reply !== '' && !reply.startsWith('$JS.ACK.') && !reply.startsWith('$JS.FC.');
}

/** The small reference correlation keeps for a message record. */
export function messageRef(record: MessageRecord, message: AgentMessage | null = agentMessageOf(record)): MessageRef {
  return {
    seq: record.seq,
    mono: record.mono,
    time: record.time,
    subject: record.subject,
    from: message?.from_agent ?? null,
    to: message?.to_agent ?? null,
    messageId: message?.message_id ?? null,
    type: message?.message_type ?? null,
    size: record.size,
  };
}

/** A conversation or session id from a message's metadata (conversation first: a session holds many). */
export function threadKeyOf(message: AgentMessage): string | null {
  const { conversation_id: conversation, session_id: session } = message.metadata as { conversation_id?: unknown; session_id?: unknown };
  if (typeof conversation === 'string' && conversation) return conversation;
  if (typeof session === 'string' && session) return session;
  return null;
}

/** Correlates records one at a time; read the results at any point, `finish()` at the end of the trace. */
export class Correlator {
  private readonly timeoutMs: number;
  private readonly allPairs: RequestPair[] = [];
  private readonly byInbox = new Map<string, RequestPair>();
  private readonly byRequestId = new Map<string, RequestPair>();
  /** Pending requests in arrival order: mono rises with arrival, so this is also deadline order. */
  private queue: RequestPair[] = [];
  private head = 0;
  private readonly threads = new Threads();
  private readonly handoffs = new Handoffs();
  private lastMono = 0;
  private finished = false;

  constructor(options: CorrelateOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Takes the next record (in seq order). */
  add(record: TraceRecord): CorrelationStep {
    if (this.finished) throw new Error('Correlator.add after finish().');
    this.lastMono = Math.max(this.lastMono, record.mono);
    const expired = this.expire(record.mono);
    if (record.kind === 'event') {
      if (record.name === 'run.started') this.threads.addRun(record.payload);
      return { resolved: null, expired };
    }
    const message = agentMessageOf(record);
    const waiting = this.byInbox.get(record.subject);
    const resolved = waiting ? this.resolve(waiting, record, message) : null;
    if (expectsReply(record)) this.open(record, message);
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
      for (let i = this.head; i < this.queue.length; i++) {
        const pair = this.queue[i]!;
        if (pair.status !== 'pending') continue;
        pair.status = 'timed_out';
        pair.timedOutBy = 'trace_end';
        pair.waitedMs = this.lastMono - pair.request.mono;
      }
      this.queue = [];
      this.head = 0;
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

  private open(record: MessageRecord, message: AgentMessage | null): void {
    const reply = record.reply!;
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
    this.byInbox.set(reply, pair);
    if (message) this.byRequestId.set(message.message_id, pair);
    this.queue.push(pair);
  }

  private resolve(pair: RequestPair, record: MessageRecord, message: AgentMessage | null): RequestPair | null {
    if (pair.status === 'timed_out') {
      pair.lateReply ??= messageRef(record, message);
      return null;
    }
    if (pair.status !== 'pending') return null; // a second reply: the requester took the first
    pair.reply = messageRef(record, message);
    pair.latencyMs = record.mono - pair.request.mono;
    if (isNoResponders(record)) {
      pair.status = 'no_responders';
      pair.error = `no responders on ${pair.request.subject}`;
      return pair;
    }
    pair.to ??= message?.from_agent ?? null;
    const failure = message ? failedReply(message) : failedTaskReply(record);
    pair.status = failure === null ? 'answered' : 'failed';
    pair.error = failure;
    return pair;
  }

  private expire(now: number): readonly RequestPair[] {
    let expired: RequestPair[] | null = null;
    while (this.head < this.queue.length) {
      const pair = this.queue[this.head]!;
      if (pair.status === 'pending') {
        if (now <= pair.request.mono + this.timeoutMs) break;
        pair.status = 'timed_out';
        pair.timedOutBy = 'timeout';
        pair.waitedMs = this.timeoutMs;
        (expired ??= []).push(pair);
      }
      this.head++;
    }
    // Drop the consumed front now and then, so the queue's memory follows what is pending.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
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

/** Why a reply AgentMessage failed (`metadata.status: 'failed'`), or null. */
function failedReply(message: AgentMessage): string | null {
  if (message.metadata['status'] !== 'failed') return null;
  const error = message.metadata['error'];
  return typeof error === 'string' && error ? error : message.content || 'failed';
}

/** Seed 001's TaskResponse `{status: 'failed', error}`; parsed only when it can be one. */
function failedTaskReply(record: MessageRecord): string | null {
  if (record.encoding !== 'utf8' || !record.payload.includes('"failed"')) return null;
  try {
    const body = JSON.parse(record.payload) as { status?: unknown; error?: unknown };
    if (body.status !== 'failed') return null;
    return typeof body.error === 'string' && body.error ? body.error : 'failed';
  } catch {
    return null; // a cut (truncated) payload: no verdict
  }
}

// ---------------------------------------------------------------------------------------------

interface ThreadData {
  seqs: number[];
  agents: Set<string>;
  firstSeq: number;
  firstMono: number;
  lastMono: number;
  runs: string[];
  threadKey: string | null;
  firstMessageId: string | null;
}

/** Union-find over message ids and thread keys; each root holds its conversation, merged small into large. */
class Threads {
  private readonly index = new Map<string, number>();
  private readonly parent: number[] = [];
  private readonly data: (ThreadData | undefined)[] = [];

  addMessage(record: MessageRecord, message: AgentMessage): void {
    let root = this.node(`m:${message.message_id}`);
    if (message.in_reply_to) root = this.union(root, this.node(`m:${message.in_reply_to}`));
    const thread = threadKeyOf(message);
    if (thread) root = this.union(root, this.node(`t:${thread}`));
    const data = this.dataAt(root);
    if (thread) data.threadKey ??= thread;
    if (data.firstMessageId === null || record.seq < data.firstSeq) data.firstMessageId = message.message_id;
    this.addSeq(data, record.seq, record.mono, message.from_agent, message.to_agent);
  }

  addToThreadOf(messageId: string, seq: number, mono: number, agent: string | null): void {
    const node = this.index.get(`m:${messageId}`);
    if (node === undefined) return;
    this.addSeq(this.dataAt(this.find(node)), seq, mono, agent, null);
  }

  addRun(payload: unknown): void {
    const { runId, message } = (payload ?? {}) as { runId?: unknown; message?: { message_id?: unknown } };
    if (typeof runId !== 'string' || typeof message?.message_id !== 'string') return;
    this.dataAt(this.find(this.node(`m:${message.message_id}`))).runs.push(runId);
  }

  conversationOf(messageId: string): Conversation | undefined {
    const node = this.index.get(`m:${messageId}`);
    if (node === undefined) return undefined;
    const data = this.data[this.find(node)];
    return data && data.seqs.length > 0 ? toConversation(data) : undefined;
  }

  idOf(messageId: string): string | undefined {
    const node = this.index.get(`m:${messageId}`);
    const data = node === undefined ? undefined : this.data[this.find(node)];
    return data && data.seqs.length > 0 ? conversationId(data) : undefined;
  }

  conversations(): Conversation[] {
    const out: ThreadData[] = [];
    for (let i = 0; i < this.data.length; i++) {
      const data = this.data[i];
      if (data && data.seqs.length > 0 && this.parent[i] === i) out.push(data);
    }
    return out.sort((a, b) => a.firstSeq - b.firstSeq).map(toConversation);
  }

  private addSeq(data: ThreadData, seq: number, mono: number, from: string | null, to: string | null): void {
    if (data.seqs.length === 0 || seq < data.firstSeq) {
      data.firstSeq = seq;
      data.firstMono = mono;
    }
    data.seqs.push(seq);
    data.lastMono = Math.max(data.lastMono, mono);
    if (from) data.agents.add(from);
    if (to) data.agents.add(to);
  }

  private node(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.parent.length;
      this.index.set(key, i);
      this.parent.push(i);
      this.data.push(undefined);
    }
    return i;
  }

  private find(i: number): number {
    while (this.parent[i] !== i) {
      const up = this.parent[i]!;
      this.parent[i] = this.parent[up]!; // path halving
      i = up;
    }
    return i;
  }

  private dataAt(root: number): ThreadData {
    let data = this.data[root];
    if (!data) {
      data = { seqs: [], agents: new Set(), firstSeq: Infinity, firstMono: 0, lastMono: 0, runs: [], threadKey: null, firstMessageId: null };
      this.data[root] = data;
    }
    return data;
  }

  private union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return ra;
    const da = this.dataAt(ra);
    const db = this.dataAt(rb);
    // Small into large keeps the total copying at O(n log n) in the worst case.
    const [big, small, bigRoot, smallRoot] = da.seqs.length >= db.seqs.length ? [da, db, ra, rb] : [db, da, rb, ra];
    if (small.seqs.length > 0 && (big.seqs.length === 0 || small.firstSeq < big.firstSeq)) {
      big.firstSeq = small.firstSeq;
      big.firstMono = small.firstMono;
      big.firstMessageId = small.firstMessageId ?? big.firstMessageId;
    }
    for (const seq of small.seqs) big.seqs.push(seq);
    for (const agent of small.agents) big.agents.add(agent);
    for (const run of small.runs) big.runs.push(run);
    big.lastMono = Math.max(big.lastMono, small.lastMono);
    big.threadKey ??= small.threadKey;
    this.parent[smallRoot] = bigRoot;
    this.data[smallRoot] = undefined;
    return bigRoot;
  }
}

const conversationId = (data: ThreadData): string => data.threadKey ?? data.firstMessageId ?? `seq-${data.firstSeq}`;

function toConversation(data: ThreadData): Conversation {
  return {
    id: conversationId(data),
    seqs: data.seqs.slice().sort((a, b) => a - b),
    agents: [...data.agents],
    firstMono: data.firstMono,
    lastMono: data.lastMono,
    runs: data.runs.slice(),
  };
}

interface OpenChain {
  chain: HandoffChain;
  thread: string | null;
}

/** Handoff chains: a handoff from B continues the chain that last handed to B. */
class Handoffs {
  private readonly all: OpenChain[] = [];
  private readonly hopOf = new Map<string, OpenChain>();
  /** The chain whose last hop ended at an agent, keyed by that agent. */
  private readonly openAt = new Map<string, OpenChain>();

  add(record: MessageRecord, message: AgentMessage): void {
    const to = message.to_agent;
    // The runtime publishes each handoff twice (direct subject and tracking copy): one hop.
    if (!to || this.hopOf.has(message.message_id)) return;
    const hop: HandoffHop = { seq: record.seq, mono: record.mono, from: message.from_agent, to, messageId: message.message_id };
    const thread = threadKeyOf(message);
    const replied = message.in_reply_to ? this.hopOf.get(message.in_reply_to) : undefined;
    let target: OpenChain | undefined;
    let parent: string | null = null;
    if (replied) {
      // An explicit link wins; linking to a hop that is not the chain's end forks a new chain.
      if (tailOf(replied.chain).messageId === message.in_reply_to && tailOf(replied.chain).to === hop.from) target = replied;
      else parent = replied.chain.id;
    } else {
      const open = this.openAt.get(hop.from);
      if (open && (open.thread === null || thread === null || open.thread === thread)) target = open;
    }
    if (target) {
      if (this.openAt.get(hop.from) === target) this.openAt.delete(hop.from);
      target.chain.hops.push(hop);
      target.chain.agents.push(to);
    } else {
      target = { chain: { id: hop.messageId, hops: [hop], agents: [hop.from, to], parent }, thread };
      this.all.push(target);
    }
    this.hopOf.set(hop.messageId, target);
    this.openAt.set(to, target);
  }

  chains(): HandoffChain[] {
    return this.all.map(({ chain }) => ({ ...chain, hops: chain.hops.slice(), agents: chain.agents.slice() }));
  }
}

const tailOf = (chain: HandoffChain): HandoffHop => chain.hops[chain.hops.length - 1]!;
