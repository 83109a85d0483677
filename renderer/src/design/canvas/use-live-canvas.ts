/**
 * The run the canvas shows, drawn over the topology: each agent's state and counters, each line's
 * count and what it says about the design, the lines the selected trace record travelled on, and
 * the overlay nodes and dashed lines of undeclared traffic. Only when the run was recorded with
 * the topology that is open (same name), so a past run never decorates an unrelated document.
 */
import { useMemo } from 'react';
import { MarkerType } from '@xyflow/react';
import type { Topology } from '../../../../agents/topology/schema';
import { agentStates } from '../../live/agent-states';
import { canvasOverlays, type CanvasOverlays } from '../../live/overlays';
import { edgeLookup, edgesOfRecord } from '../../live/record-edges';
import { useLiveStore } from '../../stores/live-store';
import { useRunStore } from '../../stores/run-store';
import { useTraceStore } from '../../stores/trace-store';
import { listConnections } from '../model/connections';
import { listNodes } from '../model/node-kinds';
import type { LiveInput } from './build-elements';
import type { AgentLive, DesignNode, OverlayFlowNode, UndeclaredFlowEdge } from './flow-types';
import { UNDECLARED_COLOR } from './line-style';

/** What the live run adds to the canvas, or null when no run of this topology is shown. */
export interface LiveCanvas {
  input: LiveInput;
  overlays: CanvasOverlays | null;
}

/** The live layer for `topology`. */
export function useLiveCanvas(topology: Topology | null): LiveCanvas | null {
  const runId = useLiveStore((s) => s.runId);
  const live = useLiveStore((s) => s.live);
  const runTopology = useLiveStore((s) => s.runTopology);
  const check = useLiveStore((s) => s.check);
  const counters = useLiveStore((s) => s.counters);
  const tally = useLiveStore((s) => s.tally);
  const highlight = useLiveStore((s) => s.highlight);
  const status = useRunStore((s) => s.status);
  const paused = useRunStore((s) => s.paused);
  // The trace's selection is about the canvas's run only when the Trace view shows that run.
  const selected = useTraceStore((s) => (s.runId === runId ? s.selected : null));

  const active = topology !== null && runId !== null && (runTopology === null || runTopology === topology.metadata.name);
  const lines = useMemo(() => (topology ? listConnections(topology) : []), [topology]);
  const lookup = useMemo(() => (topology ? edgeLookup(topology, lines) : null), [topology, lines]);
  const names = useMemo(() => new Set(topology ? listNodes(topology).map((n) => n.name) : []), [topology]);
  const overlays = useMemo(() => (active && check && check.runId === runId ? canvasOverlays(check, topology, lines, names, live) : null), [active, check, runId, topology, lines, names, live]);
  const states = useMemo(() => (live ? agentStates(tally, status, paused) : {}), [live, tally, status, paused]);
  const highlighted = useMemo(() => {
    const ids = new Set(selected && lookup ? edgesOfRecord(lookup, selected) : []);
    if (highlight) ids.add(highlight);
    return ids;
  }, [selected, lookup, highlight]);

  return useMemo(() => {
    if (!active) return null;
    const agents: Record<string, AgentLive> = {};
    for (const node of listNodes(topology)) {
      if (node.kind !== 'agent' && node.kind !== 'external') continue;
      agents[node.name] = { state: live && node.kind === 'agent' ? (states[node.name] ?? 'offline') : null, counters: counters[node.name] ?? null, unanswered: overlays?.flaggedNodes[node.name] ?? 0 };
    }
    return { input: { agents, lines: overlays?.lines ?? {}, highlighted }, overlays };
  }, [active, topology, live, states, counters, overlays, highlighted]);
}

/** The overlay nodes, in a row above the drawn nodes: the outside world, then subjects no agent receives. */
export function overlayNodes(overlays: CanvasOverlays | null, nodes: readonly DesignNode[]): OverlayFlowNode[] {
  if (!overlays || overlays.nodes.length === 0) return [];
  let [minX, minY] = [Infinity, Infinity];
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
  }
  if (!Number.isFinite(minX)) [minX, minY] = [0, 0];
  let subjects = 0;
  return overlays.nodes.map((spec) => ({
    id: spec.id,
    type: 'overlay' as const,
    // One row above the topology, the outside world first: its lines to subjects stay short and cross no node.
    position: spec.kind === 'outside' ? { x: minX - 40, y: minY - 130 } : { x: minX + 260 + 250 * subjects++, y: minY - 130 },
    data: spec,
    selectable: false,
    draggable: false,
    connectable: false,
  }));
}

/** The dashed lines of undeclared traffic. */
export function undeclaredEdges(overlays: CanvasOverlays | null, highlighted: ReadonlySet<string>): UndeclaredFlowEdge[] {
  if (!overlays) return [];
  return overlays.undeclared.map((line) => ({
    id: line.id,
    source: line.source,
    target: line.target,
    type: 'undeclared' as const,
    data: { ...line, highlighted: highlighted.has(line.id) },
    selectable: false,
    markerEnd: { type: MarkerType.ArrowClosed, color: UNDECLARED_COLOR, width: 14, height: 14 },
    zIndex: 1,
  }));
}
