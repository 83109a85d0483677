/**
 * Arranging: the Auto-layout command (saved, undoable), and positions for nodes the file has none
 * for (shown, not saved, so opening a file never makes it dirty).
 */
import type { Topology } from '../../../agents/topology/schema';
import type { DesignStores } from './actions';
import { layoutInWorker, layoutRequest } from './canvas/layout-client';
import { listNodes } from './model/node-kinds';
import { moveNodes, snap, type Point } from './model/positions';

const design = (stores: DesignStores) => stores.design.getState();

/** Lays the whole topology out and saves the positions as one undoable edit. */
export async function autoLayout(stores: DesignStores): Promise<void> {
  const topology = stores.document.getState().topology;
  if (!topology || design(stores).layoutRunning) return;
  design(stores).setLayoutRunning(true);
  try {
    const positions = await layoutInWorker(layoutRequest(topology, design(stores).sizes));
    stores.document.getState().edit('Auto-layout', (t) => moveNodes(t, existing(t, positions)));
    design(stores).setViewPositions({}, true);
    design(stores).requestFit();
  } catch (error) {
    design(stores).notify(`Auto-layout failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
  } finally {
    design(stores).setLayoutRunning(false);
  }
}

/**
 * Gives nodes without a position one: a file with none at all is laid out (in the worker), new
 * nodes among placed ones go in a column to the right of the drawing.
 */
export async function placeUnpositioned(stores: DesignStores, topology: Topology): Promise<void> {
  const shown = design(stores).viewPositions;
  const missing = listNodes(topology).filter((n) => !topology.layout.nodes[n.name] && !shown[n.name]);
  if (missing.length === 0) return;
  const placed = Object.values(topology.layout.nodes);
  if (placed.length === 0) {
    const document = stores.document.getState().recoveryKey;
    design(stores).setLayoutRunning(true);
    try {
      const positions = await layoutInWorker(layoutRequest(topology, design(stores).sizes));
      // Only if the same document is still open; nodes added meanwhile are placed next time.
      if (stores.document.getState().recoveryKey === document) design(stores).setViewPositions(positions);
      design(stores).requestFit();
    } catch (error) {
      design(stores).notify(`Auto-layout failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
    } finally {
      design(stores).setLayoutRunning(false);
    }
    return;
  }
  const right = Math.max(...placed.map((p) => p.x)) + 280;
  const top = Math.min(...placed.map((p) => p.y));
  design(stores).setViewPositions(Object.fromEntries(missing.map((n, i) => [n.name, snap({ x: right, y: top + i * 120 })])));
}

/** Where a node with no position is drawn until it gets one: a grid, so nothing overlaps. */
export const fallbackPosition = (index: number): Point => ({ x: 40 + (index % 6) * 260, y: 40 + Math.floor(index / 6) * 140 });

function existing(topology: Topology, positions: Record<string, Point>): Record<string, Point> {
  const names = new Set(listNodes(topology).map((n) => n.name));
  return Object.fromEntries(Object.entries(positions).filter(([n]) => names.has(n)));
}
