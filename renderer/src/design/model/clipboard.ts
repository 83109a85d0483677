/**
 * Copy and paste of fragments: a set of nodes with the lines among them, their positions and the
 * model settings their agents use. Pasting renames what clashes and keeps the pasted nodes'
 * references to each other pointing at the copies.
 */
import type { Topology } from '../../../../agents/topology/schema';
import { BUILT_IN_TOOLS } from '../../../../agents/topology/validate';
import { uniqueName } from './names';
import { NODE_KINDS, listNodes, listOf, nodeNames, withList, type NodeKind, type NodeSpecOf } from './node-kinds';
import { moveNodes, type Point } from './positions';
import { mapReferences } from './references';

/** Copied nodes, ready to paste into this or another topology. */
export interface Fragment {
  nodes: { [K in NodeKind]: NodeSpecOf[K][] };
  edges: Topology['spec']['edges'];
  llms: Topology['spec']['llms'];
  positions: Record<string, Point>;
}

/** Copies the named nodes, the edges between them, and the model settings they use. */
export function copyFragment(topology: Topology, names: Iterable<string>): Fragment {
  const wanted = new Set(names);
  const nodes = Object.fromEntries(NODE_KINDS.map((kind) => [kind, listOf(topology, kind).filter((n) => wanted.has(n.name))])) as Fragment['nodes'];
  const llmNames = new Set(nodes.agent.map((a) => a.llm));
  return {
    nodes,
    edges: topology.spec.edges.filter((e) => wanted.has(e.from) && wanted.has(e.to)),
    llms: Object.fromEntries(Object.entries(topology.spec.llms).filter(([name]) => llmNames.has(name))),
    positions: Object.fromEntries(Object.entries(topology.layout.nodes).filter(([name]) => wanted.has(name))),
  };
}

/** True when a fragment holds no node. */
export const isEmptyFragment = (fragment: Fragment) => NODE_KINDS.every((k) => fragment.nodes[k].length === 0);

/**
 * Pastes a fragment, `offset` away from where it was copied. Names that clash get a suffix;
 * references to nodes that are neither pasted nor present in `topology` are dropped.
 */
export function pasteFragment(topology: Topology, fragment: Fragment, offset: Point = { x: 40, y: 40 }): { topology: Topology; names: string[] } {
  const taken = nodeNames(topology);
  const renames = new Map<string, string>();
  for (const kind of NODE_KINDS) {
    for (const node of fragment.nodes[kind]) {
      const name = uniqueName(node.name, taken);
      taken.add(name);
      renames.set(node.name, name);
    }
  }
  if (renames.size === 0) return { topology, names: [] };
  const builtIns = new Set<string>(BUILT_IN_TOOLS);
  const existing = nodeNames(topology);
  // Rename inside a scratch topology made of the fragment, so the same reference rules apply.
  let scratch: Topology = {
    ...topology,
    metadata: { name: 'fragment', description: '' },
    spec: {
      ...topology.spec,
      agents: fragment.nodes.agent,
      externalAgents: fragment.nodes.external,
      tools: fragment.nodes.tool,
      mcpServers: fragment.nodes.mcp,
      blackboards: fragment.nodes.blackboard,
      edges: fragment.edges,
    },
    layout: { nodes: fragment.positions },
  };
  scratch = mapReferences(scratch, (name) => renames.get(name) ?? (existing.has(name) || builtIns.has(name) ? name : null));
  let next = topology;
  for (const kind of NODE_KINDS) {
    const pasted = listOf(scratch, kind).map((n) => ({ ...n, name: renames.get(n.name)! }));
    if (pasted.length) next = withList(next, kind, [...listOf(next, kind), ...pasted]);
  }
  const llms = { ...next.spec.llms, ...Object.fromEntries(Object.entries(fragment.llms).filter(([name]) => !(name in next.spec.llms))) };
  next = { ...next, spec: { ...next.spec, llms, edges: [...next.spec.edges, ...scratch.spec.edges] } };
  next = allowCopies(next, fragment.nodes.agent.map((a) => [a.name, renames.get(a.name)!] as const));
  const positions = Object.fromEntries(Object.entries(scratch.layout.nodes).map(([name, p]) => [name, { x: p.x + offset.x, y: p.y + offset.y }]));
  return { topology: moveNodes(next, positions), names: [...renames.values()] };
}

/** A copied agent may call the tools its original was allowed to (tools not copied with it). */
function allowCopies(topology: Topology, copies: readonly (readonly [string, string])[]): Topology {
  const tools = topology.spec.tools.map((tool) => {
    const extra = copies
      .filter(([original, copy]) => tool.allow?.includes(original) && !tool.allow.includes(copy) && topology.spec.agents.some((a) => a.name === copy && a.tools.includes(tool.name)))
      .map(([, copy]) => copy);
    return extra.length ? { ...tool, allow: [...tool.allow!, ...extra] } : tool;
  });
  return tools.some((t, i) => t !== topology.spec.tools[i]) ? withList(topology, 'tool', tools) : topology;
}

/** Duplicates the named nodes next to themselves; returns the copies' names. */
export function duplicateNodes(topology: Topology, names: Iterable<string>, offset: Point = { x: 40, y: 40 }): { topology: Topology; names: string[] } {
  return pasteFragment(topology, copyFragment(topology, names), offset);
}

/** The names of the nodes of a fragment. */
export const fragmentNames = (fragment: Fragment): string[] => NODE_KINDS.flatMap((k) => fragment.nodes[k].map((n) => n.name));

/** Every node name, for "select all". */
export const allNodeNames = (topology: Topology): string[] => listNodes(topology).map((n) => n.name);
