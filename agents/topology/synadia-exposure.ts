/**
 * Which of a topology's agents are served as Synadia Agent Protocol agents, and as whom: an
 * agent's own `synadia` wins over `spec.synadia.exposeAll`; each is `switchboard` (the subject's
 * agent token) under the topology's owner, named after the agent. One rule for the runtime that
 * serves them and the trace that expects their subjects. Isomorphic.
 */
import type { SynadiaIdentity } from '../protocol/synadia.js';
import { SynadiaExposureSchema, type Topology } from './schema.js';

/** The `{agent}` subject token and `metadata.agent` of every Switchboard agent served. */
export const SYNADIA_AGENT_TOKEN = 'switchboard';
/** The run client that asks served agents on behalf of protocol callers, on the serving process's credentials (never a peer to delegate to). */
export const SYNADIA_CLIENT_NAME = 'synadia_client';

/** How one agent is served. */
export interface SynadiaServed {
  identity: SynadiaIdentity;
  /** Heartbeat cadence, seconds. */
  heartbeatS: number;
}

/** The served agents of `topology`, by agent name. */
export function synadiaServed(topology: Topology): Map<string, SynadiaServed> {
  const settings = SynadiaExposureSchema.parse(topology.spec.synadia ?? {});
  const served = new Map<string, SynadiaServed>();
  for (const agent of topology.spec.agents) {
    if (!(agent.synadia ?? settings.exposeAll)) continue;
    served.set(agent.name, { identity: { agent: SYNADIA_AGENT_TOKEN, owner: settings.owner, name: agent.name }, heartbeatS: settings.heartbeatS });
  }
  return served;
}
