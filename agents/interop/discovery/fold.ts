/**
 * Folds what discovery saw (announcements, heartbeats, stored registrations, service replies) into
 * one DiscoveredAgent per agent: instances of an agent together, the freshest word of each
 * instance deciding its status. Pure, so the rules are tested without a bus.
 */
import type { DiscoveredAgent, DiscoveryProtocol } from '../../protocol/discovered-agent.js';
import type { SynadiaIdentity } from '../../protocol/synadia.js';

/** A status as a sighting states it. */
export type SightingStatus = DiscoveredAgent['status'];

/** One thing heard about one instance of one agent. */
export interface Sighting {
  protocol: DiscoveryProtocol;
  /** The agent's name in its protocol (Synadia: the instance name token). */
  name: string;
  /** Which instance (replica, service id); null when the protocol does not say. */
  instance: string | null;
  status: SightingStatus;
  /** When it was heard from (ms since epoch); null for a stored registration without a time. */
  seenAt: number | null;
  /** True when heard on the bus during the window (a stored registration is not). */
  live: boolean;
  description?: string;
  capabilities?: readonly string[];
  endpoints?: readonly { name: string; subject: string }[];
  node?: string | null;
  version?: string | null;
  synadia?: SynadiaIdentity | null;
}

/** The key that groups sightings into one agent. */
const agentKey = (s: Sighting): string => (s.synadia ? `synadia\0${s.synadia.agent}\0${s.synadia.owner}\0${s.synadia.name}` : `${s.protocol}\0${s.name}`);

/**
 * Orders two sightings of one instance: a live one beats a stored one, then the later one wins;
 * at equal times an offline word wins (an agent's goodbye comes after its last beat).
 */
function newer(a: Sighting, b: Sighting): boolean {
  if (a.live !== b.live) return a.live;
  const ta = a.seenAt ?? -Infinity;
  const tb = b.seenAt ?? -Infinity;
  if (ta !== tb) return ta > tb;
  return a.status === 'offline' && b.status !== 'offline';
}

/** Agents from sightings, sorted by protocol then name. */
export function foldSightings(sightings: readonly Sighting[]): DiscoveredAgent[] {
  const groups = new Map<string, Sighting[]>();
  for (const s of sightings) {
    const key = agentKey(s);
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const agents = [...groups.values()].map(foldAgent);
  return agents.sort((a, b) => (a.protocol === b.protocol ? compare(a.name, b.name) : compare(a.protocol, b.protocol)));
}

function foldAgent(group: Sighting[]): DiscoveredAgent {
  // The freshest sighting of each instance says whether that instance is there.
  const latest = new Map<string, Sighting>();
  for (const s of group) {
    const id = s.instance ?? '';
    const current = latest.get(id);
    if (!current || newer(s, current)) latest.set(id, s);
  }
  const current = [...latest.values()];
  // Older sightings still fill what the latest did not say (a heartbeat has no endpoints).
  const byTime = [...group].sort((a, b) => (newer(a, b) ? 1 : newer(b, a) ? -1 : 0));
  const last = <K extends keyof Sighting>(key: K): Sighting[K] | undefined => {
    let value: Sighting[K] | undefined;
    for (const s of byTime) if (s[key] !== undefined && s[key] !== null && s[key] !== '') value = s[key];
    return value;
  };
  const live = current.filter((s) => s.status === 'available' || s.status === 'busy');
  const statuses = current.map((s) => s.status);
  const status: SightingStatus = statuses.includes('available') ? 'available' : statuses.includes('busy') ? 'busy' : statuses.includes('unknown') ? 'unknown' : 'offline';
  // A loop, not Math.max(...): a flooded subject can give one agent more sightings than a call takes arguments.
  let lastSeen: number | null = null;
  for (const s of group) if (s.seenAt !== null && (lastSeen === null || s.seenAt > lastSeen)) lastSeen = s.seenAt;
  const endpoints = new Map<string, { name: string; subject: string }>();
  for (const s of byTime) for (const e of s.endpoints ?? []) endpoints.set(`${e.name}\0${e.subject}`, { name: e.name, subject: e.subject });
  const nodes = [...new Set((live.length > 0 ? live : current).map((s) => s.node).filter((n): n is string => typeof n === 'string' && n !== ''))].sort(compare);
  const first = group[0]!;
  return {
    name: first.name,
    protocol: first.protocol,
    description: last('description') ?? '',
    // What its instances say now; older words only when none says (a replaced capability is gone).
    capabilities: union(current).length > 0 ? union(current) : union(byTime),
    endpoints: [...endpoints.values()],
    status,
    lastSeen: lastSeen !== null ? new Date(lastSeen).toISOString() : null,
    node: nodes.length > 0 ? nodes.join(', ') : null,
    instances: live.length,
    version: last('version') ?? null,
    synadia: first.synadia ? { ...first.synadia } : null,
  };
}

const union = (sightings: readonly Sighting[]): string[] => [...new Set(sightings.flatMap((s) => s.capabilities ?? []))];

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
