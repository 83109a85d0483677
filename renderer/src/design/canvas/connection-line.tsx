/** The line being drawn: it says, before the drop, what it will be or why it cannot be. */
import { getBezierPath, type ConnectionLineComponentProps } from '@xyflow/react';
import { CONNECTION_LABEL } from '../model/connection-kinds';
import { connect } from '../model/connections';
import { ERROR_COLOR, LINE_STYLE } from './line-style';
import { nodeUnderPointer } from './pointer';
import { useStores } from '../../stores/stores-context';

/** The preview line. */
export function ConnectionLine({ fromNode, fromHandle, fromX, fromY, toX, toY, fromPosition, toPosition, toNode }: ConnectionLineComponentProps) {
  const topology = useStores().document.getState().topology;
  const over = toNode?.id ?? nodeUnderPointer();
  const target = over && over !== fromNode.id ? over : null;
  const [from, to] = fromHandle.type === 'source' ? [fromNode.id, target] : [target, fromNode.id];
  const verdict = topology && from && to ? connect(topology, from, to) : null;
  const color = !verdict ? '#8a93a3' : verdict.ok ? LINE_STYLE[verdict.kinds[0]!].color : ERROR_COLOR;
  const text = !verdict ? null : verdict.ok ? `${CONNECTION_LABEL[verdict.kinds[0]!]}${verdict.kinds.length > 1 ? ` (+${verdict.kinds.length - 1} more)` : ''}` : verdict.reason;
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, sourcePosition: fromPosition, targetX: toX, targetY: toY, targetPosition: toPosition });
  return (
    <g className="connection-preview">
      <path d={path} fill="none" stroke={color} strokeWidth={2} strokeDasharray={verdict?.ok === false ? '5 4' : undefined} />
      <circle cx={toX} cy={toY} r={4} fill={color} />
      {text && (
        <foreignObject x={toX + 12} y={toY + 10} width={260} height={80} style={{ overflow: 'visible' }}>
          <div className={`connection-hint${verdict?.ok === false ? ' connection-hint-invalid' : ''}`} data-testid="connection-hint">
            {text}
          </div>
        </foreignObject>
      )}
    </g>
  );
}
