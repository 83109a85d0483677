/**
 * The protocol gateway as a service on the bus (seed 004 sequence 2.3: "Coord->>Bus: Publish
 * protocol.a2a.request; Bus-->>PGW"): its own NATS connection subscribes
 * `protocol.a2a.request.{peer}.{caller}` (queue group) for each external A2A agent of the topology
 * and each caller this process runs (every caller when it runs the whole topology). A
 * request is the internal envelope (AgentMessage); the gateway runs one exchange (strip PII,
 * credentials, the A2A adapter, sanitize) and replies with an AgentMessage response
 * `in_reply_to` the request: the answer, or a failed reply (`metadata.status: 'failed'`, `error`,
 * `error_code`) as the runtime's own failed replies are.
 */
import { connect, type Msg, type NatsConnection, type NodeConnectionOptions, type Subscription } from '@nats-io/transport-node';
import type { SecretSource } from '../../llm/factory.js';
import type { AgentMessage } from '../../protocol/agent-message.js';
import { decodeAgentMessage } from '../../protocol/codec.js';
import { requestTimeoutOf } from '../../trace/message-facts.js';
import { a2aRequestOf, PROTOCOL_GATEWAY_NAME, PROTOCOL_GATEWAY_QUEUE, protocolGatewaySubjects } from '../../protocol/protocol-gateway.js';
import type { RuntimeEventBus } from '../../protocol/runtime-events.js';
import { closeConnection, deadlineIn, DEFAULT_STOP_MS, settledBy } from '../../runtime/close-connection.js';
import { newMessage } from '../../runtime/wire.js';
import type { Topology } from '../../topology/schema.js';
import { A2aAdapter } from '../a2a/client.js';
import { envelopePayload } from '../a2a/translate.js';
import { ProtocolGateway } from './gateway.js';
import type { ExchangeResult, GatewayPeer, ProtocolAdapter } from './types.js';

/**
 * The external A2A agents of a topology as gateway peers (name, timeout, credential), each with the
 * subjects its calls come on: `protocol.a2a.request.{peer}.*` for a process running the whole
 * topology. With `only` (a process running some of the agents, on their credentials), the peers
 * those agents have request edges to, on `{peer}.{caller}` for each such caller: each process runs
 * its own gateway (one queue group), and its user is granted exactly those subjects
 * (agents/topology/export/nats-conf-protocol-gateway.ts).
 */
export function a2aGatewayRoutes(topology: Topology, only?: readonly string[]): { peer: GatewayPeer; subjects: string[] }[] {
  return topology.spec.externalAgents.flatMap((e) => {
    if (!e.a2a) return [];
    const callers = only && topology.spec.edges.filter((edge) => edge.kind === 'request' && edge.to === e.name && only.includes(edge.from)).map((edge) => edge.from);
    if (callers?.length === 0) return [];
    const subjects = callers ? [...new Set(callers)].map((caller) => protocolGatewaySubjects.a2aRequest(e.name, caller)) : [protocolGatewaySubjects.a2aRequestsTo(e.name)];
    const peer: GatewayPeer = { name: e.name, protocol: 'a2a', timeoutMs: e.a2a.timeoutMs, ...(e.a2a.credential && { credential: e.a2a.credential }), ...(e.a2a.oauth2 && { oauth2: e.a2a.oauth2 }) };
    return [{ peer, subjects }];
  });
}

/** Options of {@link A2aGatewayService.start}. */
export interface A2aGatewayServiceOptions {
  /** Where to connect (the run's servers); the service opens its own connection. */
  connection: NodeConnectionOptions;
  topology: Topology;
  /** The agents this process runs (`switchboard run --only`); all when absent. */
  only?: readonly string[];
  /** The A2A wire side: the SDK client for the topology's peers (agents/interop/a2a/client.ts) unless given (a stub in tests). */
  adapter?: ProtocolAdapter;
  /** Where `protocol.a2a.request/response` go (the run's runtime events: the recorder listens). */
  events: RuntimeEventBus;
  secrets?: SecretSource;
}

/** The running service; stop it with {@link A2aGatewayService.stop}. */
export class A2aGatewayService {
  private readonly inFlight = new Map<Promise<void>, AbortController>();
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly subscriptions: Subscription[],
  ) {}

  /** Connects and subscribes for each A2A peer; null when the topology has none (nothing started). */
  static async start(options: A2aGatewayServiceOptions): Promise<A2aGatewayService | null> {
    const routes = a2aGatewayRoutes(options.topology, options.only);
    if (routes.length === 0) return null;
    const gateway = new ProtocolGateway({
      adapters: [options.adapter ?? A2aAdapter.forTopology(options.topology)],
      events: options.events,
      settings: options.topology.spec.protocolGateway,
      ...(options.secrets && { secrets: options.secrets }),
    });
    const nc = await connect({ ...options.connection, name: PROTOCOL_GATEWAY_NAME });
    const subscriptions: Subscription[] = [];
    const service = new A2aGatewayService(nc, subscriptions);
    for (const { peer, subjects } of routes) {
      for (const subject of subjects) {
        subscriptions.push(
          nc.subscribe(subject, {
            queue: PROTOCOL_GATEWAY_QUEUE,
            callback: (error, msg) => {
              if (!error) service.handle(gateway, peer, msg);
            },
          }),
        );
      }
    }
    try {
      await nc.flush(); // subscribed on the server before the run says it is ready
    } catch (error) {
      await closeConnection(nc, deadlineIn(DEFAULT_STOP_MS));
      throw error;
    }
    return service;
  }

  /** One request: decode, exchange, reply; a request without a reply inbox is still called (fire and forget). */
  private handle(gateway: ProtocolGateway, peer: GatewayPeer, msg: Msg): void {
    if (this.stopping) return void reply(msg, failed(peer.name, null, `The protocol gateway is stopping; ${peer.name} was not called.`, 'stopping'));
    const decoded = decodeAgentMessage(msg.string());
    if (!decoded.ok) return void reply(msg, failed(peer.name, null, `invalid message for ${peer.name}: ${decoded.reason}`, 'invalid_message'));
    const request = decoded.value;
    // The subject names the caller (an exported config lets only that agent publish it): the message must agree.
    const caller = a2aRequestOf(msg.subject)?.caller;
    if (caller !== request.from_agent) return void reply(msg, failed(peer.name, request, `a request on ${msg.subject} must come from ${caller ?? 'its caller'}, not ${request.from_agent}; ${peer.name} was not called.`, 'invalid_message'));
    const controller = new AbortController();
    const bounded = withinCallerTimeout(peer, request);
    const conversation = request.metadata['conversation_id'];
    const work = gateway
      .exchange({
        agent: request.from_agent,
        peer: bounded,
        ...envelopePayload(request),
        requestId: request.message_id,
        ...(typeof conversation === 'string' && { contextId: conversation }),
        signal: controller.signal,
      })
      .then((result) => reply(msg, answerOf(peer.name, request, result)));
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.set(tracked, controller);
  }

  /** How many calls are waiting for their peer. */
  get callsInFlight(): number {
    return this.inFlight.size;
  }

  /** Stops taking requests, ends calls in flight (each answered "canceled"), closes the connection, all by `deadline`. */
  stop(deadline = deadlineIn(DEFAULT_STOP_MS)): Promise<void> {
    return (this.stopping ??= this.stopAll(deadline));
  }

  private async stopAll(deadline: number): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    for (const controller of this.inFlight.values()) controller.abort();
    await settledBy(Promise.all(this.inFlight.keys()), deadline, this.nc);
    await closeConnection(this.nc, deadline);
  }
}

/** The reply to `request`: the peer's answer (its data in `metadata.data`), or a failed reply saying why. */
function answerOf(peer: string, request: AgentMessage, result: ExchangeResult): AgentMessage {
  const gateway = { protocol: 'a2a', call_id: result.callId, a2a_state: result.state };
  if (!result.ok) return failed(peer, request, result.error ?? result.text, `a2a_${result.state}`, gateway);
  return newMessage({
    message_type: 'response',
    from_agent: peer,
    to_agent: request.from_agent,
    content: result.text,
    in_reply_to: request.message_id,
    metadata: { status: 'completed', ...gateway, ...(result.data !== undefined && { data: result.data }) },
  });
}

/** A failed reply, shaped as the runtime's (Agent.replyFailed): `status: 'failed'`, `error`, `error_code`. */
function failed(peer: string, request: AgentMessage | null, error: string, code: string, extra: Record<string, unknown> = {}): AgentMessage {
  return newMessage({
    message_type: 'response',
    from_agent: peer,
    to_agent: request?.from_agent ?? null,
    content: error,
    in_reply_to: request?.message_id ?? null,
    metadata: { status: 'failed', error, error_code: code, ...extra },
  });
}

/** Replies when the request has an inbox; an answer over the server's max_payload becomes a failed reply saying so. */
function reply(msg: Msg, message: AgentMessage): void {
  if (!msg.reply) return;
  try {
    msg.respond(JSON.stringify(message));
  } catch (error) {
    const reason = `${message.from_agent}'s answer could not be sent on the bus: ${error instanceof Error ? error.message : String(error)}`;
    try {
      msg.respond(JSON.stringify({ ...message, content: reason, metadata: { status: 'failed', error: reason, error_code: 'reply_too_large' } }));
    } catch {
      // the connection is gone: the asker times out
    }
  }
}

/**
 * The peer as this call may use it: when the caller gives up sooner than the peer's `timeoutMs`
 * (its timeout travels in `metadata.timeout_ms`), the call ends a little before the caller does,
 * so the caller gets the gateway's "did not answer" rather than a bare bus timeout, and the peer's
 * task is cancelled instead of running on for nobody.
 */
export function withinCallerTimeout(peer: GatewayPeer, request: AgentMessage): GatewayPeer {
  const caller = requestTimeoutOf(request, Number.POSITIVE_INFINITY);
  const bound = Math.max(1, Math.floor(caller - Math.min(500, caller * 0.1)));
  return bound < peer.timeoutMs ? { ...peer, timeoutMs: bound, timeoutFrom: `within the caller's ${caller} ms timeout` } : peer;
}
