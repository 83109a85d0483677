/** Changing a node's fields (all but its name: renaming rewrites references, see rename.ts). */
import type { Topology } from '../../../../agents/topology/schema';
import { findNode, listOf, withList, type NodeKind, type NodeSpecOf } from './node-kinds';

/** Fields of one kind of node's spec; `undefined` removes an optional field. */
export type NodePatch = { [K in NodeKind]: Partial<Omit<NodeSpecOf[K], 'name'>> }[NodeKind];

/** Sets fields of the node called `name`; an empty or no-op patch returns the same topology. */
export function updateNode(topology: Topology, name: string, patch: NodePatch): Topology {
  const node = findNode(topology, name);
  if (!node) return topology;
  const current = node.spec as Record<string, unknown>;
  const changed = Object.entries(patch).filter(([key, value]) => key !== 'name' && JSON.stringify(current[key]) !== JSON.stringify(value));
  if (changed.length === 0) return topology;
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of changed) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  const list = listOf(topology, node.kind).map((n, i) => (i === node.index ? next : n));
  return withList(topology, node.kind, list as NodeSpecOf[typeof node.kind][]);
}
