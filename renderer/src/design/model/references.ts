/**
 * Every place a topology refers to a node by name: edge ends, an agent's tools, blackboards and
 * pattern settings, a tool's `allow` list, the example's target and the layout. Delete and rename
 * go through here, so no reference is forgotten by one of them.
 */
import type { Topology } from '../../../../agents/topology/schema';
import { withoutEmpty } from './connections';

/** Maps a referenced name to its new name, or to null to drop the reference. */
export type NameMap = (name: string) => string | null;

/** Rewrites every reference to a node through `map` (the nodes' own names are not touched). */
export function mapReferences(topology: Topology, map: NameMap): Topology {
  const spec = topology.spec;
  const mapList = (names: string[]) => names.flatMap((n) => map(n) ?? []);
  const edges = spec.edges.flatMap((e) => {
    const from = map(e.from);
    const to = map(e.to);
    return from === null || to === null ? [] : [from === e.from && to === e.to ? e : { ...e, from, to }];
  });
  const agents = spec.agents.map((agent) => {
    const tools = agent.tools.flatMap((entry) => {
      const [head, ...rest] = entry.split('/');
      const mapped = map(head!);
      return mapped === null ? [] : [[mapped, ...rest].join('/')];
    });
    const next = { ...agent, tools, blackboards: mapList(agent.blackboards) };
    if (agent.pattern) {
      const p = agent.pattern;
      const pattern = { ...p };
      if (p.peers) pattern.peers = mapList(p.peers);
      for (const key of ['finalizer', 'blackboard'] as const) {
        const value = p[key];
        if (value === undefined) continue;
        const mapped = map(value);
        if (mapped === null) delete pattern[key];
        else pattern[key] = mapped;
      }
      if (p.watch) pattern.watch = p.watch.flatMap((w) => (map(w.blackboard) === null ? [] : [{ ...w, blackboard: map(w.blackboard)! }]));
      const compacted = withoutEmpty(pattern);
      if (compacted) next.pattern = compacted;
      else delete next.pattern;
    }
    return sameAgent(agent, next) ? agent : next;
  });
  const tools = spec.tools.map((tool) => (tool.allow && tool.allow.some((n) => map(n) !== n) ? { ...tool, allow: mapList(tool.allow) } : tool));
  const metadata = { ...topology.metadata };
  if (metadata.example) {
    const to = map(metadata.example.to);
    if (to === null) delete metadata.example;
    else metadata.example = { ...metadata.example, to };
  }
  const layoutNodes: Topology['layout']['nodes'] = {};
  for (const [name, p] of Object.entries(topology.layout.nodes)) {
    const mapped = map(name);
    if (mapped !== null) layoutNodes[mapped] = p;
  }
  return { ...topology, metadata, spec: { ...spec, agents, tools, edges }, layout: { ...topology.layout, nodes: layoutNodes } };
}

/** Agents whose references did not change keep their identity (the canvas redraws less). */
function sameAgent(a: Topology['spec']['agents'][number], b: Topology['spec']['agents'][number]): boolean {
  return JSON.stringify([a.tools, a.blackboards, a.pattern]) === JSON.stringify([b.tools, b.blackboards, b.pattern]);
}
