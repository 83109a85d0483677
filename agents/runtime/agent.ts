/**
 * A NATS agent (seed 000's NATSAgentMixin): its own connection named after it; registers its
 * metadata in the JetStream KV registry; subscribes to its request and direct subjects (in a queue
 * group, so replicas share the load) and to the broadcast subject; announces itself; heartbeats;
 * and on stop announces it is offline and drains. Direct, request, handoff and broadcast follow
 * seed 000's flow diagrams. What the agent does with a message is its handler's business (the
 * OODA loop, or any function).
 */
import { createHash, randomUUID } from 'node:crypto';
import { connect, errors, type Msg, type NatsConnection, type NodeConnectionOptions, type Subscription } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { AgentMetadataSchema, Priority, type AgentMessage, type AgentMetadata } from '../protocol/agent-message.js';
import { decodeAgentMessage } from '../protocol/codec.js';
import { REQUEST_TIMEOUT_KEY } from '../trace/message-facts.js';
import { broadcastPattern, broadcastSubject, DEFAULT_REGISTRY_BUCKET, inboxPrefixOf, renderSubject, requestListens, requestSubjectOf, SEED_000_PROFILE, type SubjectProfile } from '../protocol/subjects.js';
import { RuntimeEventBus } from '../protocol/runtime-events.js';
import type { AgentHandle, RequestOptions } from '../tools/agent-handle.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { closeConnection, deadlineIn, isConnected, settledBy, succeededBy } from './close-connection.js';
import { defaultBuckets, type JetStreamBuckets } from './jetstream-buckets.js';
import { NOTHING_TO_SAY, type AgentStopReport } from './stop-report.js';
import { decodeMessage, decodeReply, decodeRequest, encodeMessage, encodeReply, encodeRequest, newMessage, withReplyTo } from './wire.js';

/** What a handler returns: the reply's content, optionally with metadata. */
export type HandlerResult = string | { content: string; metadata?: Record<string, unknown> };

/** Streams a reply as seed 004's chunk protocol on the request's response subject. */
export interface StreamWriter {
  write(delta: string): void;
}

/** What a handler gets besides the message. */
export interface HandlerContext {
  agent: AgentHandle;
  subject: string;
  /** Present for requests that asked to stream (`metadata.stream: true`). */
  stream?: StreamWriter;
}

/** Handles one incoming request, direct message, handoff or broadcast. */
export type MessageHandler = (message: AgentMessage, context: HandlerContext) => Promise<HandlerResult | void>;

/** Options for {@link Agent}. */
export interface AgentOptions {
  /** One subject token; also the NATS connection name and the queue group. */
  name: string;
  /** Tells replicas apart (connection name, registry key); defaults to a random id. */
  instance?: string;
  description?: string;
  capabilities?: string[];
  tools?: string[];
  model?: string;
  version?: string;
  /** Servers and credentials (the host's or `switchboard run`'s). */
  connection: NodeConnectionOptions;
  profile?: SubjectProfile;
  handler?: MessageHandler;
  events?: RuntimeEventBus;
  /** Presence heartbeat period; 0 turns heartbeats off. */
  heartbeatMs?: number;
  /** Schedules heartbeats and the stop grace period; the system clock unless a test drives time. */
  clock?: Clock;
  /** JetStream KV bucket of the registry; null keeps the agent out of KV (announcements only). */
  registryBucket?: string | null;
  /** Opens the registry bucket with the topology's replicas (the network's); default replicas otherwise. */
  buckets?: JetStreamBuckets;
  /** Default timeout of this agent's outgoing requests. */
  requestTimeoutMs?: number;
  /**
   * True for an agent known to be gone (the registry saw it leave). Requests to it fail at once:
   * NATS' own "no responders" never comes while a trace tap subscribes to every subject.
   */
  isGone?: (agent: string) => boolean;
  /** Agents of another protocol (declared Synadia agents): requests to a name it resolves go to its caller. */
  externals?: (agent: string) => ExternalCaller | undefined;
  /** A run's client (the app's sender, a protocol's client): its presence says `client: true`, and discovery leaves it out. */
  client?: boolean;
}

/** Answers requests to an agent that speaks another protocol; `message` is the request as sent. */
export interface ExternalCaller {
  request(from: AgentHandle, message: AgentMessage, timeoutMs: number): Promise<AgentMessage>;
}

/** Why an outgoing request failed. */
export class AgentRequestError extends Error {
  constructor(
    readonly code: 'no_responders' | 'timeout' | 'forbidden' | 'failed' | 'invalid_reply',
    message: string,
    readonly reply?: AgentMessage,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AgentRequestError';
  }
}

export { DEFAULT_REGISTRY_BUCKET, inboxPrefixOf };
export const DEFAULT_HEARTBEAT_MS = 5000;
/** What a stop keeps of its deadline for the offline announcement and deregistration. */
const GOODBYE_MS = 1000;

/** One running agent instance. */
export class Agent implements AgentHandle {
  readonly name: string;
  readonly instance: string;
  readonly profile: SubjectProfile;
  readonly events: RuntimeEventBus;
  private readonly opts: AgentOptions;
  private readonly clock: Clock;
  private nc: NatsConnection | null = null;
  private kv: KV | null = null;
  private subs: Subscription[] = [];
  private heartbeat: TimerHandle | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private registeredAt: string;
  private stopping = false;

  constructor(options: AgentOptions) {
    this.opts = options;
    this.name = options.name;
    this.instance = options.instance ?? randomUUID().slice(0, 8);
    this.profile = options.profile ?? SEED_000_PROFILE;
    this.events = options.events ?? new RuntimeEventBus();
    this.clock = options.clock ?? systemClock;
    this.registeredAt = new Date(this.clock.now()).toISOString();
  }

  /** The subject other agents send requests to. */
  get requestSubject(): string {
    return renderSubject(this.profile.request, { agent: this.name });
  }

  /** The live connection; throws before start() or after stop(). */
  get connection(): NatsConnection {
    if (!this.nc) throw new Error(`Agent ${this.name} is not connected.`);
    return this.nc;
  }

  /** Connects, registers, subscribes, announces, and starts heartbeats. */
  async start(): Promise<void> {
    // Each agent's inboxes live under its own prefix, so an exported server config can let it
    // subscribe to its replies and nobody else's.
    const nc = await connect({ inboxPrefix: inboxPrefixOf(this.name), ...this.opts.connection, name: `${this.name}#${this.instance}` });
    this.nc = nc;
    this.registeredAt = new Date(this.clock.now()).toISOString();
    if (this.opts.registryBucket !== null) {
      try {
        const buckets = this.opts.buckets ?? defaultBuckets;
        // One deadline for the whole registration: a cluster without a majority fails it once, not per step.
        const deadline = buckets.deadline();
        const kv = await buckets.open(nc, this.opts.registryBucket ?? DEFAULT_REGISTRY_BUCKET, { history: 1 }, deadline);
        this.kv = kv;
        // Retried through a stream leader election (a node was just lost).
        await buckets.retry(() => kv.put(this.registryKey, this.registration('available')), deadline);
      } catch (error) {
        // Do not leave a half-started agent's connection open.
        this.nc = null;
        this.kv = null;
        await nc.close().catch(() => undefined);
        // Say what to do about it: the server is reachable, only the registry's JetStream is missing.
        if ((error as { name?: string }).name === 'JetStreamNotEnabled' || /jetstream is not enabled/i.test((error as Error).message)) {
          throw new Error('the NATS server has no JetStream, which the registry (spec.registry: kv) needs: enable JetStream on the server, or set spec.registry: announcements', { cause: error });
        }
        throw error;
      }
    }

    const subjects: string[] = [];
    const listen = (subject: string, kind: 'request' | 'direct' | 'broadcast', queue = this.name) => {
      subjects.push(subject);
      this.subs.push(
        nc.subscribe(subject, {
          // Replicas share requests and direct messages; every replica hears broadcasts.
          ...(kind !== 'broadcast' && { queue }),
          callback: (error, msg) => {
            if (!error) this.onMessage(kind, kind === 'request' ? withReplyTo(this.profile.wire, msg, nc) : msg);
          },
        }),
      );
    };
    for (const [subject, queue] of requestListens(this.profile, this.name, this.opts.capabilities)) listen(subject, 'request', queue);
    if (this.profile.direct) listen(renderSubject(this.profile.direct, { agent: this.name }), 'direct');
    listen(broadcastPattern(this.profile), 'broadcast');

    await this.announce('announcement', 'available');
    const every = this.opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (every > 0) this.heartbeat = this.clock.setInterval(() => void this.beat(), every);
    this.events.emit('agent.started', { agent: this.name, instance: this.instance, subjects });
  }

  /**
   * Stops taking work, lets running handlers finish (up to `graceMs`), announces offline,
   * deregisters and closes, all by `deadline` (close-connection.ts: a dead server holds none of it
   * up); the report says what did not reach the bus.
   */
  async stop(graceMs = 5000, deadline = deadlineIn(graceMs + GOODBYE_MS + 1000)): Promise<AgentStopReport> {
    const nc = this.nc;
    const kv = this.kv;
    if (!nc || this.stopping) return NOTHING_TO_SAY;
    this.stopping = true;
    if (this.heartbeat) this.clock.clear(this.heartbeat);
    // Draining asks the server: only while there is one, and leaving time for the goodbye.
    if (isConnected(nc)) await settledBy(Promise.all(this.subs.map((sub) => sub.drain().catch(() => undefined))), deadline - GOODBYE_MS, nc);
    for (const sub of this.subs.splice(0)) if (!sub.isClosed()) sub.unsubscribe();
    await Promise.race([Promise.allSettled([...this.inFlight]), this.clock.sleep(Math.max(0, Math.min(graceMs, deadline - GOODBYE_MS - Date.now())))]);
    const reachable = isConnected(nc);
    const announced = reachable && (await succeededBy(this.announce('announcement', 'offline'), deadline, nc));
    const deregistered = kv && reachable ? await succeededBy(kv.put(this.registryKey, this.registration('offline')), deadline, nc) : kv ? false : null;
    // A server lost during the goodbye counts as none reachable.
    const stayed = isConnected(nc);
    await closeConnection(nc, deadline);
    this.nc = null;
    this.kv = null;
    this.events.emit('agent.stopped', { agent: this.name, instance: this.instance });
    return { announced, deregistered, reachable: reachable && stayed };
  }

  /** Fire-and-forget to another agent's direct subject. */
  async send(to: string, content: string, fields: Partial<AgentMessage> = {}): Promise<AgentMessage> {
    const direct = this.requireChannel('direct');
    const message = newMessage({ message_type: 'direct', from_agent: this.name, to_agent: to, content, ...fields });
    this.publish(renderSubject(direct, { agent: to }), message);
    return message;
  }

  /**
   * Request/reply on the NATS reply subject; rejects with an {@link AgentRequestError}. With
   * `stream`, asks the responder to stream and receives its stream frames (seed 004's chunk
   * protocol on the response subject) before the reply resolves.
   */
  async request(to: string, content: string, options: RequestOptions = {}): Promise<AgentMessage> {
    const nc = this.connection;
    const timeout = options.timeoutMs ?? this.opts.requestTimeoutMs ?? 30_000;
    const message = newMessage({
      message_type: 'request',
      from_agent: this.name,
      to_agent: to,
      content,
      // The requester's timeout travels with the request: the trace marks it timed out when it passes.
      metadata: { ...options.metadata, ...(options.stream && { stream: true }), [REQUEST_TIMEOUT_KEY]: timeout },
      priority: options.priority ?? Priority.normal,
    });
    const external = this.opts.externals?.(to);
    if (external) return external.request(this, message, timeout);
    const subject = requestSubjectOf(this.profile, to);
    if (this.opts.isGone?.(to)) throw new AgentRequestError('no_responders', `No agent answers on ${subject}: ${to} has left (offline in the registry).`);
    // Subscribe to the frames before asking, so none is missed; the responder publishes them on
    // its one connection before the reply, and one subscriber connection keeps that order.
    const onFrame = options.stream;
    const frames =
      onFrame && this.profile.response
        ? nc.subscribe(renderSubject(this.profile.response, { agent: to, message_id: message.message_id }), {
            callback: (error, msg) => {
              const decoded = error ? null : decodeAgentMessage(msg.string());
              if (decoded?.ok) onFrame(decoded.value);
            },
          })
        : null;
    this.sent(subject, message);
    let reply: Msg;
    try {
      reply = await nc.request(subject, encodeRequest(this.profile.wire, message), { timeout });
    } catch (error) {
      frames?.unsubscribe();
      throw toRequestError(error, to, subject, timeout);
    }
    frames?.unsubscribe();
    const decoded = decodeReply(this.profile.wire, reply.string(), message);
    if (!decoded.ok) throw new AgentRequestError('invalid_reply', `${to} answered with an invalid reply: ${decoded.reason}`);
    const answer = decoded.value;
    if (answer.metadata['status'] === 'failed') {
      throw new AgentRequestError('failed', `${to} failed: ${String(answer.metadata['error'] ?? answer.content)}`, answer);
    }
    return answer;
  }

  /** Hands a task to another agent: a high-priority direct message plus a tracking copy. */
  async handoff(to: string, content: string, metadata: Record<string, unknown> = {}): Promise<AgentMessage> {
    const direct = this.requireChannel('direct');
    const message = newMessage({ message_type: 'handoff', from_agent: this.name, to_agent: to, content, metadata, priority: Priority.high });
    this.publish(renderSubject(direct, { agent: to }), message);
    if (this.profile.handoff) this.publish(renderSubject(this.profile.handoff, { from: this.name, to }), message);
    return message;
  }

  /** Publishes to every agent on the broadcast subject. */
  async broadcast(content: string, metadata: Record<string, unknown> = {}): Promise<AgentMessage> {
    const message = newMessage({ message_type: 'broadcast', from_agent: this.name, to_agent: null, content, metadata });
    this.publish(broadcastSubject(this.profile, this.name), message);
    return message;
  }

  /** This agent's AgentMetadata with `status`. */
  metadata(status: AgentMetadata['status']): AgentMetadata {
    return {
      name: this.name,
      description: this.opts.description ?? '',
      capabilities: this.opts.capabilities ?? [],
      tools: this.opts.tools ?? [],
      status,
      model: this.opts.model ?? '',
      version: this.opts.version ?? '1.0.0',
      registered_at: this.registeredAt,
      last_heartbeat: new Date(this.clock.now()).toISOString(),
    };
  }

  // -------------------------------------------------------------------------------------------

  /** The registry entry: AgentMetadata plus its node, profile and heartbeat period (discovery reads them). */
  private registration(status: AgentMetadata['status']): string {
    return JSON.stringify({ ...this.metadata(status), node: this.node, profile: this.profile.name, heartbeat_ms: this.opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS });
  }

  /** The NATS server this instance is connected to (a cluster's node): `server_name` of the current connection. */
  private get node(): string | null {
    return this.nc?.info?.server_name ?? null;
  }

  private get registryKey(): string {
    return `${this.name}.${this.instance}`;
  }

  private requireChannel(channel: 'direct'): string {
    const template = this.profile[channel];
    if (!template) throw new Error(`The ${this.profile.name} subject profile has no ${channel} channel.`);
    return template;
  }

  private onMessage(kind: 'request' | 'direct' | 'broadcast', msg: Msg): void {
    const text = msg.string();
    const decoded = kind === 'request' ? decodeRequest(this.profile.wire, text, this.name) : decodeMessage(this.profile.wire, text);
    if (!decoded.ok) {
      this.events.emit('message.invalid', { agent: this.name, subject: msg.subject, reason: decoded.reason, preview: text.slice(0, 200) });
      if (msg.reply) this.replyFailed(msg, null, `invalid message: ${decoded.reason}`, 'invalid_message');
      return;
    }
    const message = decoded.value;
    if (kind === 'broadcast') {
      if (message.from_agent === this.name) return; // our own presence and broadcasts
      if (message.message_type === 'announcement' || message.message_type === 'heartbeat') {
        const parsed = AgentMetadataSchema.safeParse(message.metadata['agent']);
        if (parsed.success) this.events.emit('agent.announced', { agent: this.name, metadata: parsed.data, via: message.message_type });
        return;
      }
    }
    if (this.events.wants('message.received')) this.events.emit('message.received', { agent: this.name, subject: msg.subject, message });
    const handler = this.opts.handler;
    if (!handler) {
      if (msg.reply) this.replyFailed(msg, message, `${this.name} has no handler.`, 'no_handler');
      return;
    }
    const run = this.handle(handler, message, msg).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async handle(handler: MessageHandler, message: AgentMessage, msg: Msg): Promise<void> {
    const stream = msg.reply && message.metadata['stream'] === true ? this.streamWriter(message) : undefined;
    let result: HandlerResult | void;
    try {
      result = await handler(message, { agent: this, subject: msg.subject, ...(stream && { stream }) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.events.emit('handler.failed', { agent: this.name, messageId: message.message_id, error: reason });
      const code = (error as { errorCode?: unknown }).errorCode;
      if (msg.reply) this.replyFailed(msg, message, reason, typeof code === 'string' ? code : 'handler_error');
      return;
    }
    const { content, metadata } = typeof result === 'string' ? { content: result, metadata: {} } : { content: result?.content ?? '', metadata: result?.metadata ?? {} };
    try {
      stream?.end(content);
    } catch {
      // A frame the server refuses (larger than max_payload): the reply below says why.
    }
    if (msg.reply) {
      const reply = newMessage({
        message_type: 'response',
        from_agent: this.name,
        to_agent: message.from_agent,
        content,
        in_reply_to: message.message_id,
        metadata: { status: 'completed', ...metadata },
      });
      this.respond(msg, reply, message);
    } else if (result !== undefined && this.profile.direct && message.message_type !== 'broadcast') {
      // Seed 000's direct flow: the receiver reports back on the sender's direct subject.
      await this.send(message.from_agent, content, { in_reply_to: message.message_id, metadata }).catch(() => undefined);
    }
  }

  private replyFailed(msg: Msg, request: AgentMessage | null, error: string, code: string): void {
    const reply = newMessage({
      message_type: 'response',
      from_agent: this.name,
      to_agent: request?.from_agent ?? null,
      content: error,
      in_reply_to: request?.message_id ?? null,
      metadata: { status: 'failed', error, error_code: code },
    });
    this.respond(msg, reply);
  }

  private respond(msg: Msg, reply: AgentMessage, request: AgentMessage | null = null): void {
    const data = encodeReply(this.profile.wire, reply);
    const max = this.connection.info?.max_payload;
    // At most 3 UTF-8 bytes per UTF-16 unit: only a reply that may be too large is measured (every reply passes here).
    const bytes = max !== undefined && data.length * 3 > max ? Buffer.byteLength(data) : 0;
    if (max !== undefined && bytes > max && reply.metadata['status'] !== 'failed') {
      // NATS refuses it (and would throw here): the asker gets a failed reply saying why, not a dead process.
      const reason = `${this.name}'s reply is ${bytes} bytes, more than the server's max_payload of ${max}; it was not sent.`;
      this.replyFailed(msg, request, reason, 'reply_too_large');
      return;
    }
    if (this.events.wants('message.sent')) this.events.emit('message.sent', { agent: this.name, subject: msg.reply ?? '', message: reply });
    msg.respond(data);
  }

  /** Seed 004's chunk protocol: begin, numbered chunks, end with a checksum of the whole text. */
  private streamWriter(request: AgentMessage): StreamWriter & { end(content: string): void } {
    const template = this.profile.response;
    if (!template) return { write: () => undefined, end: () => undefined };
    const subject = renderSubject(template, { agent: this.name, message_id: request.message_id });
    let seq = 0;
    let begun = false;
    const frame = (type: 'stream.begin' | 'stream.chunk' | 'stream.end', content: string, metadata: Record<string, unknown>) =>
      this.publish(subject, newMessage({ message_type: type, from_agent: this.name, to_agent: request.from_agent, content, in_reply_to: request.message_id, metadata }));
    const begin = () => {
      if (begun) return;
      begun = true;
      frame('stream.begin', '', { modality: 'text' });
    };
    return {
      write: (delta) => {
        begin();
        frame('stream.chunk', delta, { seq_no: seq++, modality: 'text' });
      },
      end: (content) => {
        // N >= 1: a reply that never streamed still goes out as begin + one chunk + end.
        if (seq === 0) {
          begin();
          frame('stream.chunk', content, { seq_no: seq++, modality: 'text' });
        }
        frame('stream.end', '', { final: true, chunks: seq, checksum: `sha256:${createHash('sha256').update(content).digest('hex')}` });
      },
    };
  }

  private publish(subject: string, message: AgentMessage): void {
    this.sent(subject, message);
    this.connection.publish(subject, encodeMessage(this.profile.wire, message));
  }

  private sent(subject: string, message: AgentMessage): void {
    if (this.events.wants('message.sent')) this.events.emit('message.sent', { agent: this.name, subject, message });
  }

  private async announce(type: 'announcement' | 'heartbeat', status: AgentMetadata['status']): Promise<void> {
    const message = newMessage({
      message_type: type,
      from_agent: this.name,
      to_agent: null,
      content: status === 'offline' ? `${this.name} is leaving` : `${this.name} is ${type === 'heartbeat' ? 'alive' : 'available'}`,
      metadata: { agent: this.metadata(status), instance: this.instance, node: this.node, ...(this.opts.client && { client: true }) },
    });
    this.publish(broadcastSubject(this.profile, this.name), message);
    await this.connection.flush();
  }

  private async beat(): Promise<void> {
    if (!this.nc || this.stopping) return;
    try {
      await this.announce('heartbeat', 'available');
      await this.kv?.put(this.registryKey, this.registration('available'));
    } catch {
      // A missed beat while reconnecting; the next one catches up.
    }
  }
}

function toRequestError(error: unknown, to: string, subject: string, timeoutMs: number): AgentRequestError {
  const cause = (error as { cause?: unknown }).cause;
  const violation = error instanceof errors.PermissionViolationError ? error : cause instanceof errors.PermissionViolationError ? cause : null;
  if (violation) {
    return new AgentRequestError('forbidden', `Not permitted to request ${to}: ${violation.message}`, undefined, { cause: violation });
  }
  if (error instanceof errors.NoRespondersError || (error instanceof errors.RequestError && error.isNoResponders())) {
    return new AgentRequestError('no_responders', `No agent answers on ${subject}: is ${to} running?`);
  }
  if (error instanceof errors.TimeoutError || (error instanceof errors.RequestError && /timeout/i.test(error.message))) {
    return new AgentRequestError('timeout', `${to} did not answer on ${subject} within ${timeoutMs} ms.`);
  }
  return new AgentRequestError('failed', `Request to ${to} failed: ${error instanceof Error ? error.message : String(error)}`);
}
