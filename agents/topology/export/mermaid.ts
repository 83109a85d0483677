/**
 * The topology as a Mermaid flowchart, for READMEs and design reviews: one shape per node kind and
 * one arrow style per edge kind, so the picture reads like the canvas without colour.
 */
import type { EdgeKind, Topology } from '../schema.js';

/** The arrow each edge kind is drawn with. */
const MERMAID_ARROWS: Record<EdgeKind, string> = {
  request: '-->',
  direct: '-.->',
  handoff: '==>',
  broadcast: '--o',
  subscribe: '-.-o',
};

/** A `flowchart LR` of `topology`. */
export function exportMermaid(topology: Topology): string {
  const spec = topology.spec;
  const lines = ['flowchart LR'];
  const declared = new Set<string>();
  const node = (name: string, open: string, label: string, close: string) => {
    declared.add(name);
    lines.push(`  ${mermaidId(name)}${open}"${escapeLabel(label)}"${close}`);
  };
  for (const agent of spec.agents) node(agent.name, '[', agent.replicas > 1 ? `${agent.name} ×${agent.replicas}` : agent.name, ']');
  for (const external of spec.externalAgents) node(external.name, '([', external.name, '])');
  for (const tool of spec.tools) node(tool.name, '{{', tool.name, '}}');
  for (const board of spec.blackboards) node(board.name, '[(', board.name, ')]');
  // An edge to an undeclared node (an invalid file) still shows it, by its own name.
  for (const edge of spec.edges) for (const end of [edge.from, edge.to]) if (!declared.has(end)) node(end, '[', end, ']');

  for (const edge of spec.edges) {
    const label = edge.kind === 'subscribe' && edge.subject ? `subscribe ${edge.subject}` : edge.kind;
    lines.push(`  ${mermaidId(edge.from)} ${MERMAID_ARROWS[edge.kind]}|"${escapeLabel(label)}"| ${mermaidId(edge.to)}`);
  }

  if (spec.externalAgents.length > 0) {
    lines.push('  classDef external stroke-dasharray: 5 5');
    lines.push(`  class ${spec.externalAgents.map((e) => mermaidId(e.name)).join(',')} external`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A node id Mermaid cannot misread: a prefix keeps ids off keywords (`end`, `graph`) and off the
 * `o`/`x` arrow heads, and `_`→`__`, `-`→`_h` keeps distinct names distinct.
 */
export function mermaidId(name: string): string {
  return `n_${name.replace(/_/g, '__').replace(/-/g, '_h').replace(/[^A-Za-z0-9_]/g, (c) => `_u${c.codePointAt(0)!.toString(16)}_`)}`;
}

/** Label text inside `"…"`: Mermaid's entity codes for what would end the string or read as HTML. */
export function escapeLabel(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[#"&<>|[\]{}()`]/g, (c) => `#${c.codePointAt(0)};`);
}
