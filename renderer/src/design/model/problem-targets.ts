/**
 * Which node or line a problem is about, from its path into the file (`['spec','edges',3,'to']`
 * is the fourth edge; `['spec','agents',0,'tools',1]` the first agent's second tool line, or the
 * agent itself when that tool is not on the canvas).
 */
import type { Problem } from '../../../../agents/topology/validate';
import type { Topology } from '../../../../agents/topology/schema';
import { listConnections, type Connection } from './connections';
import { kindOfList, listOf } from './node-kinds';

/** A canvas element: a node (by name) or a line (by id). */
export type ElementRef = { type: 'node'; id: string } | { type: 'edge'; id: string };

/** The element a problem points at, or null (metadata, layout, syntax). */
export function problemTarget(topology: Topology, problem: Pick<Problem, 'path'>, lines: readonly Connection[] = listConnections(topology)): ElementRef | null {
  const [root, list, index, field, sub] = problem.path;
  if (root !== 'spec' || typeof index !== 'number') return null;
  if (list === 'edges') {
    const line = lines.find((c) => c.source.type === 'edge' && c.source.index === index);
    return line ? { type: 'edge', id: line.id } : null;
  }
  const kind = kindOfList(list);
  const node = kind ? listOf(topology, kind)[index] : undefined;
  if (!kind || !node) return null;
  if (kind === 'agent' && (field === 'tools' || field === 'blackboards') && typeof sub === 'number') {
    const entry = (field === 'tools' ? topology.spec.agents[index]!.tools : topology.spec.agents[index]!.blackboards)[sub];
    const line = lines.find((c) => c.source.type === (field === 'tools' ? 'tool' : 'blackboard') && 'agent' in c.source && c.source.agent === index && 'entry' in c.source && c.source.entry === entry);
    if (line) return { type: 'edge', id: line.id };
  }
  return { type: 'node', id: node.name };
}

/** Problems grouped by the element they point at (`node:name`, `edge:id`), worst first. */
export function problemsByElement(topology: Topology, problems: readonly Problem[]): Map<string, Problem[]> {
  const lines = listConnections(topology);
  const out = new Map<string, Problem[]>();
  for (const problem of problems) {
    const target = problemTarget(topology, problem, lines);
    if (!target) continue;
    const key = elementKey(target);
    const list = out.get(key) ?? [];
    list.push(problem);
    out.set(key, list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return out;
}

/** The map key of an element. */
export const elementKey = (ref: ElementRef) => `${ref.type}:${ref.id}`;

/** The path inside a node's spec a problem points at (`['llm']`), or null when it is not about that node. */
export function fieldPath(topology: Topology, problem: Pick<Problem, 'path'>, node: { kind: Parameters<typeof listOf>[1]; index: number }): (string | number)[] | null {
  const [root, list, index, ...rest] = problem.path;
  if (root !== 'spec' || kindOfList(list) !== node.kind || index !== node.index) return null;
  return rest;
}
