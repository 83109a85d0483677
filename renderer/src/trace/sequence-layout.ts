/**
 * The sequence view's geometry: one lane per agent (the workbench first), one row per record in
 * the table's order, which rows are on screen, each row's shape (an arrow from sender to receiver,
 * a broadcast, a note for an LLM or tool call, an OODA phase) and the activation bars the phases
 * draw on their lanes. Pure and DOM-free (unit-tested); sequence-svg.tsx draws what it computes.
 */
import { RECORDER_AGENT } from '../../../agents/protocol/runtime-events';
import type { TraceRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';
import { formatDuration, gapText } from './trace-format';
import { ROW_HEIGHT } from './trace-viewport';

/** The workbench's own sender name (the Send box, republish): always the first lane. */
export const WORKBENCH_AGENT = 'switchboard_app';
/** The narrowest a lane gets; more lanes than fit scroll sideways. */
export const LANE_MIN_WIDTH = 150;
/** The left gutter (seq and time of each row). */
export const GUTTER = 104;

/** One record as the sequence view draws it: the record and the host's facts about it (the trace store's rows are these). */
export interface SequenceRow {
  record: TraceRecord;
  facts?: RowFacts | null | undefined;
}

/** A lane: an agent's life line. `external` when the topology shown does not declare it. */
export interface Lane {
  name: string;
  x: number;
  external: boolean;
}

/** Lanes across the view, and how wide the drawing is. */
export interface LaneLayout {
  lanes: Lane[];
  laneWidth: number;
  width: number;
  byName: ReadonlyMap<string, Lane>;
}

/**
 * The lane names in order: the workbench, then the declared agents in their order, then any other
 * agent (from outside) by name. `names` are every agent the run's counts list.
 */
export function laneNames(names: Iterable<string>, declared: readonly string[] = []): string[] {
  const seen = new Set(names);
  seen.delete(RECORDER_AGENT); // the recorder's gap rows span every lane: it gets none of its own
  const rest = [...seen].filter((n) => n !== WORKBENCH_AGENT && !declared.includes(n)).sort((a, b) => a.localeCompare(b));
  return [...(seen.has(WORKBENCH_AGENT) ? [WORKBENCH_AGENT] : []), ...declared.filter((n) => n !== WORKBENCH_AGENT && seen.has(n)), ...rest];
}

/** Adds, after `names`, the agents `rows` name that it lacks (an agent first seen in a later page). */
export function withRowAgents(names: readonly string[], rows: Iterable<SequenceRow | undefined>): string[] {
  const out = [...names];
  const known = new Set(names);
  const add = (name: string | null | undefined) => {
    if (name && !known.has(name)) {
      known.add(name);
      out.push(name);
    }
  };
  for (const row of rows) {
    if (!row) continue;
    const ends = rowEnds(row);
    add(ends.from);
    add(ends.to);
  }
  return out;
}

/** Places `names` across `width` px (each lane at least LANE_MIN_WIDTH wide); `declared` agents are not external. */
export function layoutLanes(names: readonly string[], width: number, declared: readonly string[] | null = null): LaneLayout {
  const laneWidth = Math.max(LANE_MIN_WIDTH, Math.floor((width - GUTTER) / Math.max(1, names.length)));
  const lanes = names.map((name, i) => ({ name, x: GUTTER + laneWidth * i + laneWidth / 2, external: declared !== null && name !== WORKBENCH_AGENT && !declared.includes(name) }));
  return { lanes, laneWidth, width: GUTTER + laneWidth * names.length, byName: new Map(lanes.map((l) => [l.name, l])) };
}

/** How a message arrow is drawn. */
export type ArrowStyle = 'request' | 'reply' | 'failed' | 'direct' | 'handoff' | 'other';

/** What one row draws. */
export type RowShape =
  | { kind: 'arrow'; from: string; to: string; style: ArrowStyle; dashed: boolean; label: string; latency: string | null; subject: string }
  | { kind: 'broadcast'; from: string; label: string; subject: string }
  | { kind: 'note'; agent: string; tone: 'llm' | 'tool' | 'error'; text: string }
  | { kind: 'phase'; agent: string; phase: string; durationMs: number; text: string }
  | { kind: 'mark'; agent: string; text: string }
  | { kind: 'loose'; text: string };

/** Sender and receiver of a row (the facts' first, then the AgentMessage's). */
function rowEnds(row: SequenceRow): { from: string | null; to: string | null } {
  const { record, facts } = row;
  if (record.kind === 'event') return { from: record.agent === RECORDER_AGENT ? null : record.agent, to: null };
  const message = record.parsed.ok ? record.parsed.message : null;
  return { from: facts?.from ?? message?.from_agent ?? null, to: facts?.to ?? message?.to_agent ?? null };
}

const BROADCAST_TYPES = new Set(['broadcast', 'announcement', 'heartbeat']);

/** One line of text from a payload, clipped to `max` characters. */
export function clip(text: string, max = 48): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** What `row` draws. */
export function rowShape(row: SequenceRow): RowShape {
  const { record, facts } = row;
  if (record.kind === 'event') return eventShape(record, facts);
  const { from, to } = rowEnds(row);
  const message = record.parsed.ok ? record.parsed.message : null;
  const type = message?.message_type ?? null;
  const subject = record.subject;
  const text = message ? message.content || `(${type})` : record.encoding === 'utf8' && record.payload ? record.payload : `(${record.size} bytes)`;
  if (type !== null && BROADCAST_TYPES.has(type) && from) return { kind: 'broadcast', from, label: clip(`${type}: ${text}`), subject };
  if (!from || !to) return { kind: 'loose', text: clip(`${subject}  ${text}`, 90) };
  const isReply = facts?.requestSeq != null || type === 'response';
  const failed = facts != null && facts.status !== 'ok' && facts.status !== 'pending';
  const style: ArrowStyle = isReply ? (failed ? 'failed' : 'reply') : type === 'request' ? 'request' : type === 'handoff' ? 'handoff' : type === 'direct' ? 'direct' : 'other';
  const latency = isReply && facts?.latencyMs != null ? formatDuration(facts.latencyMs) : null;
  return { kind: 'arrow', from, to, style, dashed: isReply, label: clip(style === 'handoff' ? `handoff: ${text}` : text), latency, subject };
}

/** An event's shape: a phase, an LLM or tool note, a failure note, or a small mark. */
function eventShape(record: Extract<TraceRecord, { kind: 'event' }>, facts: RowFacts | null | undefined): RowShape {
  const agent = record.agent;
  switch (record.name) {
    case 'bus.disconnected':
    case 'bus.reconnected':
      return { kind: 'loose', text: gapText(record) }; // across every lane: the whole bus went unrecorded
    case 'ooda.phase':
      return { kind: 'phase', agent, phase: record.payload.phase, durationMs: record.payload.durationMs, text: `${record.payload.phase} · ${formatDuration(record.payload.durationMs)}` };
    case 'llm.call': {
      const p = record.payload;
      const tokens = p.response?.usage ? ` · ${p.response.usage.inputTokens + p.response.usage.outputTokens} tok` : '';
      return { kind: 'note', agent, tone: p.error ? 'error' : 'llm', text: clip(`LLM ${p.model} · ${formatDuration(p.latencyMs)}${tokens}${p.error ? ` · ${p.error}` : ''}`, 60) };
    }
    case 'tool.invoked':
      return { kind: 'note', agent, tone: 'tool', text: clip(`tool ${record.payload.tool}(${Object.keys(record.payload.arguments).join(', ')})`, 60) };
    case 'tool.result': {
      const p = record.payload;
      return { kind: 'note', agent, tone: p.isError ? 'error' : 'tool', text: clip(`tool ${p.tool} → ${p.result} · ${formatDuration(p.durationMs)}`, 60) };
    }
    default:
      if (facts && facts.status !== 'ok') return { kind: 'note', agent, tone: 'error', text: clip(`${record.name}${facts.error ? `: ${facts.error}` : ''}`, 60) };
      return { kind: 'mark', agent, text: record.name };
  }
}

/** An arrow's drawing between two lanes on one row: the line, its head and where its label goes. */
export interface ArrowGeometry {
  /** SVG path of the line (a loop when sender and receiver are one lane). */
  path: string;
  /** The arrowhead's three points. */
  head: string;
  labelX: number;
  labelY: number;
  anchor: 'start' | 'middle';
}

/** The arrow from x1 to x2 on the row whose top is `top`; a self-message loops out to the right. */
export function arrowGeometry(x1: number, x2: number, top: number, rowHeight = ROW_HEIGHT): ArrowGeometry {
  const y = top + rowHeight - 6;
  if (x1 === x2) {
    const loop = 28;
    const y0 = top + 6;
    return { path: `M${x1},${y0} H${x1 + loop} V${y} H${x1 + 6}`, head: `${x1},${y} ${x1 + 7},${y - 4} ${x1 + 7},${y + 4}`, labelX: x1 + loop + 6, labelY: top + rowHeight / 2 + 4, anchor: 'start' };
  }
  const dir = x2 > x1 ? 1 : -1;
  const end = x2 - dir; // the head's tip touches the lane
  const back = end - dir * 8;
  return { path: `M${x1},${y} H${back}`, head: `${end},${y} ${back},${y - 4} ${back},${y + 4}`, labelX: (x1 + x2) / 2, labelY: y - 4, anchor: 'middle' };
}

/** An OODA phase's activation bar: from the first row that fell within the phase to the phase's own row. */
export interface ActivationBar {
  agent: string;
  phase: string;
  /** Row indexes, both inclusive. */
  fromRow: number;
  toRow: number;
}

/**
 * The activation bars of the rows `rows` (row `start + i` is `rows[i]`; undefined when not
 * loaded). A phase event is written when the phase ends: its bar reaches back over the rows whose
 * time falls within its duration, up to the first row not loaded.
 */
export function activationBars(rows: readonly (SequenceRow | undefined)[], start = 0): ActivationBar[] {
  const bars: ActivationBar[] = [];
  rows.forEach((row, i) => {
    if (!row || row.record.kind !== 'event' || row.record.name !== 'ooda.phase') return;
    const began = row.record.mono - row.record.payload.durationMs;
    let j = i;
    while (j > 0 && rows[j - 1] && rows[j - 1]!.record.mono >= began) j--;
    bars.push({ agent: row.record.agent, phase: row.record.payload.phase, fromRow: start + j, toRow: start + i });
  });
  return bars;
}

