/**
 * Record lines as the store keeps them: a bus message or a runtime event serialized by hand in
 * schema key order (the same bytes `JSON.stringify` of the zod-parsed record gives). Used by the
 * recorder as it decodes its journal and by a store replaying a journal after a crash, so both
 * produce identical lines from identical input.
 */
import { isUtf8 } from 'node:buffer';
import { decodeAgentMessage, nestingRefusal } from '../../../agents/protocol/codec.js';
import { MessageTypeSchema, type AgentMessage } from '../../../agents/protocol/agent-message.js';
import { failedReply } from '../../../agents/trace/message-facts.js';
import { decodeSeed002Value, looksLikeSeed002 } from '../../../agents/protocol/seed-002-envelope.js';
import { factsOf, type FlagFacts } from '../../../agents/trace/record-flags.js';
import { synadiaPromptAgents, synadiaSubjectType } from '../../../agents/trace/synadia-rows.js';

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });
const MESSAGE_TYPES = new Set<string>(MessageTypeSchema.options);
const NOT_TEXT = parsedReason('not an AgentMessage: the payload is not UTF-8 text');
const NOT_OBJECT = parsedReason('not an AgentMessage: the payload is not a JSON object');
const EMPTY = parsedReason('not an AgentMessage: the payload is empty');

/** A message line with what the store indexes it by. */
export interface MessageLine {
  line: string;
  from: string | null;
  to: string | null;
  type: string | null;
  /** The AgentMessage's `message_id`, when it is one: how the recorder knows it from a runtime event (causal-order.ts). */
  id: string | null;
  /** What classifying the record needs (record-flags.ts). */
  facts: FlagFacts;
}

/** Formats records; ISO times are computed once per millisecond (bursts share them). */
export class RecordFormatter {
  private lastMs = Number.NaN;
  private lastIso = '';

  constructor(private readonly payloadLimit: number) {}

  /** The line of one bus message; `headers` is the raw NATS header block (HMSG) or null (MSG). */
  message(seq: number, ms: number, mono: number, subject: string, reply: string | null, headers: Uint8Array | null, data: Uint8Array): MessageLine {
    const size = data.length;
    const text = size === 0 ? '' : isUtf8(data) ? UTF8.decode(data) : null;
    let payload: string;
    let truncated = false;
    if (text === null) {
      truncated = size > this.payloadLimit;
      payload = Buffer.from(data.buffer, data.byteOffset, truncated ? this.payloadLimit : size).toString('base64');
    } else if (size > this.payloadLimit) {
      truncated = true;
      payload = UTF8.decode(data.subarray(0, utf8Cut(data, this.payloadLimit)));
    } else payload = text;
    const parsed = text === null ? { json: NOT_TEXT, message: null } : parsePayload(text);
    const headerMap = headers ? headersOf(headers) : null;
    const encoding = text === null ? 'base64' : 'utf8';
    const line =
      `{"seq":${seq},"time":"${this.isoOf(ms)}","mono":${mono},"kind":"message","subject":${JSON.stringify(subject)},` +
      `"reply":${reply === null ? 'null' : JSON.stringify(reply)},"headers":${headerMap ? JSON.stringify(headerMap) : 'null'},"size":${size},` +
      `"payload":${JSON.stringify(payload)},"encoding":"${encoding}","truncated":${truncated},"parsed":${parsed.json}}`;
    const m = parsed.message;
    // Headers (a status) or a payload that may be a failed TaskResponse: classified from the record itself, as on import.
    const facts: FlagFacts =
      headerMap || (m === null && encoding === 'utf8' && payload.includes('"failed"'))
        ? factsOf({ seq, time: this.lastIso, mono, kind: 'message', subject, reply, headers: headerMap, size, payload, encoding, truncated, parsed: m ? { ok: true, message: m } : { ok: false, reason: '' } })
        : { mono, reply, status: null, truncated, agentMessage: m !== null, failed: m !== null && failedReply(m) !== null };
    if (!m) {
      // Not an AgentMessage: a Synadia protocol prompt, heartbeat or status request is indexed by its subject (record.ts agentsOf, query.ts typeOf).
      const type = synadiaSubjectType(subject);
      const agents = type === 'synadia.prompt' ? synadiaPromptAgents(subject, reply) : [];
      return { line, from: agents[0] ?? null, to: agents[1] ?? null, type, id: null, facts };
    }
    return { line, from: m.from_agent, to: m.to_agent && m.to_agent !== m.from_agent ? m.to_agent : null, type: m.message_type, id: m.message_id, facts };
  }

  /** The line of one runtime event; `nameJson`, `agentJson` and `payloadJson` are already JSON. */
  event(seq: number, ms: number, mono: number, nameJson: string, agentJson: string, payloadJson: string): string {
    return `{"seq":${seq},"time":"${this.isoOf(ms)}","mono":${mono},"kind":"event","name":${nameJson},"agent":${agentJson},"payload":${payloadJson}}`;
  }

  /** A line of `message` or `event` with another seq, time and mono (the rest of it as it was). */
  restamp(line: string, seq: number, ms: number, mono: number): string {
    return `{"seq":${seq},"time":"${this.isoOf(ms)}","mono":${mono}${line.slice(line.indexOf(',"kind":"'))}`;
  }

  private isoOf(ms: number): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}

/** A parsed payload as its record JSON, with the message when it is one. */
export interface ParsedJson {
  json: string;
  message: AgentMessage | null;
}

/**
 * What a payload is as an AgentMessage, as `{"ok":…}` JSON. Agrees with decodeAgentMessage on
 * every JSON object but seed 002's envelope, which is read as the AgentMessage it stands for
 * (a hand-written check for the common case, zod for the rest); other text is described without parsing.
 */
export function parsePayload(text: string): ParsedJson {
  let k = 0;
  for (let c = text.charCodeAt(0); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++k));
  if (k === text.length) return { json: EMPTY, message: null };
  if (text.charCodeAt(k) !== 0x7b) return { json: NOT_OBJECT, message: null };
  const refusal = nestingRefusal(text); // as decodeAgentMessage: deep nesting costs JSON.parse seconds
  if (refusal) return { json: parsedReason(refusal), message: null };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined; // decodeAgentMessage says why, below
  }
  const fast = raw === undefined ? null : agentMessageOf(raw);
  if (fast) return { json: `{"ok":true,"message":${JSON.stringify(fast)}}`, message: fast };
  // Seed 002's envelope is read as the AgentMessage it stands for (its type, correlation, failure); checked only when it is not one.
  if (looksLikeSeed002(raw)) {
    const seed002 = decodeSeed002Value(raw);
    return seed002.ok ? { json: `{"ok":true,"message":${JSON.stringify(seed002.value)}}`, message: seed002.value } : { json: parsedReason(seed002.reason), message: null };
  }
  const decoded = decodeAgentMessage(text);
  if (decoded.ok) return { json: `{"ok":true,"message":${JSON.stringify(decoded.value)}}`, message: decoded.value };
  return { json: parsedReason(decoded.reason), message: null };
}

/**
 * The AgentMessage zod would produce from `raw` (defaults applied, unknown keys dropped, keys in
 * schema order), or null when it is not plainly one: then zod decides and says why.
 */
function agentMessageOf(raw: unknown): AgentMessage | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const { message_type, from_agent, to_agent, content, timestamp, message_id } = r;
  if (typeof message_type !== 'string' || !MESSAGE_TYPES.has(message_type)) return null;
  if (typeof from_agent !== 'string' || from_agent.length === 0) return null;
  if (to_agent !== null && typeof to_agent !== 'string') return null;
  if (typeof content !== 'string' || typeof timestamp !== 'string') return null;
  if (typeof message_id !== 'string' || message_id.length === 0) return null;
  let metadata = r['metadata'];
  if (metadata === undefined) metadata = {};
  else if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || Object.hasOwn(metadata, '__proto__')) return null;
  let in_reply_to = r['in_reply_to'];
  if (in_reply_to === undefined) in_reply_to = null;
  else if (in_reply_to !== null && typeof in_reply_to !== 'string') return null;
  let priority = r['priority'];
  if (priority === undefined) priority = 2;
  else if (typeof priority !== 'number' || !Number.isSafeInteger(priority) || priority < 0 || priority > 10) return null;
  return {
    message_type: message_type as AgentMessage['message_type'],
    from_agent,
    to_agent,
    content,
    metadata: metadata as Record<string, unknown>,
    timestamp,
    message_id,
    in_reply_to: in_reply_to as string | null,
    priority: priority as number,
  };
}

function parsedReason(reason: string): string {
  return `{"ok":false,"reason":${JSON.stringify(reason)}}`;
}

/** Where to cut valid UTF-8 at most `limit` bytes long without splitting a character. */
function utf8Cut(data: Uint8Array, limit: number): number {
  let cut = limit;
  while (cut > 0 && (data[cut]! & 0xc0) === 0x80) cut--; // a continuation byte: the character began earlier
  return cut;
}

/**
 * A NATS header block (`NATS/1.0[ code[ description]]` then `Key: value` lines) as a record's headers,
 * read as nats.js reads it: keys as sent, values trimmed, repeated keys collected in order, and a
 * status line (e.g. 503 no responders) as `Status`/`Description`, as nats.go does.
 */
function headersOf(block: Uint8Array): Record<string, string[]> {
  const lines = UTF8.decode(block).split('\r\n');
  const out = Object.create(null) as Record<string, string[]>; // a key may be "__proto__"
  const status = (lines[0] ?? '').replace(/^NATS\/1\.0/, '').trim();
  if (status) {
    const code = Number.parseInt(status, 10);
    if (code > 0) {
      out['Status'] = [String(code)];
      const description = status.slice(String(code).length).trim();
      if (description) out['Description'] = [description];
    }
  }
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    (Object.hasOwn(out, key) ? out[key]! : (out[key] = [])).push(line.slice(colon + 1).trim());
  }
  return out;
}

/** An event payload as JSON; something JSON cannot hold is described rather than thrown. */
export function eventJson(payload: unknown): string {
  try {
    return JSON.stringify(payload) ?? 'null';
  } catch (error) {
    return JSON.stringify({ unserializable: error instanceof Error ? error.message : String(error) });
  }
}
