/** The data React Flow carries for the designer's nodes and lines. */
import type { Edge, Node } from '@xyflow/react';
import type { Problem } from '../../../../agents/topology/validate';
import type { AgentStatus } from '../../stores/design-store';
import type { ConnectionKind } from '../model/connection-kinds';
import type { NodeKind, NodeSpecOf } from '../model/node-kinds';

/** A node's data: its spec, the problems pointing at it, and (agents) its model and live status. */
export type DesignNodeData<K extends NodeKind = NodeKind> = {
  kind: K;
  spec: NodeSpecOf[K];
  problems: Problem[];
  /** "scripted", "openai · gpt-4o": what the agent's llm settings resolve to. */
  model?: string;
  status?: AgentStatus;
};

/** A designer node; its React Flow type is its kind. */
export type DesignNode<K extends NodeKind = NodeKind> = Node<DesignNodeData<K>, K>;

/** A line's data. */
export type LineData = {
  kind: ConnectionKind;
  detail?: string;
  problems: Problem[];
};

/** A designer line. */
export type DesignEdge = Edge<LineData, 'line'>;
