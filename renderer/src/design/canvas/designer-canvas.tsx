/**
 * The designer's canvas: the open topology drawn with React Flow. The document store is the truth;
 * React Flow only reports what the user did (selection, drags, lines drawn), and each report
 * becomes a designer action. Positions being dragged are held here until the drop, so a drag is
 * one undo step and the document is not re-validated on every frame.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  SelectionMode,
  useReactFlow,
  type Connection as FlowConnection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import { useDesignStore, type DesignStore } from '../../stores/design-store';
import { useDocumentStore } from '../../stores/document-store';
import { useStores } from '../../stores/stores-context';
import { useViewStore } from '../../stores/view-store';
import { addDiscoveredAt, addNodeAt, connectNodes, moveTo } from '../actions';
import { agentFromDrop, DISCOVERED_AGENT_MIME } from '../../bus/bus-model';
import { fallbackPosition } from '../arrange';
import { NODE_KINDS, type NodeKind } from '../model/node-kinds';
import { GRID, type Point } from '../model/positions';
import { problemsByElement } from '../model/problem-targets';
import { CanvasToolbar } from './canvas-toolbar';
import { ConnectPopover } from './connect-popover';
import { ConnectionLine } from './connection-line';
import type { CanvasEdge, CanvasNode } from './flow-types';
import { EDGE_TYPES } from './line-edge';
import { NODE_TYPES } from './nodes';
import { Notice } from './notice';
import { lastPointer, nodeUnderPointer, trackPointer } from './pointer';
import { useCanvasWiring } from './use-canvas-wiring';
import { useCrispLayer } from './use-crisp-layer';
import { useElements, type ElementsInput } from './use-elements';
import { overlayNodes, undeclaredEdges, useLiveCanvas } from './use-live-canvas';
import { FindingsPanel } from '../../live/findings-panel';
import { showAgentInTrace } from '../../live/live-actions';
import '../design.css';
import '../../live/live.css';

/** The drag-and-drop type the palette puts node kinds under. */
export const NODE_KIND_MIME = 'application/x-switchboard-node-kind';

const MINIMAP_COLORS: Record<NodeKind | 'overlay', string> = { overlay: '#ff9f43',  agent: '#5aa9ff', external: '#7c8aa0', tool: '#b07cf7', mcp: '#e07cba', blackboard: '#d29922' };

/** The canvas, with its React Flow provider. */
export function DesignerCanvas() {
  return (
    <ReactFlowProvider>
      <FlowCanvas />
    </ReactFlowProvider>
  );
}

function FlowCanvas() {
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const stores = useStores();
  const wrapper = useRef<HTMLDivElement>(null);
  const topology = useDocumentStore((s) => s.topology);
  const problems = useDocumentStore((s) => s.problems);
  const selection = useDesignStore((s) => s.selection);
  const viewPositions = useDesignStore((s) => s.viewPositions);
  const status = useDesignStore((s) => s.agentStatus);
  const [dragging, setDragging] = useState<Record<string, Point> | null>(null);
  // Bumped when nodes are measured: React Flow's minimap and fit read sizes from our node objects.
  const [measuredVersion, setMeasuredVersion] = useState(0);

  const live = useLiveCanvas(topology);
  const problemMap = useMemo(() => (topology ? problemsByElement(topology, problems) : new Map()), [topology, problems]);
  const input = useMemo<ElementsInput | null>(() => {
    if (!topology) return null;
    const saved = topology.layout.nodes;
    return {
      topology,
      problems: problemMap,
      selectedNodes: new Set(selection.nodes),
      selectedEdges: new Set(selection.edges),
      position: (name, index) => dragging?.[name] ?? saved[name] ?? viewPositions[name] ?? fallbackPosition(index),
      status,
      measuredVersion,
      live: live?.input ?? null,
    };
  }, [topology, problemMap, selection, viewPositions, dragging, status, measuredVersion, live]);
  const { nodes: designNodes, edges: designEdges, measured } = useElements(input);
  // The run's overlay nodes and undeclared lines are drawn with the topology, never part of it.
  const overlays = live?.overlays ?? null;
  const nodes = useMemo<CanvasNode[]>(() => (overlays?.nodes.length ? [...designNodes, ...overlayNodes(overlays, designNodes)] : designNodes), [designNodes, overlays]);
  const edges = useMemo<CanvasEdge[]>(() => (overlays?.undeclared.length ? [...designEdges, ...undeclaredEdges(overlays, live!.input.highlighted)] : designEdges), [designEdges, overlays, live]);
  useCanvasWiring(topology, wrapper);
  // The run's figures are asked for only while the canvas is on screen.
  const shown = useViewStore((s) => s.view === 'design');
  useEffect(() => stores.live.getState().setVisible(shown), [shown, stores]);
  // Undeclared traffic that brings a new overlay node brings it into view (once per node).
  const overlaysSeen = useRef(new Set<string>());
  useEffect(() => {
    const fresh = (overlays?.nodes ?? []).filter((n) => !overlaysSeen.current.has(n.id));
    if (fresh.length === 0) return;
    for (const n of fresh) overlaysSeen.current.add(n.id);
    const timer = setTimeout(() => void flow.fitView({ padding: 0.18, duration: 250 }), 100); // once they are measured
    return () => clearTimeout(timer);
  }, [overlays, flow]);
  useCrispLayer(wrapper);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const moved: Record<string, Point> = {};
      const sizes: Record<string, { width: number; height: number }> = {};
      const select = new Map<string, boolean>();
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions) {
          measured.set(change.id, change.dimensions);
          if (!change.id.startsWith('live:')) sizes[change.id] = change.dimensions;
        } else if (change.type === 'position' && change.position && change.dragging) {
          moved[change.id] = change.position;
        } else if (change.type === 'select') {
          select.set(change.id, change.selected);
        }
      }
      if (Object.keys(sizes).length) {
        stores.design.getState().setSizes(sizes);
        setMeasuredVersion((v) => v + 1);
      }
      if (Object.keys(moved).length) setDragging((d) => ({ ...d, ...moved }));
      if (select.size) applySelection(stores.design.getState(), 'nodes', select);
    },
    [measured, stores],
  );

  const onEdgesChange = useCallback((changes: EdgeChange<CanvasEdge>[]) => {
    const select = new Map<string, boolean>();
    for (const change of changes) if (change.type === 'select') select.set(change.id, change.selected);
    if (select.size) applySelection(stores.design.getState(), 'edges', select);
  }, [stores]);

  const onDragStop = useCallback((_event: unknown, _node: unknown, dragged: CanvasNode[]) => {
    moveTo(stores, Object.fromEntries(dragged.map((n) => [n.id, n.position])));
    setDragging(null);
  }, [stores]);

  const onConnect = useCallback((connection: FlowConnection) => {
    connectNodes(stores, connection.source, connection.target, lastPointer());
  }, [stores]);

  // A line dropped on a node's body (not on a handle) connects to that node too.
  const onConnectEnd = useCallback<OnConnectEnd>((event, state: FinalConnectionState) => {
    if (state.isValid || !state.fromNode || !state.fromHandle) return;
    if ('clientX' in event) trackPointer(event);
    const over = nodeUnderPointer();
    if (!over || over === state.fromNode.id) return;
    const [from, to] = state.fromHandle.type === 'source' ? [state.fromNode.id, over] : [over, state.fromNode.id];
    connectNodes(stores, from, to, lastPointer());
  }, [stores]);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(NODE_KIND_MIME) as NodeKind;
      // An agent from the Agents on the bus panel becomes an external agent.
      const discovered = NODE_KINDS.includes(kind) ? null : agentFromDrop(event.dataTransfer.getData(DISCOVERED_AGENT_MIME));
      if (!NODE_KINDS.includes(kind) && !discovered) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // The pointer holds the node near its top-left corner, as it was picked up in the palette.
      const corner = { x: at.x - 30, y: at.y - 20 };
      if (discovered) addDiscoveredAt(stores, discovered, corner);
      else addNodeAt(stores, kind, corner);
      wrapper.current?.focus({ preventScroll: true });
    },
    [flow, stores],
  );

  const nodeCount = nodes.length;
  return (
    <div
      ref={wrapper}
      className="designer-canvas"
      tabIndex={0}
      aria-label="Topology canvas"
      data-testid="designer-canvas"
      onPointerMove={trackPointer}
      onMouseDownCapture={(event) => {
        // Shift is for adding to the selection here: it must not also extend a text selection
        // that began elsewhere on the page.
        if (event.shiftKey) {
          event.preventDefault();
          window.getSelection()?.removeAllRanges();
        }
      }}
      onPointerDownCapture={(event) => {
        trackPointer(event);
        // d3-zoom stops the pane's mousedown, so focus would never land here by itself.
        const target = event.target as HTMLElement;
        if (!target.closest('input, textarea, select, button, [contenteditable]') && !wrapper.current?.contains(document.activeElement)) wrapper.current?.focus({ preventScroll: true });
      }}
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes(NODE_KIND_MIME) || event.dataTransfer.types.includes(DISCOVERED_AGENT_MIME)) {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDrop={onDrop}
    >
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onDragStop}
        onSelectionDragStop={(event, dragged) => onDragStop(event, null, dragged)}
        onConnect={onConnect}
        onNodeClick={(event, node) => {
          // Alt+click: the agent's messages in the trace (a plain click still selects).
          if (event.altKey && live && (node.type === 'agent' || node.type === 'external')) void showAgentInTrace(stores, node.id);
        }}
        onConnectEnd={onConnectEnd}
        onPaneClick={() => stores.design.getState().setPopover(null)}
        isValidConnection={(c) => c.source !== c.target}
        connectionLineComponent={ConnectionLine}
        connectionRadius={28}
        colorMode="dark"
        proOptions={{ hideAttribution: true }}
        snapToGrid
        snapGrid={[GRID, GRID]}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionMode={SelectionMode.Partial}
        deleteKeyCode={null}
        disableKeyboardA11y
        minZoom={0.1}
        maxZoom={2}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap pannable zoomable position="bottom-right" style={{ width: 180, height: 120 }} nodeColor={(n) => MINIMAP_COLORS[n.type as NodeKind | 'overlay'] ?? '#888'} maskColor="rgba(15,17,21,0.7)" />
        <Panel position="top-left">
          <CanvasToolbar />
        </Panel>
        {live && (
          <Panel position="top-right">
            <FindingsPanel findings={overlays?.findings ?? []} />
          </Panel>
        )}
      </ReactFlow>
      {!topology && (
        <div className="canvas-empty">
          <h2>No topology open</h2>
          <p>Drag an agent from the palette to start a new one, or open a template from the File menu.</p>
        </div>
      )}
      {topology && nodeCount === 0 && (
        <div className="canvas-empty">
          <h2>{topology.metadata.name}</h2>
          <p>Drag agents, tools and blackboards here from the palette, then draw lines between their handles.</p>
        </div>
      )}
      <ConnectPopover />
      <Notice />
    </div>
  );
}

/** Applies React Flow's select/deselect reports to the design store's selection. */
function applySelection(design: DesignStore, part: 'nodes' | 'edges', changes: Map<string, boolean>): void {
  const current = new Set(design.selection[part]);
  for (const [id, selected] of changes) {
    if (selected) current.add(id);
    else current.delete(id);
  }
  design.select({ ...design.selection, [part]: [...current] });
}
