/** How each kind of line looks: colour, width, dash and arrowheads, so kinds read at a glance. */
import { MarkerType, type EdgeMarker } from '@xyflow/react';
import type { ConnectionKind } from '../model/connection-kinds';

/** One kind's look. */
export interface LineStyle {
  color: string;
  width: number;
  dash?: string;
  end: MarkerType | null;
  /** Arrows at both ends: the agent reads and writes. */
  both?: boolean;
}

export const LINE_STYLE: Record<ConnectionKind, LineStyle> = {
  request: { color: '#5aa9ff', width: 2, end: MarkerType.ArrowClosed },
  direct: { color: '#39c5cf', width: 1.6, end: MarkerType.Arrow },
  handoff: { color: '#f0883e', width: 2.4, dash: '10 4', end: MarkerType.ArrowClosed },
  broadcast: { color: '#3fb950', width: 1.6, dash: '6 5', end: MarkerType.ArrowClosed },
  subscribe: { color: '#e3b341', width: 1.8, dash: '2 4', end: MarkerType.ArrowClosed },
  tool: { color: '#b07cf7', width: 1.3, dash: '3 3', end: MarkerType.Arrow },
  blackboard: { color: '#c9a227', width: 1.3, end: MarkerType.Arrow, both: true },
  watch: { color: '#e3b341', width: 1.5, dash: '4 3', end: MarkerType.ArrowClosed },
};

/** The colour of traffic no edge declares (live canvas). */
export const UNDECLARED_COLOR = '#ff9f43';

/** The colour of lines and nodes with an error. */
export const ERROR_COLOR = '#f85149';

/** An arrowhead of a kind, in the line's colour (red when the line has an error). */
export function marker(kind: ConnectionKind, invalid: boolean): EdgeMarker | undefined {
  const style = LINE_STYLE[kind];
  if (!style.end) return undefined;
  return { type: style.end, color: invalid ? ERROR_COLOR : style.color, width: 14, height: 14, strokeWidth: 1.4 };
}
