/**
 * Seed 002's envelope <-> the runtime's AgentMessage, both ways, pure (isomorphic: the trace
 * recorder reads seed-002 traffic with it, the runtime speaks it). A task is a request, a result
 * a response (`correlationId` = the request's `id`, as `in_reply_to`), an event carries its
 * AgentMessage type in `context.metadata.message_type` (presence, broadcasts), a query is a request
 * (discovery). The AgentMessage's metadata travels as `context.metadata`, so a round trip keeps it.
 */
import type { AgentMessage, MessageType } from './agent-message.js';
import { SEED_002_VERSION, Seed002MessageSchema, seed002Text, type Seed002Message, type Seed002Type } from './seed-002.js';
import { REQUEST_TIMEOUT_KEY } from '../trace/message-facts.js';
import { CAPABILITY_PREFIX } from './subjects.js';

/** Where a seed-002 request's `replyTo` is kept in the AgentMessage's metadata. */
export const SEED_002_REPLY_TO_KEY = 'reply_to';
/** The envelope type a decoded seed-002 message had (`task`, `result`, `event`, `query`), kept in metadata. */
export const SEED_002_TYPE_KEY = 'seed002_type';

/** The seed-002 type an AgentMessage travels as. */
export function seed002TypeOf(type: MessageType): Seed002Type {
  return type === 'request' ? 'task' : type === 'response' ? 'result' : 'event';
}

// Seed 000's priorities are 1..4 (normal 2), seed 002's 0..10 (default 5): normal maps to normal.
const toSeed002Priority = (p: number) => Math.min(10, p * 2 + 1);
const fromSeed002Priority = (p: number) => Math.max(0, Math.round((p - 1) / 2));

/** An AgentMessage as seed 002's envelope; presence carries the agent's fields in `payload.content` for discovery. */
export function messageToSeed002(message: AgentMessage, type: Seed002Type = seed002TypeOf(message.message_type)): Seed002Message {
  const { [REQUEST_TIMEOUT_KEY]: timeout, [SEED_002_REPLY_TO_KEY]: replyTo, [SEED_002_TYPE_KEY]: _type, ...metadata } = message.metadata;
  const failed = metadata['status'] === 'failed';
  const capability = message.to_agent?.startsWith(CAPABILITY_PREFIX) ? message.to_agent.slice(CAPABILITY_PREFIX.length) : null;
  return {
    id: message.message_id,
    timestamp: Date.parse(message.timestamp) / 1000,
    version: SEED_002_VERSION,
    type,
    source: { id: message.from_agent, type: 'agent' },
    // `@capability` is capability routing: no one agent is the target, the capability is required.
    target: capability === null ? message.to_agent : null,
    ...(typeof replyTo === 'string' && { replyTo }),
    correlationId: message.in_reply_to,
    context: { metadata: type === 'event' ? { ...metadata, message_type: message.message_type } : metadata },
    payload: { content: failed ? { error: String(metadata['error'] ?? message.content) } : contentOf(message) },
    routing: {
      priority: toSeed002Priority(message.priority),
      capabilities: capability === null ? [] : [capability],
      ...(typeof timeout === 'number' && Number.isSafeInteger(timeout) && timeout > 0 && { timeout }),
    },
  };
}

/** A seed-002 envelope as an AgentMessage addressed to `fallbackTo` when it names no target. */
export function seed002ToMessage(envelope: Seed002Message, fallbackTo: string | null = null): AgentMessage {
  const context = envelope.context.metadata;
  const declared = context['message_type'];
  const messageType: MessageType =
    envelope.type === 'task' || envelope.type === 'query' ? 'request' : envelope.type === 'result' ? 'response' : isEventType(declared) ? declared : 'broadcast';
  const error = errorOf(envelope);
  const metadata: Record<string, unknown> = { ...context, [SEED_002_TYPE_KEY]: envelope.type };
  delete metadata['message_type'];
  if (envelope.replyTo) metadata[SEED_002_REPLY_TO_KEY] = envelope.replyTo;
  if (envelope.routing.timeout !== undefined) metadata[REQUEST_TIMEOUT_KEY] = envelope.routing.timeout;
  if (envelope.routing.capabilities.length) metadata['capabilities'] = envelope.routing.capabilities;
  if (envelope.context.conversationId) metadata['conversation_id'] = envelope.context.conversationId;
  if (error !== null) Object.assign(metadata, { status: 'failed', error });
  return {
    message_type: messageType,
    from_agent: envelope.source.id,
    to_agent: envelope.target ?? fallbackTo,
    content: error ?? seed002Text(envelope),
    metadata,
    timestamp: Number.isFinite(envelope.timestamp) ? new Date(envelope.timestamp * 1000).toISOString() : new Date(0).toISOString(),
    message_id: envelope.id,
    in_reply_to: envelope.correlationId ?? null,
    priority: Math.min(10, fromSeed002Priority(envelope.routing.priority)),
  };
}

/**
 * True when a parsed JSON value looks like seed 002's envelope (it has `source` and `payload`, no
 * `message_type`): one check before the schema, so other traffic pays nothing more.
 */
export function looksLikeSeed002(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && 'payload' in raw && 'source' in raw && !('message_type' in raw);
}

/** Validates a parsed JSON value as seed 002's envelope and reads it as an AgentMessage, or says why not. */
export function decodeSeed002Value(raw: unknown, fallbackTo: string | null = null): { ok: true; value: AgentMessage; envelope: Seed002Message } | { ok: false; reason: string } {
  const parsed = Seed002MessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `not a seed-002 message: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, value: seed002ToMessage(parsed.data, fallbackTo), envelope: parsed.data };
}

const EVENT_TYPES: readonly string[] = ['direct', 'handoff', 'broadcast', 'announcement', 'heartbeat', 'progress', 'stream.begin', 'stream.chunk', 'stream.end'];
const isEventType = (value: unknown): value is MessageType => typeof value === 'string' && EVENT_TYPES.includes(value);

/** A failed result: `context.metadata.status: failed`, or a content that is only `{error}` (or says `status: failed`). */
function errorOf(envelope: Seed002Message): string | null {
  if (envelope.type !== 'result') return null;
  const content = envelope.payload.content as Record<string, unknown> | null;
  const contentError = content && typeof content === 'object' && typeof content['error'] === 'string' ? content['error'] : null;
  const failed = envelope.context.metadata['status'] === 'failed' || (content && typeof content === 'object' && content['status'] === 'failed') || (contentError !== null && !('text' in content!));
  if (!failed) return null;
  const declared = envelope.context.metadata['error'];
  return contentError ?? (typeof declared === 'string' && declared ? declared : 'failed');
}

/** The payload content of an AgentMessage: `{text}` (the guide's content is an object); presence adds the agent's fields. */
function contentOf(message: AgentMessage): Record<string, unknown> {
  const agent = message.metadata['agent'] as Record<string, unknown> | undefined;
  if ((message.message_type !== 'announcement' && message.message_type !== 'heartbeat') || !agent) return { text: message.content };
  // What seed-002 discovery reads (agents/interop/discovery/parse.ts): agent_id, status, capabilities.
  return {
    text: message.content,
    agent_id: agent['name'],
    agent_type: 'switchboard',
    status: agent['status'],
    capabilities: agent['capabilities'],
    description: agent['description'],
    instance: message.metadata['instance'],
    node: message.metadata['node'],
    version: agent['version'],
  };
}
