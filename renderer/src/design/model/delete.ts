/** Deleting nodes (with their lines and every reference to them) and lines. */
import type { Topology } from '../../../../agents/topology/schema';
import { disconnect } from './connections';
import { NODE_KINDS, listOf, withList } from './node-kinds';
import { mapReferences } from './references';

/** Deletes nodes by name and lines by id; nothing to delete returns the same topology. */
export function deleteElements(topology: Topology, selection: { nodes?: Iterable<string>; edges?: Iterable<string> }): Topology {
  let next = disconnect(topology, selection.edges ?? []);
  const names = new Set(selection.nodes ?? []);
  if (names.size === 0) return next;
  for (const kind of NODE_KINDS) {
    const list = listOf(next, kind);
    const kept = list.filter((n) => !names.has(n.name));
    if (kept.length !== list.length) next = withList(next, kind, kept);
  }
  if (next === topology) return topology;
  return mapReferences(next, (name) => (names.has(name) ? null : name));
}
