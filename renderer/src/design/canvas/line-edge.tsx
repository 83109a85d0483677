/** A line of any kind: styled by kind, red with an error, its subject shown on hover or selection. */
import { memo, useState } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { useDesignStore } from '../../stores/design-store';
import { CONNECTION_LABEL } from '../model/connection-kinds';
import { connectionSubject } from '../model/subjects';
import type { DesignEdge } from './flow-types';
import { ERROR_COLOR, LINE_STYLE } from './line-style';
import { useStores } from '../../stores/stores-context';
import { LiveLineLabel, Pulse, UNDECLARED_EDGE_TYPES } from './live-edges';

/** The line component. */
const LineEdge = memo(function LineEdge(props: EdgeProps<DesignEdge>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd, markerStart } = props;
  const stores = useStores();
  const [hover, setHover] = useState(false);
  // Selected alone, a line shows its label; a box selection of many lines would bury the canvas in labels.
  const alone = useDesignStore((s) => s.selection.edges.length === 1 && s.selection.nodes.length === 0);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  if (!data) return null;
  const style = LINE_STYLE[data.kind];
  const errors = data.problems.filter((p) => p.severity === 'error');
  const color = errors.length ? ERROR_COLOR : style.color;
  const showLabel = hover || (selected && alone);
  // The subject is worked out only when shown: a big topology has a thousand lines.
  const topology = showLabel ? stores.document.getState().topology : null;
  const subject = topology ? connectionSubject(topology, { kind: data.kind, from: source, to: target, ...(data.detail !== undefined && { detail: data.detail }) }) : '';
  return (
    <g
      onMouseEnter={() => setHover(true)}
      onMouseLeave={() => setHover(false)}
      className={`line line-${data.kind}${errors.length ? ' line-invalid' : ''}${data.live?.unused ? ' line-unused' : ''}`}
      data-kind={data.kind}
      data-id={id}
      data-count={data.live?.count}
      data-highlighted={data.live?.highlighted || undefined}
    >
      {data.live?.highlighted && <path d={path} className="line-highlight" style={{ stroke: color, strokeWidth: style.width + 8 }} />}
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        markerStart={markerStart}
        interactionWidth={18}
        style={{ stroke: color, strokeWidth: selected ? style.width + 1.2 : style.width, strokeDasharray: style.dash }}
      />
      <Pulse id={id} path={path} color={color} />
      {data.live && !showLabel && <LiveLineLabel x={labelX} y={labelY + (errors.length ? 16 : 0)} count={data.live.count} noResponder={data.live.noResponder} color={color} />}
      {(showLabel || errors.length > 0) && (
        <EdgeLabelRenderer>
          <div
            className={`line-label${errors.length ? ' line-label-invalid' : ''}${showLabel ? '' : ' line-label-compact'}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, borderColor: color }}
            title={errors.map((p) => p.message).join('\n') || undefined}
            data-testid="line-label"
          >
            {showLabel ? (
              <>
                <span className="line-label-kind" style={{ color }}>
                  {CONNECTION_LABEL[data.kind]}
                </span>
                <span className="line-label-subject mono">{subject}</span>
                {errors.map((p, i) => (
                  <span key={i} className="line-label-error">
                    {p.message}
                  </span>
                ))}
              </>
            ) : (
              '!'
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </g>
  );
});

/** React Flow's edge types. */
export const EDGE_TYPES = { line: LineEdge, ...UNDECLARED_EDGE_TYPES };
