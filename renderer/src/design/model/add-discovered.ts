/**
 * A discovered agent (the Agents on the bus panel) becoming an external agent of the topology.
 * Seed-protocol agents are addressed by their name, so their node must carry it exactly; a Synadia
 * agent is addressed by its identity (agent, owner, name), so its node name is free and a clash
 * gets a suffix. Nothing already in the topology is ever replaced.
 */
import type { DiscoveredAgent } from '../../../../agents/protocol/discovered-agent';
import { ExternalAgentSchema, NodeNameSchema, type Topology } from '../../../../agents/topology/schema';
import { uniqueName } from './names';
import { findNode, KIND_LABEL, listOf, nodeNames, withList } from './node-kinds';
import { moveNodes, type Point } from './positions';

/** What adding a discovered agent did: added (maybe renamed, maybe with a warning), or why not and which node is already it. */
export type AddDiscoveredResult =
  | { ok: true; topology: Topology; name: string; note: string | null }
  | { ok: false; reason: string; existing: string | null };

/** A node name made from any label: characters a subject token cannot hold become `_`. */
export function nodeNameFrom(label: string): string {
  const name = label.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 128);
  return name === '' ? 'external_agent' : name;
}

/** The external agent already standing for `agent` in `topology` (same Synadia identity, or same name in a seed protocol), or null. */
export function findDiscovered(topology: Topology, agent: DiscoveredAgent): string | null {
  const id = agent.synadia;
  const same = topology.spec.externalAgents.find((e) =>
    id ? e.synadia?.agent === id.agent && e.synadia.owner === id.owner && e.synadia.name === id.name : !e.synadia && e.name === agent.name,
  );
  return same?.name ?? null;
}

/** Adds `agent` as an external agent at `position`; never overwrites a node. */
export function addDiscovered(topology: Topology, agent: DiscoveredAgent, position: Point): AddDiscoveredResult {
  const existing = findDiscovered(topology, agent);
  if (existing) return { ok: false, reason: `${agent.name} is on the canvas already, as "${existing}".`, existing };
  const taken = nodeNames(topology);
  let name: string;
  let note: string | null = null;
  if (agent.synadia) {
    const base = nodeNameFrom(agent.name);
    name = uniqueName(base, taken);
    if (name !== base) note = `Added as "${name}": "${base}" already names another node.`;
  } else {
    // A seed agent is reached by its name: a renamed copy would address nobody.
    if (!NodeNameSchema.safeParse(agent.name).success) return { ok: false, reason: `"${agent.name}" cannot name a node (letters, digits, "_" and "-" only), and ${agent.protocol} agents are reached by their name.`, existing: null };
    const clash = findNode(topology, agent.name);
    if (clash) return { ok: false, reason: `"${agent.name}" is already ${clash.kind === 'agent' ? 'an agent of this topology (it runs here, not elsewhere)' : `the name of a ${KIND_LABEL[clash.kind]}`}; ${agent.protocol} agents are reached by their name, so it cannot be added under another.`, existing: agent.name };
    name = agent.name;
    const profile = topology.spec.profile;
    if (agent.protocol !== profile) note = `${name} speaks ${agent.protocol} and this topology speaks ${profile}: its agents will not understand each other until the profiles match.`;
  }
  const spec = ExternalAgentSchema.safeParse({
    name,
    description: agent.description,
    capabilities: agent.capabilities.filter((c) => c !== ''),
    ...(agent.synadia && { synadia: agent.synadia }),
  });
  if (!spec.success) return { ok: false, reason: `${agent.name} cannot be added: ${spec.error.issues[0]?.path.join('.')} ${spec.error.issues[0]?.message ?? 'is not valid'}.`, existing: null };
  const next = withList(topology, 'external', [...listOf(topology, 'external'), spec.data]);
  return { ok: true, topology: moveNodes(next, { [name]: position }), name, note };
}
