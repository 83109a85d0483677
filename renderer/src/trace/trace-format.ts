/**
 * How the trace explorer writes a record: its table cells (time, Δ, from → to, type, size) and
 * its payload as JSON, text and a hex + ASCII dump. Pure and DOM-free (unit-tested).
 */
import { eventGist } from '../../../agents/trace/event-gist';
import type { TraceRecord } from '../../../agents/trace/record';
import type { SynadiaRowType } from '../../../agents/trace/synadia-rows';
import { formatBytes } from '../lib/format';

/** Wall-clock time of day, UTC, to the millisecond: `12:04:05.123`. */
export const formatClock = (iso: string): string => iso.slice(11, 23);

/** Time since the run started: `4.012 s`, `2:05.300`, `1:02:05.300`. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.abs(ms) / 1000;
  if (total < 60) return `${sign}${total.toFixed(3)} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = (total % 60).toFixed(3).padStart(6, '0');
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${s}` : `${sign}${m}:${s}`;
}

/** A duration: `0.42 ms`, `12.3 ms`, `1.204 s`, `1:01.000`; empty when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)} s`;
  return formatOffset(ms);
}

/** Time since the previous row: `+0.42 ms`, `+12.3 ms`, `+1.204 s`; empty without a previous row. */
export const formatDelta = (ms: number | null): string => (ms === null ? '' : `+${formatDuration(ms)}`);

/** A row status as the table writes it (`ok` stays quiet). */
export function statusLabel(status: string): string {
  return status === 'ok' ? '' : status.replace('_', ' ');
}

/** Ms from the row before (in the filtered order) to each row; null for the first row. */
export function deltas(rows: readonly TraceRecord[]): (number | null)[] {
  return rows.map((r, i) => (i === 0 ? null : Math.max(0, r.mono - rows[i - 1]!.mono)));
}

/** The table cells of one record that do not depend on its neighbours. */
export interface RowCells {
  /** `from → to` of an AgentMessage, the agent of an event; empty for other payloads. */
  fromTo: string;
  subject: string;
  /** The message type or event name; null for a message that is not an AgentMessage. */
  type: string | null;
  /** The payload's whole size; empty for events (they are not on the wire). */
  size: string;
}

/** How the table and the detail word the Synadia Agent Protocol's messages (row-facts types `synadia.*`). */
const SYNADIA_LABEL: Record<SynadiaRowType, string> = {
  'synadia.prompt': 'Synadia prompt',
  'synadia.response': 'response chunk',
  'synadia.ack': 'ack',
  'synadia.status': 'status chunk',
  'synadia.query': 'question back',
  'synadia.chunk': 'chunk',
  'synadia.error': 'error',
  'synadia.end': 'end of stream',
  'synadia.heartbeat': 'Synadia heartbeat',
  'synadia.status_request': 'Synadia status request',
};

/** The words for a Synadia row type, or null for any other type. */
export const synadiaLabel = (type: string | null | undefined): string | null => (type && Object.hasOwn(SYNADIA_LABEL, type) ? SYNADIA_LABEL[type as SynadiaRowType] : null);

/** True for the recorder's gap events (bus.disconnected, bus.reconnected): the table marks those rows. */
export const isGapEvent = (record: TraceRecord): boolean => record.kind === 'event' && (record.name === 'bus.disconnected' || record.name === 'bus.reconnected');

/** What a gap event says where a message shows its subject, the gist first (the column is narrow): where the trace stops and starts again. */
export function gapText(record: TraceRecord): string {
  if (record.kind !== 'event') return '';
  if (record.name === 'bus.disconnected') return `gap: bus lost (${record.payload.reason}), ${record.payload.server}: not recorded from here`;
  if (record.name === 'bus.reconnected') return `gap: ${formatDuration(record.payload.gapMs)} not recorded, back on ${record.payload.server}`;
  return '';
}

/** The cells of a record's row. */
export function rowCells(record: TraceRecord): RowCells {
  if (record.kind === 'event') return { fromTo: record.agent, subject: isGapEvent(record) ? gapText(record) : (eventGist(record) ?? ''), type: record.name, size: '' };
  const size = formatBytes(record.size);
  if (!record.parsed.ok) return { fromTo: '', subject: record.subject, type: null, size };
  const m = record.parsed.message;
  return { fromTo: m.to_agent && m.to_agent !== m.from_agent ? `${m.from_agent} → ${m.to_agent}` : m.from_agent, subject: record.subject, type: m.message_type, size };
}

/** The payload's bytes as stored: UTF-8 text, decoded base64, or an event's JSON. */
export function payloadBytes(record: TraceRecord): Uint8Array {
  if (record.kind === 'event') return new TextEncoder().encode(JSON.stringify(record.payload));
  if (record.encoding === 'utf8') return new TextEncoder().encode(record.payload);
  return Uint8Array.from(atob(record.payload), (c) => c.charCodeAt(0));
}

/** The payload as text: a message's text (or a note for binary), an event's JSON, indented. */
export function payloadText(record: TraceRecord): string {
  if (record.kind === 'event') return JSON.stringify(record.payload, null, 2);
  return record.encoding === 'utf8' ? record.payload : `(binary payload, ${record.size} bytes: see Hex)`;
}

/** The payload as JSON, or why it is not. */
export function payloadJson(record: TraceRecord): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (record.kind === 'event') return { ok: true, value: record.payload };
  if (record.encoding !== 'utf8') return { ok: false, reason: 'a binary payload, not text' };
  if (record.payload.trim() === '') return { ok: false, reason: 'an empty payload' };
  try {
    return { ok: true, value: JSON.parse(record.payload) as unknown };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: record.truncated ? `cut at ${record.payload.length} of ${record.size} bytes, so not whole JSON` : `not JSON (${why})` };
  }
}

/** One line of a hex dump: offset, `perLine` bytes in hex (a gap after each 8), and their printable ASCII. */
export interface HexLine {
  offset: string;
  hex: string;
  ascii: string;
}

/** A hex + ASCII dump of at most `limit` bytes, 16 or 8 a line (`omitted` says how many more there were). */
export function hexDump(bytes: Uint8Array, limit = 16 * 256, perLine: 8 | 16 = 16): { lines: HexLine[]; omitted: number } {
  const shown = bytes.subarray(0, limit);
  const lines: HexLine[] = [];
  for (let at = 0; at < shown.length; at += perLine) {
    const chunk = shown.subarray(at, at + perLine);
    const hex = [...chunk].map((b, i) => (i > 0 && i % 8 === 0 ? ' ' : '') + b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push({ offset: at.toString(16).padStart(8, '0'), hex, ascii });
  }
  return { lines, omitted: bytes.length - shown.length };
}
