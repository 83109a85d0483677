/**
 * What correlation needs to know about one message record: its AgentMessage, who it is from and
 * for (also from inbox and request subjects), whether it waits for a reply, whether a reply failed.
 * Pure functions of one record. Isomorphic.
 */
import type { AgentMessage, MessageType } from '../protocol/agent-message.js';
import { SEED_002_ANY, SUBJECT_PROFILES } from '../protocol/subjects.js';
import { parseSynadiaSubject } from '../protocol/synadia.js';
import type { MessageRecord, TraceRecord } from './record.js';

/** How long a request waits for its first reply before the trace calls it timed out (trace time). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The request's metadata key with its requester's timeout (ms): set by Agent.request. */
export const REQUEST_TIMEOUT_KEY = 'timeout_ms';

/** How long the requester of `message` waits (its `metadata.timeout_ms`), else `fallback`. */
export function requestTimeoutOf(message: AgentMessage | null, fallback: number): number {
  const own = message?.metadata[REQUEST_TIMEOUT_KEY];
  return typeof own === 'number' && Number.isFinite(own) && own > 0 ? own : fallback;
}

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

// The request templates of every shipped profile as regexes, to name the agent a request is for
// (seed 002: a task of any type addressed to an agent, in any environment).
const REQUEST_SUBJECTS = Object.values(SUBJECT_PROFILES).map(
  (profile) =>
    new RegExp(`^${(profile.listen ?? profile.request).replace(/[.$^]/g, (c) => `\\${c}`).replace('{env}', '[^.]+').replace('*', '[^.]+').replace('{agent}', '([^.]+)')}$`),
);

/** The agent a request subject addresses under any shipped profile (`agents.request.B`, `agent.B.task`). */
export function requestSubjectAgent(subject: string): string | null {
  for (const pattern of REQUEST_SUBJECTS) {
    const match = pattern.exec(subject);
    // Seed 002's capability routing (`task.{capability}.any`) names no agent.
    if (match?.[1] && match[1] !== SEED_002_ANY) return match[1];
  }
  // A Synadia protocol prompt (`agents.prompt.{agent}.{owner}.{name}`) is for the agent named by its last token.
  const synadia = subject.startsWith('agents.prompt.') ? parseSynadiaSubject(subject) : null;
  return synadia?.verb === 'prompt' ? synadia.identity.name : null;
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
  return waitsOn(record.reply);
}

/** True when `reply` (a message's reply subject) is one an answer is expected on: {@link expectsReply} for the bare subject. */
export function waitsOn(reply: string | null): reply is string {
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

/** Why a reply AgentMessage failed (`metadata.status: 'failed'`), or null. */
export function failedReply(message: AgentMessage): string | null {
  if (message.metadata['status'] !== 'failed') return null;
  const error = message.metadata['error'];
  return typeof error === 'string' && error ? error : message.content || 'failed';
}

/** Seed 001's TaskResponse `{status: 'failed', error}`; parsed only when it can be one. */
export function failedTaskReply(record: MessageRecord): string | null {
  if (record.encoding !== 'utf8' || !record.payload.includes('"failed"')) return null;
  try {
    const body = JSON.parse(record.payload) as { status?: unknown; error?: unknown };
    if (body.status !== 'failed') return null;
    return typeof body.error === 'string' && body.error ? body.error : 'failed';
  } catch {
    return null; // a cut (truncated) payload: no verdict
  }
}

/**
 * How long a reply took: reply mono − request mono. The recorder stamps a tap read, not a frame
 * (unless an agent of its own process sent or received the message: then the runtime's event),
 * so a request and its reply between agents elsewhere, read together, share one time; then the
 * agents' own AgentMessage timestamps (to the ms, each its own clock) say more, and are taken.
 */
export function replyLatency(requestMono: number, replyMono: number, requestSentAt: string | null, reply: AgentMessage | null): number {
  const latency = replyMono - requestMono;
  if (latency > 0 || requestSentAt === null || reply === null) return latency;
  const stamped = Date.parse(reply.timestamp) - Date.parse(requestSentAt);
  return stamped > latency ? stamped : latency; // NaN (a timestamp that is no date) compares false
}

/** What a reply says about its request: a server 503 (no responders), a failed reply (with why), or an answer. */
export function replyOutcome(record: MessageRecord, message: AgentMessage | null = agentMessageOf(record)): { status: 'answered' | 'failed' | 'no_responders'; error: string | null } {
  if (isNoResponders(record)) return { status: 'no_responders', error: null };
  const failure = message ? failedReply(message) : failedTaskReply(record);
  return failure === null ? { status: 'answered', error: null } : { status: 'failed', error: failure };
}
