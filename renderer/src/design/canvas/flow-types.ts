/** The data React Flow carries for the designer's nodes and lines. */
import type { Edge, Node } from '@xyflow/react';
import type { Problem } from '../../../../agents/topology/validate';
import type { AgentStatus } from '../../stores/design-store';
import type { AgentCounters } from '../../live/agent-counters';
import type { LiveAgentState } from '../../live/agent-states';
import type { LineOverlay, OverlayNode as OverlayNodeSpec, UndeclaredLine } from '../../live/overlays';
import type { ConnectionKind } from '../model/connection-kinds';
import type { NodeKind, NodeSpecOf } from '../model/node-kinds';

/** A node's data: its spec, the problems pointing at it, and (agents) its model and live status. */
export type DesignNodeData<K extends NodeKind = NodeKind> = {
  kind: K;
  spec: NodeSpecOf[K];
  problems: Problem[];
  /** "scripted", "openai · gpt-4o": what the agent's llm settings resolve to. */
  model?: string;
  /** Agents: served over A2A (its own `a2a`, else the topology's `exposeAll`). */
  servedA2a?: boolean;
  status?: AgentStatus;
  /** While a run is shown: the agent's state, counters, and requests to it nobody answered. */
  live?: AgentLive;
};

/** What an agent node shows of the run the canvas shows. */
export type AgentLive = { state: LiveAgentState | null; counters: AgentCounters | null; unanswered: number };

/** A designer node; its React Flow type is its kind. */
export type DesignNode<K extends NodeKind = NodeKind> = Node<DesignNodeData<K>, K>;

/** A line's data. */
export type LineData = {
  kind: ConnectionKind;
  detail?: string;
  problems: Problem[];
  /** While a run is shown: its count, whether it was never used, unanswered requests; `highlighted` for the selected record's line. */
  live?: LineOverlay & { highlighted: boolean };
};

/** A designer line. */
export type DesignEdge = Edge<LineData, 'line'>;

/** A node drawn only for designed vs observed: the outside world or a subject no agent receives. */
export type OverlayFlowNode = Node<OverlayNodeSpec, 'overlay'>;

/** A dashed line for traffic no edge declares. */
export type UndeclaredFlowEdge = Edge<UndeclaredLine & { highlighted: boolean }, 'undeclared'>;

/** Any node on the canvas. */
export type CanvasNode = DesignNode | OverlayFlowNode;

/** Any line on the canvas. */
export type CanvasEdge = DesignEdge | UndeclaredFlowEdge;
