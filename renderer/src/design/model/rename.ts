/** Renaming a node: its declaration, every reference to it, its layout and subjects derived from it. */
import type { Topology } from '../../../../agents/topology/schema';
import { nameProblem } from './names';
import { findNode, listOf, withList } from './node-kinds';
import { mapReferences } from './references';

/** The renamed topology, or why the new name cannot be used. */
export type RenameResult = { ok: true; topology: Topology } | { ok: false; reason: string };

/** Renames the node `from` to `to` everywhere. */
export function renameNode(topology: Topology, from: string, to: string): RenameResult {
  const node = findNode(topology, from);
  if (!node) return { ok: false, reason: `There is no node called "${from}".` };
  if (from === to) return { ok: true, topology };
  const problem = nameProblem(topology, node.kind, to, from);
  if (problem) return { ok: false, reason: problem };
  let next = withList(topology, node.kind, listOf(topology, node.kind).map((n) => (n.name === from ? { ...n, name: to } : n)));
  next = mapReferences(next, (name) => (name === from ? to : name));
  // A blackboard without an explicit bucket is stored in a bucket of its name: subscriptions to
  // that bucket follow the rename.
  if (node.kind === 'blackboard' && node.spec.bucket === undefined) {
    const prefix = `$KV.${from}.`;
    const edges = next.spec.edges.map((e) => (e.subject?.startsWith(prefix) ? { ...e, subject: `$KV.${to}.${e.subject.slice(prefix.length)}` } : e));
    next = { ...next, spec: { ...next.spec, edges } };
  }
  return { ok: true, topology: next };
}
