/**
 * Serves a run's A2A-exposed agents (agents/topology/a2a-exposure.ts says which): one run client,
 * `a2a_client`, that asks the agents on callers' behalf over the bus, and one HTTP listener for
 * all of them. The run session starts it after its agents and stops it before them.
 */
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import type { RuntimeEventBus } from '../../../protocol/runtime-events.js';
import type { SubjectProfile } from '../../../protocol/subjects.js';
import { Agent } from '../../../runtime/agent.js';
import { A2A_CLIENT_NAME, a2aServed } from '../../../topology/a2a-exposure.js';
import type { Topology } from '../../../topology/schema.js';
import { sanitizeInboundPayload, type InboundPayload } from '../../gateway/sanitize.js';
import type { SecretSource } from '../../../llm/factory.js';
import { callerCredential } from './caller-auth.js';
import { A2aServer, type A2aServedCard } from './server.js';

/** Options of {@link serveOnA2a}. */
export interface A2aServingOptions {
  topology: Topology;
  /** The agents this process runs (`--only`); served agents elsewhere are served there. */
  only?: readonly string[];
  connection: NodeConnectionOptions;
  profile: SubjectProfile;
  /** The Switchboard version the cards declare. */
  version: string;
  /** As the network's agents: an agent known gone fails at once. */
  isGone?: (agent: string) => boolean;
  /** Where served calls are recorded (`protocol.a2a.request/response`, inbound). */
  events?: RuntimeEventBus;
  /** Listen here instead of `spec.a2a`'s host and port (a container binds 0.0.0.0). */
  listen?: { host: string; port: number };
  /** Where a listener failure after start is said. */
  warn?: (text: string) => void;
  /** Where `spec.a2a.credential`'s secret is read (the environment unless given). */
  secrets?: SecretSource;
}

/** A2A serving of a run; `stop` by the run's stop deadline. */
export interface A2aServing {
  cards: readonly A2aServedCard[];
  stop(deadline: number): Promise<void>;
}

/** Starts the client and the listener when the topology serves any local agent over A2A; null when it serves none. */
export async function serveOnA2a(options: A2aServingOptions): Promise<A2aServing | null> {
  const served = a2aServed(options.topology);
  const names = served.agents.filter((name) => !options.only || options.only.includes(name));
  if (names.length === 0) return null;
  // Read before anything starts: a missing secret fails the run with its name, never a value.
  const credential = served.credential && callerCredential(served.credential, options.secrets);
  const agents = options.topology.spec.agents
    .filter((agent) => names.includes(agent.name))
    .map((agent) => ({ name: agent.name, description: agent.description, capabilities: agent.capabilities }));
  const client = new Agent({
    name: A2A_CLIENT_NAME,
    client: true,
    connection: options.connection,
    profile: options.profile,
    heartbeatMs: 0,
    registryBucket: null,
    ...(options.isGone && { isGone: options.isGone }),
  });
  await client.start();
  let server: A2aServer;
  try {
    // The protocol gateway's inbound rule: within the topology's size limit, control characters out.
    const maxBytes = options.topology.spec.protocolGateway?.maxResponseBytes;
    const sanitize = (payload: InboundPayload, agent: string) => {
      const { text, data } = sanitizeInboundPayload(payload, { peer: 'A2A caller', what: `message to ${agent}`, ...(maxBytes !== undefined && { maxBytes }) });
      return data === undefined ? { text } : { text, data };
    };
    const { host, port } = options.listen ?? served;
    server = await A2aServer.start({ host, port, agents, client, version: options.version, sanitize, ...(maxBytes !== undefined && { maxRequestBytes: maxBytes }), ...(options.events && { events: options.events }), ...(options.warn && { warn: options.warn }), ...(credential && { credential }) });
  } catch (error) {
    await client.stop();
    throw error;
  }
  return {
    cards: server.cards,
    stop: async (deadline) => {
      await server.stop(deadline);
      await client.stop(undefined, deadline);
    },
  };
}
