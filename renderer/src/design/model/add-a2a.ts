/**
 * An A2A agent card (fetched with `peer.getCard`) becoming an external agent of the topology. An A2A
 * agent is reached by its card URL, not by its node name, so the name is free: the card's name,
 * made a node name, with a suffix on a clash. Nothing already in the topology is ever replaced.
 */
import type { A2aCardSummary } from '../../../../agents/protocol/a2a-card';
import { ExternalAgentSchema, type Topology } from '../../../../agents/topology/schema';
import type { AddDiscoveredResult } from './add-discovered';
import { nodeNameFrom } from './add-discovered';
import { uniqueName } from './names';
import { listOf, nodeNames, withList } from './node-kinds';
import { moveNodes, type Point } from './positions';

/** The external agent already standing for the card at `cardUrl`, or null. */
export function findA2aPeer(topology: Topology, cardUrl: string): string | null {
  return topology.spec.externalAgents.find((e) => e.a2a?.card === cardUrl)?.name ?? null;
}

/** The capabilities the registry routes to an A2A agent: its skills' ids (what delegation by capability asks for). */
const capabilitiesOf = (card: A2aCardSummary): string[] => [...new Set(card.skills.map((s) => s.id).filter((id) => id.trim() !== ''))];

/** Adds the agent `card` describes as an external A2A agent at `position`; never overwrites a node. */
export function addA2aPeer(topology: Topology, card: A2aCardSummary, position: Point): AddDiscoveredResult {
  const existing = findA2aPeer(topology, card.cardUrl);
  if (existing) return { ok: false, reason: `${card.name} is on the canvas already, as "${existing}".`, existing };
  const base = nodeNameFrom(card.name);
  const name = uniqueName(base, nodeNames(topology));
  const spec = ExternalAgentSchema.safeParse({
    name,
    description: card.description,
    capabilities: capabilitiesOf(card),
    a2a: { card: card.cardUrl, skills: card.skills },
  });
  if (!spec.success) return { ok: false, reason: `${card.name} cannot be added: ${spec.error.issues[0]?.path.join('.')} ${spec.error.issues[0]?.message ?? 'is not valid'}.`, existing: null };
  const next = withList(topology, 'external', [...listOf(topology, 'external'), spec.data]);
  const note = name !== base ? `Added as "${name}": "${base}" already names another node.` : null;
  return { ok: true, topology: moveNodes(next, { [name]: position }), name, note };
}

/**
 * The card's skills written into an existing A2A agent (after "Refresh card"). Its capabilities
 * follow the skills only if they were the old skills' ids: capabilities the user wrote are kept.
 */
export function refreshA2aSkills(topology: Topology, name: string, card: A2aCardSummary): Topology {
  const externals = topology.spec.externalAgents.map((e) => {
    if (e.name !== name || !e.a2a) return e;
    const derived = [...new Set(e.a2a.skills.map((s) => s.id).filter((id) => id.trim() !== ''))];
    const followed = e.capabilities.length === derived.length && e.capabilities.every((c, i) => c === derived[i]);
    return { ...e, description: e.description || card.description, capabilities: followed ? capabilitiesOf(card) : e.capabilities, a2a: { ...e.a2a, skills: card.skills } };
  });
  return { ...topology, spec: { ...topology.spec, externalAgents: externals } };
}
