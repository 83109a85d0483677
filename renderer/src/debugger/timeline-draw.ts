/**
 * Draws a timeline on a 2D canvas: the time axis, one lane per agent, phase bars (the sequence
 * view's phase colours), model and tool calls as thinner bars inside them, and messages as arrows
 * between lanes (replies dashed). Returns what it drew with its place, for hit tests and tests.
 */
import type { Timeline, TimelineMessage, TimelineSpan } from '../../../agents/trace/timeline';
import { PHASE_COLOURS, SEQUENCE_COLOURS } from '../trace/sequence-svg';
import { ticks, xOf, type TimeRange } from './timeline-scale';

/** Sizes of the drawing (CSS px). */
export const LABEL_WIDTH = 168;
export const AXIS_HEIGHT = 30;
export const LANE_HEIGHT = 46;
const BAR_TOP = 9;
const BAR_HEIGHT = 22;
const CALL_TOP = 24;
const CALL_HEIGHT = 9;

/** Colours of what is not a phase. */
const CALL_COLOURS: Record<string, string> = { llm: '#e26fd0', tool: '#2bd3c3' };
const ARROW = '#e6ebf2';
const FONT = "11px ui-sans-serif, system-ui, -apple-system, 'Segoe UI', sans-serif";
const MONO = "10px ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace";

/** The colour a span is drawn in. */
export const spanColour = (kind: TimelineSpan['kind']): string => PHASE_COLOURS[kind] ?? CALL_COLOURS[kind] ?? SEQUENCE_COLOURS.muted;

/** One drawn item and where (CSS px, canvas coordinates): a bar's box, or an arrow's two ends. */
export type DrawnItem =
  | { kind: 'span'; span: TimelineSpan; x: number; y: number; w: number; h: number }
  | { kind: 'message'; message: TimelineMessage; x1: number; y1: number; x2: number; y2: number };

/** The canvas height the lanes need. */
export const canvasHeight = (lanes: number): number => AXIS_HEIGHT + Math.max(1, lanes) * LANE_HEIGHT + 6;

/** What is highlighted: the hovered and the selected record. */
export interface Highlight {
  hovered: number | null;
  selected: number | null;
}

/** Draws `data` over `range` on a canvas `width` × `height` CSS px; `origin`: the run's start (ticks count from it). */
export function drawTimeline(ctx: CanvasRenderingContext2D, data: Timeline, range: TimeRange, width: number, height: number, origin: number, marks: Highlight): DrawnItem[] {
  const plot = width - LABEL_WIDTH;
  const laneY = new Map(data.lanes.map((lane, i) => [lane, AXIS_HEIGHT + i * LANE_HEIGHT]));
  const x = (t: number) => LABEL_WIDTH + xOf(t, range, plot);
  ctx.fillStyle = SEQUENCE_COLOURS.bg;
  ctx.fillRect(0, 0, width, height);

  // Lanes: striped rows.
  data.lanes.forEach((_, i) => {
    ctx.fillStyle = i % 2 ? '#12151b' : SEQUENCE_COLOURS.bg;
    ctx.fillRect(LABEL_WIDTH, AXIS_HEIGHT + i * LANE_HEIGHT, plot, LANE_HEIGHT);
  });
  // Grid and axis.
  const { ticks: marksOnAxis } = ticks(range, plot, origin);
  ctx.font = MONO;
  ctx.textBaseline = 'middle';
  for (const tick of marksOnAxis) {
    const tx = Math.round(x(tick.t)) + 0.5;
    ctx.strokeStyle = '#1d222b';
    ctx.beginPath();
    ctx.moveTo(tx, AXIS_HEIGHT);
    ctx.lineTo(tx, height);
    ctx.stroke();
  }

  const drawn: DrawnItem[] = [];
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, AXIS_HEIGHT, plot, height - AXIS_HEIGHT);
  ctx.clip();
  // Phases first, then model and tool calls inside them, then arrows over all.
  const phases = data.spans.filter((s) => s.kind !== 'llm' && s.kind !== 'tool');
  const calls = data.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool');
  for (const [list, top, h] of [[phases, BAR_TOP, BAR_HEIGHT], [calls, CALL_TOP, CALL_HEIGHT]] as const) {
    for (const span of list) {
      const y0 = laneY.get(span.lane);
      if (y0 === undefined) continue;
      const x1 = x(span.start);
      const x2 = x(span.end);
      if (x2 < LABEL_WIDTH - 1 || x1 > width + 1) continue;
      const w = Math.max(1, x2 - x1);
      const y = y0 + top;
      const colour = spanColour(span.kind);
      ctx.fillStyle = colour;
      ctx.globalAlpha = list === phases ? 0.82 : 1;
      ctx.fillRect(x1, y, w, h);
      ctx.globalAlpha = 1;
      if (list === calls && w > 3) {
        ctx.strokeStyle = '#0b0d11';
        ctx.strokeRect(x1 + 0.5, y + 0.5, w - 1, h - 1);
      }
      if (marks.selected === span.seq || marks.hovered === span.seq) {
        ctx.strokeStyle = marks.selected === span.seq ? '#ffffff' : '#c8d3e0';
        ctx.lineWidth = marks.selected === span.seq ? 2 : 1;
        ctx.strokeRect(x1 - 1, y - 1, w + 2, h + 2);
        ctx.lineWidth = 1;
      }
      if (list === phases && w > 44) {
        ctx.fillStyle = '#0b0d11';
        ctx.font = FONT;
        const text = span.kind;
        ctx.fillText(text, Math.max(x1, LABEL_WIDTH) + 5, y + 7, Math.max(0, Math.min(x2, width) - Math.max(x1, LABEL_WIDTH) - 8));
      }
      drawn.push({ kind: 'span', span, x: x1, y, w, h });
    }
  }
  for (const message of data.messages) {
    const from = laneY.get(message.from);
    const to = laneY.get(message.to);
    if (from === undefined || to === undefined) continue;
    const x1 = x(message.sent);
    const x2 = x(message.received ?? message.sent);
    if (Math.max(x1, x2) < LABEL_WIDTH || Math.min(x1, x2) > width) continue;
    // Lane centre to lane centre, over the bars (a dark halo keeps it readable there): between
    // neighbouring lanes an edge-to-edge arrow was a 10 px stroke nobody saw.
    const y1 = from + LANE_HEIGHT / 2;
    const y2 = to + LANE_HEIGHT / 2;
    const strong = marks.selected === message.seq || marks.hovered === message.seq;
    ctx.setLineDash(message.reply ? [4, 3] : []);
    ctx.strokeStyle = '#0b0d11';
    ctx.globalAlpha = 0.85;
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
    ctx.strokeStyle = strong ? '#ffffff' : ARROW;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.globalAlpha = strong ? 1 : 0.9;
    ctx.lineWidth = marks.selected === message.seq ? 2.2 : 1.5;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
    ctx.setLineDash([]);
    arrowHead(ctx, x1, y1, x2, y2);
    ctx.beginPath();
    ctx.arc(x1, y1, 2.2, 0, Math.PI * 2);
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
    drawn.push({ kind: 'message', message, x1, y1, x2, y2 });
  }
  ctx.restore();

  // Axis band and lane labels over everything.
  ctx.fillStyle = SEQUENCE_COLOURS.panel;
  ctx.fillRect(0, 0, width, AXIS_HEIGHT);
  ctx.strokeStyle = SEQUENCE_COLOURS.border;
  ctx.beginPath();
  ctx.moveTo(0, AXIS_HEIGHT - 0.5);
  ctx.lineTo(width, AXIS_HEIGHT - 0.5);
  ctx.stroke();
  ctx.font = MONO;
  ctx.fillStyle = SEQUENCE_COLOURS.muted;
  for (const tick of marksOnAxis) {
    const tx = Math.round(x(tick.t)) + 0.5;
    ctx.strokeStyle = SEQUENCE_COLOURS.muted;
    ctx.beginPath();
    ctx.moveTo(tx, AXIS_HEIGHT - 6);
    ctx.lineTo(tx, AXIS_HEIGHT);
    ctx.stroke();
    if (tx > LABEL_WIDTH) ctx.fillText(tick.label, tx + 4, AXIS_HEIGHT / 2);
  }
  ctx.fillStyle = SEQUENCE_COLOURS.panel;
  ctx.fillRect(0, AXIS_HEIGHT, LABEL_WIDTH, height - AXIS_HEIGHT);
  ctx.fillRect(0, 0, LABEL_WIDTH, AXIS_HEIGHT);
  ctx.strokeStyle = SEQUENCE_COLOURS.border;
  ctx.beginPath();
  ctx.moveTo(LABEL_WIDTH - 0.5, 0);
  ctx.lineTo(LABEL_WIDTH - 0.5, height);
  ctx.stroke();
  ctx.font = FONT;
  ctx.fillStyle = SEQUENCE_COLOURS.muted;
  ctx.fillText('agent  \u2502  time since start', 10, AXIS_HEIGHT / 2);
  data.lanes.forEach((lane, i) => {
    const y = AXIS_HEIGHT + i * LANE_HEIGHT;
    ctx.fillStyle = lane === 'outside' ? SEQUENCE_COLOURS.muted : SEQUENCE_COLOURS.text;
    ctx.font = lane === 'outside' ? `italic ${FONT}` : FONT;
    ctx.fillText(lane, 12, y + LANE_HEIGHT / 2, LABEL_WIDTH - 20);
    ctx.strokeStyle = '#1b2028';
    ctx.beginPath();
    ctx.moveTo(0, y + LANE_HEIGHT - 0.5);
    ctx.lineTo(width, y + LANE_HEIGHT - 0.5);
    ctx.stroke();
  });
  return drawn;
}

function arrowHead(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 9;
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(angle - 0.4), y2 - size * Math.sin(angle - 0.4));
  ctx.lineTo(x2 - size * Math.cos(angle + 0.4), y2 - size * Math.sin(angle + 0.4));
  ctx.closePath();
  ctx.fill();
}

/** The item at (px, py): arrows within 4 px first (they lie on top), then the innermost bar. */
export function hitTest(items: readonly DrawnItem[], px: number, py: number): DrawnItem | null {
  let best: DrawnItem | null = null;
  let bestDistance = 4;
  for (const item of items) {
    if (item.kind !== 'message') continue;
    const d = segmentDistance(px, py, item.x1, item.y1, item.x2, item.y2);
    if (d > bestDistance) continue;
    best = item;
    bestDistance = d;
  }
  if (best) return best;
  // Calls are drawn after (inside) phases: the last hit is the innermost.
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === 'span' && px >= item.x - 1 && px <= item.x + item.w + 1 && py >= item.y && py <= item.y + item.h) return item;
  }
  return null;
}

function segmentDistance(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length = dx * dx + dy * dy;
  const k = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / length));
  return Math.hypot(px - (x1 + k * dx), py - (y1 + k * dy));
}
