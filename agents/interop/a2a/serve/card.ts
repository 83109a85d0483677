/**
 * The A2A agent card (spec v1.0) of a Switchboard agent served over A2A: its name and description,
 * one skill per capability (or one named after the agent), streaming, text in and out, and one
 * JSON-RPC interface at `{base}/a2a/{agent}`. Its security schemes are the run's
 * (`spec.a2a.credential`, caller-auth.ts); none when callers need no credential.
 */
import type { AgentCard, AgentSkill } from '@a2a-js/sdk';
import { a2aAgentPath } from '../../../topology/a2a-exposure.js';

/** The A2A protocol version the served interface speaks. */
export const A2A_SERVED_PROTOCOL_VERSION = '1.0';

/** What a served agent's card is made of. */
export interface ServedAgent {
  name: string;
  description?: string;
  capabilities?: readonly string[];
}

/** The card of `agent` served under `baseUrl` (`http://host:port`, no trailing slash). */
export function servedAgentCard(agent: ServedAgent, baseUrl: string, version: string, security: Pick<AgentCard, 'securitySchemes' | 'securityRequirements'> = { securitySchemes: {}, securityRequirements: [] }): AgentCard {
  const description = agent.description || `Switchboard agent ${agent.name}`;
  const skill = (id: string, name: string): AgentSkill => ({
    id,
    name,
    description,
    tags: [id],
    examples: [],
    inputModes: ['text/plain'],
    outputModes: ['text/plain'],
    securityRequirements: [],
  });
  const capabilities = agent.capabilities ?? [];
  return {
    name: agent.name,
    description,
    version,
    supportedInterfaces: [{ url: `${baseUrl}${a2aAgentPath(agent.name)}`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_SERVED_PROTOCOL_VERSION }],
    provider: undefined,
    capabilities: { streaming: true, pushNotifications: false, extensions: [] },
    ...security,
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: capabilities.length > 0 ? capabilities.map((c) => skill(c, c)) : [skill(agent.name, agent.name)],
    signatures: [],
  };
}
