/** Lines while a run is shown: a pulse per burst of messages, a count, and the dashed lines of undeclared traffic. */
import { memo, useEffect, useRef, useState } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { shortCount } from '../../live/agent-counters';
import { useLiveStore } from '../../stores/live-store';
import type { UndeclaredFlowEdge } from './flow-types';
import { UNDECLARED_COLOR } from './line-style';

const PULSE_DURATION = '600ms';

/** A dot that runs along the line each time the live store pulses it (at most every PULSE_MS). */
export function Pulse({ id, path, color }: { id: string; path: string; color: string }) {
  const pulse = useLiveStore((s) => s.pulses[id]);
  const motion = useRef<SVGAnimateMotionElement>(null);
  const fade = useRef<SVGAnimateElement>(null);
  useEffect(() => {
    // SMIL animations added later than the page's start must be begun by hand.
    if (pulse === undefined) return;
    motion.current?.beginElement();
    fade.current?.beginElement();
  }, [pulse]);
  if (pulse === undefined) return null;
  return (
    <circle r={4.5} className="line-pulse" style={{ fill: color }} opacity={0} data-pulse={pulse} data-testid="line-pulse">
      <animateMotion ref={motion} dur={PULSE_DURATION} begin="indefinite" path={path} fill="freeze" />
      <animate ref={fade} attributeName="opacity" values="1;1;0" keyTimes="0;0.75;1" dur={PULSE_DURATION} begin="indefinite" fill="freeze" />
    </circle>
  );
}

/** A line's count (and requests along it nobody answered), on the line. */
export function LiveLineLabel({ x, y, count, noResponder, color, extra }: { x: number; y: number; count: number; noResponder: number; color: string; extra?: string }) {
  if (count === 0 && noResponder === 0 && !extra) return null;
  return (
    <EdgeLabelRenderer>
      <div className="live-line-label" style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)`, borderColor: color }} data-testid="live-line-label">
        {extra && <span className="live-line-extra">{extra}</span>}
        {count > 0 && <span className="live-line-count mono" title={`${count} message${count === 1 ? '' : 's'}`}>{shortCount(count)}</span>}
        {noResponder > 0 && (
          <span className="live-line-noreply" title={`${noResponder} request${noResponder === 1 ? '' : 's'} found no responder`}>
            no reply ×{noResponder}
          </span>
        )}
      </div>
    </EdgeLabelRenderer>
  );
}

/** Traffic no edge declares: dashed, in its own colour, with its count and what it was. */
const UndeclaredEdge = memo(function UndeclaredEdge(props: EdgeProps<UndeclaredFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd } = props;
  const [hover, setHover] = useState(false);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  if (!data) return null;
  return (
    <g className="line line-undeclared" data-testid="undeclared-line" data-id={id} data-count={data.count} data-highlighted={data.highlighted || undefined} onMouseEnter={() => setHover(true)} onMouseLeave={() => setHover(false)}>
      {data.highlighted && <path d={path} className="line-highlight" style={{ stroke: UNDECLARED_COLOR, strokeWidth: 10 }} />}
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={18} style={{ stroke: UNDECLARED_COLOR, strokeWidth: 2, strokeDasharray: '7 5' }} />
      <Pulse id={id} path={path} color={UNDECLARED_COLOR} />
      <LiveLineLabel x={labelX} y={labelY} count={data.count} noResponder={0} color={UNDECLARED_COLOR} extra={hover ? `undeclared: ${data.labels.join(', ')}` : 'undeclared'} />
    </g>
  );
});

/** React Flow's edge type for undeclared traffic. */
export const UNDECLARED_EDGE_TYPES = { undeclared: UndeclaredEdge };
