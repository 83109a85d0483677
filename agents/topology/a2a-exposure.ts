/**
 * Which of a topology's agents are served over A2A, and where: an agent's own `a2a` wins over
 * `spec.a2a.exposeAll`; every served agent has its JSON-RPC endpoint at `/a2a/{agent}` and its
 * card under it. One rule for the runtime that serves them, the CLI that prints them and the
 * exporters. Isomorphic.
 */
import { A2aExposureSchema, type CredentialRefSchema, type Topology } from './schema.js';
import type { z } from 'zod';

/** The run client that asks served agents on behalf of A2A callers (never a peer to delegate to). */
export const A2A_CLIENT_NAME = 'a2a_client';

/** How the topology serves agents over A2A: the listener's address and the served agents' names. */
export interface A2aServed {
  host: string;
  /** 0: any free port. */
  port: number;
  agents: string[];
  /** What callers must send, by reference (`spec.a2a.credential`); none: any call is taken. */
  credential?: z.infer<typeof CredentialRefSchema>;
}

/** The agents of `topology` served over A2A (possibly none) and the listener's address. */
export function a2aServed(topology: Topology): A2aServed {
  const settings = A2aExposureSchema.parse(topology.spec.a2a ?? {});
  const agents = topology.spec.agents.filter((agent) => agent.a2a ?? settings.exposeAll).map((agent) => agent.name);
  return { host: settings.host, port: settings.port, agents, ...(settings.credential && { credential: settings.credential }) };
}

/** The URL path of a served agent's JSON-RPC endpoint; its card is `{path}/.well-known/agent-card.json`. */
export function a2aAgentPath(agent: string): string {
  return `/a2a/${encodeURIComponent(agent)}`;
}
