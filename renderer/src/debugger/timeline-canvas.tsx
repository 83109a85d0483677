/**
 * The timeline's canvas and its gestures: the wheel zooms about the pointer, a drag on the lanes
 * pans, a drag on the time axis selects a range to zoom to, a click picks the item under the
 * pointer. What it drew is on the element (`timelineItems`) for hit tests and browser tests.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Timeline } from '../../../agents/trace/timeline';
import { AXIS_HEIGHT, canvasHeight, drawTimeline, hitTest, LABEL_WIDTH, type DrawnItem, type Highlight } from './timeline-draw';
import { panBy, tOf, zoomAt, type TimeRange } from './timeline-scale';

/** What tests read off the canvas element: each drawn item and its box in CSS px. */
export interface TimelineCanvasElement extends HTMLCanvasElement {
  timelineItems?: DrawnItem[];
}

/** A drag in progress: panning the lanes, or selecting a range on the axis. */
type Drag = { mode: 'pan'; x0: number; range: TimeRange; moved: boolean } | { mode: 'select'; x0: number; x1: number };

/** Props of {@link TimelineCanvas}. */
export interface TimelineCanvasProps {
  data: Timeline;
  range: TimeRange;
  marks: Highlight;
  onRange(range: TimeRange): void;
  /** The item under the pointer (null: none), where the pointer is in the canvas box and how wide the box is. */
  onHover(item: DrawnItem | null, at: { x: number; y: number; width: number }): void;
  onPick(item: DrawnItem | null): void;
}

const bounds = (data: Timeline): TimeRange | null => (data.from !== null && data.to !== null ? { from: data.from, to: data.to } : null);

/** The canvas of the Timeline tab. */
export function TimelineCanvas({ data, range, marks, onRange, onHover, onPick }: TimelineCanvasProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<TimelineCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [drag, setDrag] = useState<Drag | null>(null);
  const items = useRef<DrawnItem[]>([]);
  const height = canvasHeight(data.lanes.length);
  const latest = useRef({ range, data, onRange });
  useLayoutEffect(() => {
    latest.current = { range, data, onRange };
  });

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  // Drawn before the browser paints (and before anything reads the element's range and items apart).
  useLayoutEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx || width <= LABEL_WIDTH) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.round(width * dpr);
    el.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    items.current = drawTimeline(ctx, data, range, width, height, data.from ?? range.from, marks);
    el.timelineItems = items.current;
  }, [data, range, width, height, marks]);

  // The wheel zooms about the pointer (a non-passive listener, so the page does not scroll).
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      const box = el.getBoundingClientRect();
      const x = event.clientX - box.left - LABEL_WIDTH;
      const plot = box.width - LABEL_WIDTH;
      if (x < 0 || plot <= 0) return;
      event.preventDefault();
      const { range: now, data: d, onRange: set } = latest.current;
      const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
      if (event.shiftKey) return set(panBy(now, (delta / plot) * (now.to - now.from), bounds(d)));
      set(zoomAt(now, tOf(x, now, plot), Math.exp(delta * 0.0015), bounds(d)));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const local = (event: React.MouseEvent) => {
    const box = canvas.current!.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top, width: box.width };
  };
  const plot = width - LABEL_WIDTH;

  const onMouseDown = (event: React.MouseEvent) => {
    if (event.button !== 0) return;
    const { x, y } = local(event);
    if (x < LABEL_WIDTH) return;
    event.preventDefault();
    setDrag(y <= AXIS_HEIGHT ? { mode: 'select', x0: x, x1: x } : { mode: 'pan', x0: x, range, moved: false });
  };

  useEffect(() => {
    if (!drag) return;
    const el = canvas.current!;
    const move = (event: MouseEvent) => {
      const x = event.clientX - el.getBoundingClientRect().left;
      if (drag.mode === 'select') return setDrag({ ...drag, x1: Math.max(LABEL_WIDTH, Math.min(width, x)) });
      if (!drag.moved && Math.abs(x - drag.x0) < 3) return;
      if (!drag.moved) setDrag({ ...drag, moved: true });
      const dt = -((x - drag.x0) / plot) * (drag.range.to - drag.range.from);
      latest.current.onRange(panBy(drag.range, dt, bounds(latest.current.data)));
    };
    const up = (event: MouseEvent) => {
      setDrag(null);
      const box = el.getBoundingClientRect();
      if (drag.mode === 'select') {
        // The release point, not the last rendered drag: a quick release comes before React draws the last move.
        const x1 = Math.max(LABEL_WIDTH, Math.min(width, event.clientX - box.left));
        const [a, b] = [Math.min(drag.x0, x1), Math.max(drag.x0, x1)];
        const now = latest.current.range;
        if (b - a >= 4) latest.current.onRange({ from: tOf(a - LABEL_WIDTH, now, plot), to: tOf(b - LABEL_WIDTH, now, plot) });
        return;
      }
      if (!drag.moved) onPick(hitTest(items.current, event.clientX - box.left, event.clientY - box.top));
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    return () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
  }, [drag, plot, width, onPick]);

  const onMouseMove = (event: React.MouseEvent) => {
    if (drag) return;
    const at = local(event);
    onHover(at.x >= LABEL_WIDTH && at.y > AXIS_HEIGHT ? hitTest(items.current, at.x, at.y) : null, at);
  };

  const selecting = drag?.mode === 'select' ? { left: Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0) } : null;
  return (
    <div className="timeline-canvas-wrap" ref={wrap}>
      <canvas
        ref={canvas}
        className={`timeline-canvas${drag?.mode === 'pan' && drag.moved ? ' panning' : ''}`}
        style={{ width: '100%', height }}
        data-testid="timeline-canvas"
        data-from={range.from}
        data-to={range.to}
        data-lanes={data.lanes.join(',')}
        data-plot-left={LABEL_WIDTH}
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseLeave={() => onHover(null, { x: 0, y: 0, width: 0 })}
      />
      {selecting && <div className="timeline-selecting" style={{ left: selecting.left, width: selecting.width, height }} />}
    </div>
  );
}
