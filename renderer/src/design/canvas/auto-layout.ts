/**
 * Layered auto-layout (dagre), left to right in the direction messages flow. Tools, MCP servers and
 * blackboards are placed after the agents that use them, whichever way their lines point.
 */
import dagre from '@dagrejs/dagre';
import { snap, type Point } from '../model/positions';

/** What the layout needs: node sizes and the lines between them. */
export interface LayoutRequest {
  nodes: { id: string; width: number; height: number }[];
  edges: { from: string; to: string }[];
}

/** Top-left positions by node id, snapped to the grid. */
export type LayoutResult = Record<string, Point>;

/** Lays a graph out; pure and synchronous (run it in the worker for big graphs). */
export function layoutGraph(request: LayoutRequest): LayoutResult {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 110, edgesep: 16, marginx: 40, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of request.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  request.edges.forEach((e, i) => {
    if (e.from !== e.to && g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, {}, String(i));
  });
  dagre.layout(g);
  const out: LayoutResult = {};
  for (const n of request.nodes) {
    const placed = g.node(n.id) as { x: number; y: number } | undefined;
    if (placed) out[n.id] = snap({ x: placed.x - n.width / 2, y: placed.y - n.height / 2 });
  }
  return out;
}
