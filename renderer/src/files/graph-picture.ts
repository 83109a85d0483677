/**
 * The geometry of a topology's thumbnail: its nodes where the layout put them (or on a grid when
 * it has no position) and its edges, with a view box around them. Pure; template-picture.tsx
 * draws it as SVG.
 */
import type { EdgeKind, Topology } from '../../../agents/topology/schema';

/** The kinds of node a picture distinguishes (colours follow the palette's). */
export type PictureNodeKind = 'agent' | 'external' | 'tool' | 'mcp' | 'blackboard';

/** One node of the picture, positioned by its top-left corner. */
export interface PictureNode {
  name: string;
  kind: PictureNodeKind;
  x: number;
  y: number;
}

/** One line of the picture: a channel, or an agent's use of a tool or blackboard. */
export interface PictureEdge {
  from: string;
  to: string;
  kind: EdgeKind | 'uses';
}

/** A thumbnail's content. */
export interface GraphPicture {
  nodes: PictureNode[];
  edges: PictureEdge[];
  viewBox: { x: number; y: number; width: number; height: number };
}

/** Node size in layout units (the canvas's agent cards are about this size). */
export const PICTURE_NODE = { width: 180, height: 64 };
const GRID = { x: 300, y: 140, columns: 4 };
const PADDING = 40;

/** The picture of a topology. */
export function graphPicture(topology: Topology): GraphPicture {
  const { spec, layout } = topology;
  const named: { name: string; kind: PictureNodeKind }[] = [
    ...spec.agents.map((a) => ({ name: a.name, kind: 'agent' as const })),
    ...spec.externalAgents.map((a) => ({ name: a.name, kind: 'external' as const })),
    ...spec.tools.map((t) => ({ name: t.name, kind: 'tool' as const })),
    ...spec.mcpServers.map((m) => ({ name: m.name, kind: 'mcp' as const })),
    ...spec.blackboards.map((b) => ({ name: b.name, kind: 'blackboard' as const })),
  ];
  let unplaced = 0;
  const nodes = named.map(({ name, kind }) => {
    const at = layout.nodes[name];
    if (at) return { name, kind, x: at.x, y: at.y };
    const index = unplaced++;
    return { name, kind, x: (index % GRID.columns) * GRID.x, y: Math.floor(index / GRID.columns) * GRID.y };
  });
  const present = new Set(nodes.map((n) => n.name));
  const edges: PictureEdge[] = spec.edges.filter((e) => present.has(e.from) && present.has(e.to)).map((e) => ({ from: e.from, to: e.to, kind: e.kind }));
  const drawn = new Set(edges.map((e) => `${e.from}\0${e.to}`));
  for (const agent of spec.agents) {
    for (const target of [...agent.tools, ...agent.blackboards]) {
      if (present.has(target) && !drawn.has(`${agent.name}\0${target}`)) edges.push({ from: agent.name, to: target, kind: 'uses' });
    }
  }
  return { nodes, edges, viewBox: viewBoxOf(nodes) };
}

function viewBoxOf(nodes: PictureNode[]): GraphPicture['viewBox'] {
  if (nodes.length === 0) return { x: 0, y: 0, width: 400, height: 240 };
  const minX = Math.min(...nodes.map((n) => n.x)) - PADDING;
  const minY = Math.min(...nodes.map((n) => n.y)) - PADDING;
  const maxX = Math.max(...nodes.map((n) => n.x + PICTURE_NODE.width)) + PADDING;
  const maxY = Math.max(...nodes.map((n) => n.y + PICTURE_NODE.height)) + PADDING;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}
