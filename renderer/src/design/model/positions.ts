/** Node positions live in `layout.nodes`, apart from the model, so a moved node is a small diff. */
import type { Topology } from '../../../../agents/topology/schema';

/** A point on the canvas. */
export interface Point {
  x: number;
  y: number;
}

/** The grid nodes snap to. */
export const GRID = 20;

/** Rounds a point to the grid. */
export const snap = (p: Point, grid = GRID): Point => ({ x: Math.round(p.x / grid) * grid, y: Math.round(p.y / grid) * grid });

/** Sets the positions of some nodes; unchanged positions return the same topology. */
export function moveNodes(topology: Topology, positions: Readonly<Record<string, Point>>): Topology {
  const current = topology.layout.nodes;
  const changed = Object.entries(positions).filter(([name, p]) => current[name]?.x !== p.x || current[name]?.y !== p.y);
  if (changed.length === 0) return topology;
  const nodes = { ...current };
  for (const [name, p] of changed) nodes[name] = { x: p.x, y: p.y };
  return { ...topology, layout: { ...topology.layout, nodes } };
}

/**
 * Moves nodes by (dx, dy). Nodes without a saved position start from `shown` (where the canvas
 * drew them after auto-layout), so a nudge never makes a node jump.
 */
export function nudgeNodes(topology: Topology, names: readonly string[], dx: number, dy: number, shown: Readonly<Record<string, Point>> = {}): Topology {
  const positions: Record<string, Point> = {};
  for (const name of names) {
    const from = topology.layout.nodes[name] ?? shown[name];
    if (from) positions[name] = { x: from.x + dx, y: from.y + dy };
  }
  return moveNodes(topology, positions);
}

/** The first place at or below `at` (in steps of `box.height`) whose box overlaps none of `taken`'s, so an added node hides nothing. */
export function clearSpot(at: Point, taken: readonly Point[], box = { width: 240, height: 100 }): Point {
  let spot = at;
  for (let i = 0; i < 50 && taken.some((p) => Math.abs(p.x - spot.x) < box.width && Math.abs(p.y - spot.y) < box.height); i++) spot = { x: spot.x, y: spot.y + box.height };
  return spot;
}
