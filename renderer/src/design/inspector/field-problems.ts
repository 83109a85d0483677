/** The document's problems that point into one node, keyed by the field they are about. */
import type { Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import type { NodeRef } from '../model/node-kinds';
import { fieldPath } from '../model/problem-targets';

/** Problems inside a node: by field, and those about the node as a whole. */
export interface NodeProblems {
  /** Problems at `field` (paths made relative to the field). */
  at(field: string): Problem[];
  /** Problems about the node itself, or about fields the form does not show. */
  general: Problem[];
}

/** Splits the problems of one node by field; `shown` are the fields the form has. */
export function nodeProblems(topology: Topology, problems: readonly Problem[], node: Pick<NodeRef, 'kind' | 'index'>, shown: ReadonlySet<string>): NodeProblems {
  const mine = problems.flatMap((p) => {
    const rest = fieldPath(topology, p, node);
    return rest ? [{ ...p, path: rest }] : [];
  });
  return {
    at: (field) => mine.filter((p) => p.path[0] === field).map((p) => ({ ...p, path: p.path.slice(1) })),
    general: mine.filter((p) => typeof p.path[0] !== 'string' || !shown.has(p.path[0])),
  };
}
