/**
 * The declared external A2A agents of one network (seed 004 sequence 2.3): an agent's request to
 * one is published on `protocol.a2a.request.{peer}.{caller}` as an ordinary AgentMessage, where the
 * protocol gateway (its own service on the bus) answers it; no tool gateway in between. So
 * request_agent, delegate and the patterns reach an A2A agent exactly like a local one. The
 * registry lists them (capabilities from the topology plus the card's skill ids) as available:
 * they have no heartbeat, and whether one answers is the gateway's call to find out.
 */
import { errors, type Msg } from '@nats-io/transport-node';
import { AgentMessageSchema, type AgentMessage, type AgentMetadata } from '../../protocol/agent-message.js';
import { protocolGatewaySubjects } from '../../protocol/protocol-gateway.js';
import { AgentRequestError, type ExternalCaller } from '../../runtime/agent.js';
import type { CapabilityRegistry } from '../../runtime/registry.js';
import type { Topology } from '../../topology/schema.js';
import type { AgentHandle } from '../../tools/agent-handle.js';

/** One external A2A agent as the topology declares it. */
export interface A2aExternal {
  name: string;
  description: string;
  capabilities: string[];
  card: string;
  skills: { id: string; name: string; description: string }[];
}

/** The topology's external A2A agents (`externalAgents[].a2a`). */
export function a2aExternalsOf(topology: Topology): A2aExternal[] {
  return topology.spec.externalAgents.flatMap((e) =>
    e.a2a ? [{ name: e.name, description: e.description, capabilities: e.capabilities, card: e.a2a.card, skills: e.a2a.skills }] : [],
  );
}

/** A registry entry never goes stale by silence: an A2A agent has no heartbeat. */
const NEVER_SILENT_MS = Number.MAX_SAFE_INTEGER;

/** Requests to one external A2A agent, through the protocol gateway on the bus. */
export class A2aCaller implements ExternalCaller {
  constructor(private readonly name: string) {}

  /** Publishes `message` on the gateway's subject for this peer and returns the gateway's reply (a failed one throws). */
  async request(from: AgentHandle, message: AgentMessage, timeoutMs: number): Promise<AgentMessage> {
    const subject = protocolGatewaySubjects.a2aRequest(this.name, from.name);
    let reply: Msg;
    try {
      reply = await from.connection.request(subject, JSON.stringify(message), { timeout: timeoutMs });
    } catch (error) {
      throw requestError(error, this.name, subject, timeoutMs);
    }
    let answer: AgentMessage;
    try {
      answer = AgentMessageSchema.parse(JSON.parse(reply.string()));
    } catch {
      throw new AgentRequestError('invalid_reply', `The protocol gateway answered a call to ${this.name} with something that is not an AgentMessage.`);
    }
    if (answer.metadata['status'] === 'failed') {
      throw new AgentRequestError('failed', `${this.name} failed: ${String(answer.metadata['error'] ?? answer.content)}`, answer);
    }
    return answer;
  }
}

/** The network's external A2A agents: their callers, and their entries in the registry. */
export class A2aExternals {
  private readonly callers: ReadonlyMap<string, A2aCaller>;

  constructor(private readonly externals: readonly A2aExternal[]) {
    this.callers = new Map(externals.map((e) => [e.name, new A2aCaller(e.name)]));
  }

  /** The caller of the external A2A agent named `name`, if it is one. */
  readonly resolve = (name: string): A2aCaller | undefined => this.callers.get(name);

  /** Lists every declared A2A agent in `registry` as available. */
  start(registry: CapabilityRegistry): void {
    const now = new Date().toISOString();
    for (const external of this.externals) {
      const metadata: AgentMetadata = {
        name: external.name,
        description: external.description,
        capabilities: [...new Set([...external.capabilities, ...external.skills.map((s) => s.id)])],
        tools: [],
        status: 'available',
        model: '',
        version: '',
        registered_at: now,
        last_heartbeat: now,
      };
      registry.hear(metadata, 'a2a', NEVER_SILENT_MS, 'a2a');
    }
  }
}

/** The request error for what a gateway request threw: no gateway, no answer in time, or else. */
function requestError(error: unknown, peer: string, subject: string, timeoutMs: number): AgentRequestError {
  if (error instanceof errors.NoRespondersError || (error instanceof errors.RequestError && error.isNoResponders())) {
    return new AgentRequestError('no_responders', `No protocol gateway answers on ${subject}: calls to the A2A agent ${peer} need the run's protocol gateway.`);
  }
  if (error instanceof errors.TimeoutError || (error instanceof errors.RequestError && /timeout/i.test(error.message))) {
    return new AgentRequestError('timeout', `${peer} (an A2A agent, through the protocol gateway on ${subject}) did not answer within ${timeoutMs} ms.`);
  }
  const cause = (error as { cause?: unknown }).cause;
  if (error instanceof errors.PermissionViolationError || cause instanceof errors.PermissionViolationError) {
    return new AgentRequestError('forbidden', `Not permitted to publish ${subject} (calls to the A2A agent ${peer}).`);
  }
  return new AgentRequestError('failed', `Request to ${peer} through the protocol gateway failed: ${error instanceof Error ? error.message : String(error)}`);
}
