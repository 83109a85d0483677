/**
 * What the trace table filters on beyond a record's fields: whether a record is NATS
 * infrastructure (JetStream, KV, object store, system traffic and the inbox replies to it) and
 * whether it is an error (failed, invalid, truncated, no responders, a failure event). Some of it
 * depends on earlier records (a reply on an inbox is whatever its request was), so a run is
 * classified in order by one {@link RecordClassifier} (which also keeps the run's request ↔ reply
 * pairing, reply-index.ts), and the store keeps the result as a byte per record. Isomorphic.
 */
import { SUBJECT_PROFILES, subjectMatches } from '../protocol/subjects.js';
import { failedReply, failedTaskReply, isNoResponders, REQUEST_TIMEOUT_MS, waitsOn } from './message-facts.js';
import type { MessageRecord, TraceRecord } from './record.js';
import { ReplyIndex } from './reply-index.js';
import { synadiaError } from './synadia-rows.js';

/** NATS infrastructure: JetStream, KV, object store, system traffic, and the replies to it. */
export const FLAG_INFRASTRUCTURE = 1;
/** A failed reply (AgentMessage or TaskResponse) or a failure event of the runtime. */
export const FLAG_FAILED = 2;
/** Not an AgentMessage where one is due: on a subject that carries them (isAgentMessageSubject), or as the reply to an AgentMessage request; NATS internals never are. */
export const FLAG_INVALID = 4;
/** The payload was cut at the store's size limit. */
export const FLAG_TRUNCATED = 8;
/** The server's "no responders" answer (status 503), and the request it answered. */
export const FLAG_NO_RESPONDERS = 16;
/** A request whose first reply did not come within {@link REQUEST_TIMEOUT_MS} of trace time. */
export const FLAG_TIMED_OUT = 32;
/** Any of the error flags: what "errors only" keeps. */
export const FLAG_ERROR = FLAG_FAILED | FLAG_INVALID | FLAG_TRUNCATED | FLAG_NO_RESPONDERS | FLAG_TIMED_OUT;

const INFRASTRUCTURE_PREFIXES = ['$JS.', '$KV.', '$SYS.', '$O.'];
const JETSTREAM_STATUSES = new Set([100, 404, 408, 409]);

/** True for subjects of JetStream (API, acks, flow control), KV, the object store and the system account. */
export function isInfrastructureSubject(subject: string): boolean {
  return subject.charCodeAt(0) === 0x24 && INFRASTRUCTURE_PREFIXES.some((prefix) => subject.startsWith(prefix));
}

/** What classifying a record needs beyond its subject; computed from a record, a stored line or the recorder's bytes. */
export interface FlagFacts {
  /** The record's monotonic time (ms): a request times out when a record comes this long after it without its reply. */
  mono: number;
  reply: string | null;
  /** The status code of the header block (503 no responders, 100 heartbeat / flow control), else null. */
  status: number | null;
  truncated: boolean;
  /** The payload is a valid AgentMessage (always true for events). */
  agentMessage: boolean;
  /** A failed reply (message-facts.ts: an AgentMessage with `metadata.status: 'failed'`, a failed TaskResponse), or a failure event. */
  failed: boolean;
}

/** The status code of a record's headers, in every spelling `isNoResponders` accepts, else null. */
export function headerStatus(headers: MessageRecord['headers']): number | null {
  if (!headers) return null;
  for (const [key, values] of Object.entries(headers)) {
    const line = /^NATS\/1\.0 (\d{3})\b/.exec(key);
    if (line) return Number(line[1]);
    if (!/^(:?status|nats-status)$/i.test(key)) continue;
    for (const value of values) {
      const code = /^(\d{3})\b/.exec(value.trim());
      if (code) return Number(code[1]);
    }
  }
  return null;
}

/** True for the runtime's failure events: a handler or run that failed, a budget run out, an LLM error, a tool error or refusal, an evaluator that gave no verdict, a failed negotiation, an invalid message received, the recorder losing the bus (a gap in the trace). */
export function isFailureEvent(record: TraceRecord): boolean {
  if (record.kind !== 'event') return false;
  switch (record.name) {
    case 'handler.failed':
    case 'budget.exceeded':
    case 'message.invalid':
    case 'bus.disconnected':
      return true;
    case 'run.completed':
      return record.payload.status === 'failed';
    case 'llm.call':
      return record.payload.error !== null;
    case 'tool.result':
      return record.payload.isError || record.payload.refused !== null;
    case 'evaluation.judged':
      return record.payload.verdict === 'error'; // the evaluator gave no verdict (a fail is the layer working)
    case 'negotiation.finished':
      return record.payload.state === 'failed'; // no agreement: nobody answered, or the rule was not met
    default:
      return false;
  }
}

/** Event names whose failure depends on the payload (the others are decided by name alone). */
const PAYLOAD_DECIDES = new Set(['run.completed', 'llm.call', 'tool.result', 'evaluation.judged', 'negotiation.finished']);
const ALWAYS_FAILED = new Set(['handler.failed', 'budget.exceeded', 'message.invalid', 'bus.disconnected']);

/** {@link isFailureEvent} from an event's name and payload JSON, parsing the payload only when it can tell. */
export function isFailureEventJson(name: string, payloadJson: string): boolean {
  if (ALWAYS_FAILED.has(name)) return true;
  if (!PAYLOAD_DECIDES.has(name)) return false;
  // Each verdict needs one of these words in the payload: most payloads are never parsed.
  if (!/"failed"|"error":"|"isError":true|"refused":"|"verdict":"error"/.test(payloadJson)) return false;
  try {
    const p = JSON.parse(payloadJson) as { status?: unknown; error?: unknown; isError?: unknown; refused?: unknown; verdict?: unknown; state?: unknown };
    if (name === 'run.completed') return p.status === 'failed';
    if (name === 'evaluation.judged') return p.verdict === 'error';
    if (name === 'negotiation.finished') return p.state === 'failed';
    if (name === 'llm.call') return p.error !== null && p.error !== undefined;
    return p.isError === true || (p.refused !== null && p.refused !== undefined);
  } catch {
    return false;
  }
}

/** The facts of an event from its name and payload JSON (the recorder's and the index's way: most payloads are never parsed). */
export function eventFactsJson(name: string, mono: number, payloadJson: string): FlagFacts {
  return { mono, reply: null, status: null, truncated: false, agentMessage: true, failed: isFailureEventJson(name, payloadJson) };
}

/** The facts of a whole record. */
export function factsOf(record: TraceRecord): FlagFacts {
  if (record.kind === 'event') return { mono: record.mono, reply: null, status: null, truncated: false, agentMessage: true, failed: isFailureEvent(record) };
  const message = record.parsed.ok ? record.parsed.message : null;
  return {
    mono: record.mono,
    reply: record.reply,
    status: isNoResponders(record) ? 503 : headerStatus(record.headers),
    truncated: record.truncated,
    agentMessage: message !== null,
    // A micro service's error answer (the Synadia protocol's 4xx/5xx) fails too: its headers say so.
    failed: (message ? failedReply(message) : failedTaskReply(record)) !== null || (record.headers !== null && synadiaError(record) !== null),
  };
}

// Subjects that carry AgentMessages: every template of the profiles whose wire is AgentMessage, and
// seed 002's task subjects (its envelope is read as one; its status subjects are left out: other
// implementations publish their own shapes there).
const AGENT_MESSAGE_PATTERNS = Object.values(SUBJECT_PROFILES)
  .flatMap((profile) =>
    profile.wire === 'agent-message' ? [profile.broadcast, profile.request, profile.direct, profile.response, profile.handoff] : profile.wire === 'seed-002' ? [profile.listen, profile.capability] : [],
  )
  .filter((template): template is string => template !== undefined)
  .map((template) => template.replace(/\{\w+\}/g, '*'));
// Their first tokens (all literal in the shipped profiles): most subjects are ruled out without splitting.
const FIRST_TOKENS = new Set(AGENT_MESSAGE_PATTERNS.map((pattern) => pattern.split('.')[0]!));
const ANY_FIRST = FIRST_TOKENS.has('*') || FIRST_TOKENS.has('>');

/** True when `subject` is one of a shipped profile's AgentMessage subjects (`agents.request.b`, `agents.all`…). */
export function isAgentMessageSubject(subject: string): boolean {
  const dot = subject.indexOf('.');
  if (!ANY_FIRST && !FIRST_TOKENS.has(dot < 0 ? subject : subject.slice(0, dot))) return false;
  return AGENT_MESSAGE_PATTERNS.some((pattern) => subjectMatches(pattern, subject));
}

/**
 * Requests remembered at most for classifying their replies (those of the last REQUEST_TIMEOUT_MS;
 * oldest forgotten first): a request forgotten early never times out, and its reply is classified
 * alone. (The reply index keeps pairing every request.)
 */
export const REMEMBERED_REQUESTS = 65_536;

/** Window bits: the request is infrastructure; its reply is due to be an AgentMessage; it has had its first reply. */
const W_INFRASTRUCTURE = 1;
const W_WANTS_AGENT_MESSAGE = 2;
const W_ANSWERED = 4;

/** Sets more flags on an earlier record (a request, once its first reply says it failed). */
export type FlagPatch = (at: number, flags: number) => void;

/**
 * Classifies a run's records in seq order. Requests are tracked once, by reply subject, in the
 * run's {@link ReplyIndex} (which also pairs each request with its reply for the table); what
 * classifying needs of the requests of the last REQUEST_TIMEOUT_MS (at most
 * {@link REMEMBERED_REQUESTS}) waits beside it in a window, in arrival order. So a reply on an
 * inbox is infrastructure when its request was (a JetStream API call, a KV put), and a request is
 * marked (through `patch`) failed or no-responders when its first reply is, and timed out when a
 * record comes more than REQUEST_TIMEOUT_MS after it before its reply (as correlate.ts decides; a
 * request still waiting when the trace ends is not marked).
 */
export class RecordClassifier {
  private at = 0;
  /** The window: a ring of request seqs (rising), their mono and bits, `count` of them from `head`. */
  private seqs = new Uint32Array(0);
  private monos = new Float64Array(0);
  private bits = new Uint8Array(0);
  private head = 0;
  private count = 0;

  constructor(
    private readonly patch: FlagPatch = () => undefined,
    /** The run's request ↔ reply pairing, kept as records are classified. */
    readonly replies: ReplyIndex = new ReplyIndex(),
  ) {}

  /** The flags of the next record. */
  add(record: TraceRecord): number {
    return this.classify(record.kind === 'message' ? record.subject : null, factsOf(record));
  }

  /** The flags of the next record (seq: one more than the last) from its subject (null for an event) and facts. */
  classify(subject: string | null, facts: FlagFacts): number {
    const at = this.at++;
    if (this.count > 0) this.expire(facts.mono);
    if (subject === null) return facts.failed ? FLAG_FAILED : 0;
    const reply = facts.reply;
    const asked = this.replies.add(at + 1, subject, reply);
    // The latest request on this subject, while remembered; an agent's request is done with once answered.
    let w = asked === 0 || this.count === 0 ? -1 : this.find(asked);
    if (w >= 0 && (this.bits[w]! & (W_ANSWERED | W_INFRASTRUCTURE)) === W_ANSWERED) w = -1;
    const wBits = w < 0 ? 0 : this.bits[w]!;
    const infrastructure =
      (wBits & W_INFRASTRUCTURE) !== 0 ||
      isInfrastructureSubject(subject) ||
      // A JetStream delivery (its reply is an ack subject), a consumer's heartbeat or flow control
      // (status 100), or the end of a pull request's wait (404 no messages, 408 expired, 409).
      (reply !== null && reply.startsWith('$JS.')) ||
      (facts.status !== null && JETSTREAM_STATUSES.has(facts.status));
    let flags = infrastructure ? FLAG_INFRASTRUCTURE : 0;
    if (facts.truncated) flags |= FLAG_TRUNCATED;
    if (facts.status === 503) flags |= FLAG_NO_RESPONDERS;
    if (facts.failed) flags |= FLAG_FAILED;
    const agentSubject = isAgentMessageSubject(subject);
    const firstReply = w >= 0 && (wBits & W_ANSWERED) === 0;
    if (!infrastructure && !facts.agentMessage && facts.status !== 503 && (agentSubject || (firstReply && (wBits & W_WANTS_AGENT_MESSAGE) !== 0))) flags |= FLAG_INVALID;
    if (firstReply) {
      this.bits[w]! |= W_ANSWERED;
      const outcome = flags & (FLAG_NO_RESPONDERS | FLAG_FAILED);
      if (outcome) this.patch(asked - 1, outcome);
      // Later replies change nothing for an agent's request; an infrastructure inbox (a batch fetch) keeps classifying them.
    }
    if (waitsOn(reply)) this.remember(at + 1, facts.mono, (infrastructure ? W_INFRASTRUCTURE : 0) | (facts.agentMessage || agentSubject ? W_WANTS_AGENT_MESSAGE : 0));
    return flags;
  }

  /** Forgets requests older than the timeout (the window is in arrival order, so mono order), marking the unanswered ones. */
  private expire(now: number): void {
    const mask = this.seqs.length - 1;
    while (this.count > 0) {
      const i = this.head;
      if (now <= this.monos[i]! + REQUEST_TIMEOUT_MS) return;
      // JetStream's own waits (a pull consumer's long poll) are not failures.
      if ((this.bits[i]! & (W_ANSWERED | W_INFRASTRUCTURE)) === 0) this.patch(this.seqs[i]! - 1, FLAG_TIMED_OUT);
      this.head = (i + 1) & mask;
      this.count--;
    }
  }

  /** The window slot of request `seq`, or -1 (binary search: seqs rise from the head). */
  private find(seq: number): number {
    const mask = this.seqs.length - 1;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.seqs[(this.head + mid) & mask]!;
      if (at === seq) return (this.head + mid) & mask;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private remember(seq: number, mono: number, bits: number): void {
    if (this.count === this.seqs.length) {
      if (this.count >= REMEMBERED_REQUESTS) {
        this.head = (this.head + 1) & (this.seqs.length - 1); // the oldest is forgotten
        this.count--;
      } else this.grow();
    }
    const i = (this.head + this.count++) & (this.seqs.length - 1);
    this.seqs[i] = seq;
    this.monos[i] = mono;
    this.bits[i] = bits;
  }

  /** Doubles the ring, unrolled from the head. */
  private grow(): void {
    const size = Math.max(64, this.seqs.length * 2);
    const seqs = new Uint32Array(size);
    const monos = new Float64Array(size);
    const bits = new Uint8Array(size);
    const mask = this.seqs.length - 1;
    for (let k = 0; k < this.count; k++) {
      const from = (this.head + k) & mask;
      seqs[k] = this.seqs[from]!;
      monos[k] = this.monos[from]!;
      bits[k] = this.bits[from]!;
    }
    this.seqs = seqs;
    this.monos = monos;
    this.bits = bits;
    this.head = 0;
  }
}

/** The flags of one record classified alone: an inbox reply's request is not known, so it is not infrastructure. */
export function recordFlags(record: TraceRecord): number {
  return new RecordClassifier().add(record);
}

/** The flags of every record of a run, in order, requests patched by their replies (what the store keeps per record). */
export function runFlags(records: Iterable<TraceRecord>): number[] {
  const flags: number[] = [];
  const classifier = new RecordClassifier((at, more) => (flags[at]! |= more));
  for (const record of records) flags.push(classifier.add(record));
  return flags;
}
