/**
 * The protocol gateway's grants (seed 004 sequence 2.3): an external A2A agent is not on the bus
 * (no user of its own); an agent with a request edge to one publishes
 * `protocol.a2a.request.{peer}.{itself}` only (not the profile's request subject), and the protocol
 * gateway answering it runs in that agent's process on its credentials (`switchboard run --only`,
 * as the run clients `a2a_client` and `synadia_client` do): so the same user subscribes that
 * subject (queue group) and replies. Another caller of the same peer cannot take its calls: they
 * hold what it sent before the gateway strips personal data. Isomorphic.
 */
import { PROTOCOL_GATEWAY_NAME, PROTOCOL_GATEWAY_QUEUE, protocolGatewaySubjects } from '../../protocol/protocol-gateway.js';
import type { Topology } from '../schema.js';
import { grant } from './grants.js';
import type { UserPermissions } from './nats-conf.js';

/** Names of the topology's external A2A agents (reached through the protocol gateway, never on the bus). */
export function a2aPeerNames(topology: Topology): Set<string> {
  return new Set(topology.spec.externalAgents.filter((e) => e.a2a).map((e) => e.name));
}

/** Adds, for each request edge to an external A2A agent, the caller's ask and its process's gateway grants. */
export function protocolGatewayGrants(topology: Topology, users: Map<string, UserPermissions>): void {
  const peers = a2aPeerNames(topology);
  for (const edge of topology.spec.edges) {
    const from = users.get(edge.from);
    if (edge.kind !== 'request' || !peers.has(edge.to) || from?.kind !== 'agent') continue;
    const subject = protocolGatewaySubjects.a2aRequest(edge.to, edge.from);
    grant(from.publish, subject, `request edge ${edge.from} -> ${edge.to} (A2A): ask through the protocol gateway`);
    grant(from.subscribe, subject, `the protocol gateway in ${edge.from}'s process (${PROTOCOL_GATEWAY_NAME}, queue group ${PROTOCOL_GATEWAY_QUEUE}) takes its calls to ${edge.to}`);
    from.allowResponses = true; // the gateway answers on the asker's reply subject
  }
}
