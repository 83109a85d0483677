/**
 * What the designer does, as plain functions over the document store and the design store: the
 * canvas, the inspector and the commands all call these (handing them the stores), so a drag, a
 * menu item and a shortcut make the same edit with the same undo label.
 */
import { toYaml } from '../../../agents/topology/save';
import type { Topology } from '../../../agents/topology/schema';
import { NO_SELECTION, type Selection } from '../stores/design-store';
import type { Stores } from '../stores/stores';
import type { A2aCardSummary } from '../../../agents/protocol/a2a-card';
import type { DiscoveredAgent } from '../../../agents/protocol/discovered-agent';
import { addDiscovered, type AddDiscoveredResult } from './model/add-discovered';
import { addA2aPeer } from './model/add-a2a';
import { addNode, emptyTopology } from './model/add-node';
import { allNodeNames, copyFragment, duplicateNodes, fragmentNames, isEmptyFragment, pasteFragment } from './model/clipboard';
import { CONNECTION_LABEL, type ConnectionKind } from './model/connection-kinds';
import { connect, listConnections, setConnectionKind } from './model/connections';
import { deleteElements } from './model/delete';
import { KIND_LABEL, type NodeKind } from './model/node-kinds';
import { moveNodes, nudgeNodes, snap, type Point } from './model/positions';
import { renameNode } from './model/rename';

/** The stores the designer's actions work on. */
export type DesignStores = Pick<Stores, 'document' | 'design'>;

const doc = (stores: DesignStores) => stores.document.getState();
const design = (stores: DesignStores) => stores.design.getState();

/** The selection restricted to what exists in the current topology. */
function liveSelection(stores: DesignStores, topology: Topology | null = stores.document.getState().topology): Selection {
  const { selection } = stores.design.getState();
  if (!topology) return NO_SELECTION;
  const names = new Set(allNodeNames(topology));
  const ids = new Set(listConnections(topology).map((c) => c.id));
  return { nodes: selection.nodes.filter((n) => names.has(n)), edges: selection.edges.filter((e) => ids.has(e)) };
}

/** True when something that exists is selected. */
export const hasSelection = (stores: DesignStores) => {
  const s = liveSelection(stores);
  return s.nodes.length + s.edges.length > 0;
};

/** Adds a node of `kind` at a flow position (snapped); opens an empty document first if none is open. */
export function addNodeAt(stores: DesignStores, kind: NodeKind, at: Point): string | null {
  if (!doc(stores).topology) doc(stores).open(toYaml(emptyTopology()), { path: null });
  let name: string | null = null;
  doc(stores).edit(`Add ${KIND_LABEL[kind]}`, (t) => {
    const added = addNode(t, kind, snap(at));
    name = added.name;
    return added.topology;
  });
  if (name) design(stores).select({ nodes: [name], edges: [] });
  return name;
}

/** Adds an agent found on the bus as an external agent at `at`; an agent already there is selected, a clash is said, never overwritten. */
export function addDiscoveredAt(stores: DesignStores, agent: DiscoveredAgent, at: Point): string | null {
  return addExternal(stores, (t) => addDiscovered(t, agent, snap(at)), 'from the bus');
}

/** Adds the A2A agent a fetched card describes as an external agent at `at` (same rules as {@link addDiscoveredAt}). */
export function addA2aPeerAt(stores: DesignStores, card: A2aCardSummary, at: Point): string | null {
  return addExternal(stores, (t) => addA2aPeer(t, card, snap(at)), 'from its A2A card');
}

/** One way to add an external agent: open a document if none is, apply, select it; an existing one is selected and said. */
function addExternal(stores: DesignStores, add: (topology: Topology) => AddDiscoveredResult, from: string): string | null {
  if (!doc(stores).topology) doc(stores).open(toYaml(emptyTopology()), { path: null });
  const result = add(doc(stores).topology!);
  if (!result.ok) {
    if (result.existing) design(stores).select({ nodes: [result.existing], edges: [] });
    design(stores).notify(result.reason, result.existing ? 'info' : 'error');
    return result.existing;
  }
  doc(stores).edit(`Add ${result.name} ${from}`, () => result.topology);
  design(stores).select({ nodes: [result.name], edges: [] });
  if (result.note) design(stores).notify(result.note);
  return result.name;
}

/** Draws a line between two nodes with the default kind; offers the others in a popover at `at`. */
export function connectNodes(stores: DesignStores, from: string, to: string, at?: Point): boolean {
  const topology = doc(stores).topology;
  if (!topology) return false;
  const result = connect(topology, from, to);
  if (!result.ok) {
    design(stores).notify(result.reason, 'error');
    return false;
  }
  doc(stores).edit(`Connect ${from} → ${to}`, () => result.topology);
  design(stores).select({ nodes: [], edges: [result.id] });
  design(stores).setPopover(at && result.kinds.length > 1 ? { id: result.id, kinds: result.kinds, at } : null);
  return true;
}

/** Changes a line's kind (the connect popover, the inspector). */
export function changeLineKind(stores: DesignStores, id: string, kind: ConnectionKind): void {
  const topology = doc(stores).topology;
  if (!topology) return;
  const result = setConnectionKind(topology, id, kind);
  if (!result.ok) return design(stores).notify(result.reason, 'error');
  doc(stores).edit(`Make it ${CONNECTION_LABEL[kind].toLowerCase()}`, () => result.topology);
  design(stores).select({ nodes: [], edges: [result.id] });
  const popover = design(stores).popover;
  if (popover?.id === id) design(stores).setPopover({ ...popover, id: result.id });
}

/** Deletes the selected nodes and lines. */
export function deleteSelection(stores: DesignStores): void {
  const selection = liveSelection(stores);
  const count = selection.nodes.length + selection.edges.length;
  if (count === 0) return;
  doc(stores).edit(count === 1 ? `Delete ${selection.nodes[0] ?? 'line'}` : `Delete ${count} items`, (t) => deleteElements(t, selection));
  design(stores).select(NO_SELECTION);
  design(stores).setPopover(null);
}

/** Copies the selected nodes to the designer's clipboard. */
export function copySelection(stores: DesignStores): void {
  const topology = doc(stores).topology;
  const { nodes } = liveSelection(stores);
  if (!topology || nodes.length === 0) return;
  const fragment = copyFragment(topology, nodes);
  // Nodes without a saved position are copied where they are shown.
  const shown = design(stores).viewPositions;
  for (const name of nodes) if (!fragment.positions[name] && shown[name]) fragment.positions[name] = shown[name];
  design(stores).setClipboard(fragment);
  design(stores).notify(`Copied ${nodes.length === 1 ? nodes[0] : `${nodes.length} nodes`}.`);
}

/** Cuts: copy, then delete. */
export function cutSelection(stores: DesignStores): void {
  copySelection(stores);
  deleteSelection(stores);
}

/** Pastes the clipboard, offset from the original each time it is pasted again. */
export function paste(stores: DesignStores): void {
  const fragment = design(stores).clipboard;
  if (!fragment || isEmptyFragment(fragment)) return;
  if (!doc(stores).topology) doc(stores).open(toYaml(emptyTopology()), { path: null });
  let names: string[] = [];
  doc(stores).edit(`Paste ${fragmentNames(fragment).length} node(s)`, (t) => {
    const pasted = pasteFragment(t, fragment);
    names = pasted.names;
    return pasted.topology;
  });
  // The next paste lands further along, not on top of this one.
  design(stores).setClipboard({ ...fragment, positions: Object.fromEntries(Object.entries(fragment.positions).map(([n, p]) => [n, { x: p.x + 40, y: p.y + 40 }])) });
  design(stores).select({ nodes: names, edges: [] });
}

/** Duplicates the selected nodes next to themselves. */
export function duplicateSelection(stores: DesignStores): void {
  const { nodes } = liveSelection(stores);
  if (nodes.length === 0) return;
  let names: string[] = [];
  doc(stores).edit(`Duplicate ${nodes.length === 1 ? nodes[0] : `${nodes.length} nodes`}`, (t) => {
    const withShown = moveNodes(t, Object.fromEntries(nodes.filter((n) => !t.layout.nodes[n] && design(stores).viewPositions[n]).map((n) => [n, design(stores).viewPositions[n]!])));
    const result = duplicateNodes(withShown, nodes);
    names = result.names;
    return result.topology;
  });
  design(stores).select({ nodes: names, edges: [] });
}

/** Selects every node. */
export function selectAll(stores: DesignStores): void {
  const topology = doc(stores).topology;
  if (topology) design(stores).select({ nodes: allNodeNames(topology), edges: [] });
}

/** Moves the selected nodes by (dx, dy); repeated nudges are one undo step. */
export function nudgeSelection(stores: DesignStores, dx: number, dy: number): void {
  const { nodes } = liveSelection(stores);
  if (nodes.length === 0) return;
  doc(stores).edit(`Move ${nodes.length === 1 ? nodes[0] : `${nodes.length} nodes`}`, (t) => nudgeNodes(t, nodes, dx, dy, design(stores).viewPositions), `nudge:${nodes.join(',')}`);
}

/** Saves positions after a drag (one undo step per drag). */
export function moveTo(stores: DesignStores, positions: Record<string, Point>): void {
  const names = Object.keys(positions);
  if (names.length === 0) return;
  doc(stores).edit(`Move ${names.length === 1 ? names[0] : `${names.length} nodes`}`, (t) => moveNodes(t, positions));
}

/** Renames a node, keeping it selected; returns why not when the name cannot be used. */
export function rename(stores: DesignStores, from: string, to: string): string | null {
  const topology = doc(stores).topology;
  if (!topology) return 'No topology is open.';
  const result = renameNode(topology, from, to);
  if (!result.ok) return result.reason;
  if (result.topology === topology) return null;
  doc(stores).edit(`Rename ${from} to ${to}`, () => result.topology);
  const { selection } = design(stores);
  design(stores).select({ nodes: selection.nodes.map((n) => (n === from ? to : n)), edges: [] });
  const shown = design(stores).viewPositions[from];
  if (shown) design(stores).setViewPositions({ [to]: shown });
  return null;
}

/** Undo, keeping the popover from pointing at a line that may be gone. */
export function undo(stores: DesignStores): void {
  design(stores).setPopover(null);
  doc(stores).undo();
}

/** Redo. */
export function redo(stores: DesignStores): void {
  design(stores).setPopover(null);
  doc(stores).redo();
}
