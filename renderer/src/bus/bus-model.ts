/** How the Agents on the bus panel words what discovery found: statuses, ages, what each agent offers. */
import { DiscoveredAgentSchema, type DiscoveredAgent } from '../../../agents/protocol/discovered-agent';

/** The drag-and-drop type a discovered agent travels under (its JSON) from the panel to the canvas. */
export const DISCOVERED_AGENT_MIME = 'application/x-switchboard-discovered-agent';

/** Words for each status (the dot's colour says the same). */
export const STATUS_LABEL: Record<DiscoveredAgent['status'], string> = {
  available: 'available',
  busy: 'busy',
  offline: 'offline',
  unknown: 'status unknown',
};

/** The protocols as users know them. */
export const PROTOCOL_LABEL: Record<DiscoveredAgent['protocol'], string> = {
  'seed-000': 'seed-000',
  'seed-001': 'seed-001',
  'seed-002': 'seed-002 (MCP)',
  synadia: 'Synadia',
};

/** `just now`, `12 s ago`, `4 min ago`, `3 h ago`, `2 d ago`; `not heard from` for a stored registration only. */
export function lastSeenText(lastSeen: string | null, now: number): string {
  if (lastSeen === null) return 'not heard from';
  const ms = now - Date.parse(lastSeen);
  if (!Number.isFinite(ms)) return 'seen at an unknown time';
  const s = Math.round(ms / 1000);
  if (s < 5) return 'seen just now';
  if (s < 60) return `seen ${s} s ago`;
  if (s < 3600) return `seen ${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `seen ${Math.round(s / 3600)} h ago`;
  return `seen ${Math.round(s / 86_400)} d ago`;
}

/** What an agent offers, in a line: its capabilities, else its endpoints' names. */
export function offersText(agent: DiscoveredAgent): string {
  if (agent.capabilities.length) return agent.capabilities.join(', ');
  if (agent.endpoints.length) return `endpoints: ${agent.endpoints.map((e) => e.name).join(', ')}`;
  return 'no capabilities declared';
}

/** Where a Synadia agent is prompted: its prompt endpoint's subject (the SDK's subject token may differ from its agent name). */
export function promptedOn(agent: DiscoveredAgent): string {
  const subject = agent.endpoints.find((e) => e.name === 'prompt')?.subject;
  return subject ? `Prompted on ${subject}` : 'Its prompt endpoint was not listed';
}

/** A stable key per agent (a Synadia agent by its identity, others by protocol and name). */
export function agentKey(agent: DiscoveredAgent): string {
  return agent.synadia ? `synadia:${agent.synadia.agent}.${agent.synadia.owner}.${agent.synadia.name}` : `${agent.protocol}:${agent.name}`;
}

/** Live agents first, then by name, so what can be used now is on top. */
export function sortAgents(agents: readonly DiscoveredAgent[]): DiscoveredAgent[] {
  const rank = { available: 0, busy: 1, unknown: 2, offline: 3 } as const;
  return [...agents].sort((a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name) || a.protocol.localeCompare(b.protocol));
}

/** The agent a drop carries, or null when the data is not one (checked: drops can come from anywhere). */
export function agentFromDrop(data: string): DiscoveredAgent | null {
  try {
    const parsed = DiscoveredAgentSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
