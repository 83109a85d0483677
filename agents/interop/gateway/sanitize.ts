/**
 * Inbound sanitizing (seed 004, part 2: "Sanitize inbound response"): what comes back from an
 * external protocol is checked before any agent sees it: the adapter's result shape, a size limit
 * (`spec.protocolGateway.maxResponseBytes`), and control characters removed (\n and \t stay;
 * terminal escape sequences, bidirectional overrides and invisible characters go too, so a peer
 * cannot repaint a terminal, reorder what a reader sees, or hide from them text a model reads).
 * A violation is an error naming the peer and the rule.
 */
import { z } from 'zod';
import type { AdapterResult } from './types.js';

/** The default `maxResponseBytes` (the schema's default). */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Why an inbound payload was refused: the peer, and which rule (`size`, `schema`). */
export class SanitizeError extends Error {
  constructor(
    readonly peer: string,
    readonly rule: 'size' | 'schema',
    message: string,
  ) {
    super(message);
    this.name = 'SanitizeError';
  }
}

// ANSI/VT escape sequences (CSI … final byte; OSC … BEL/ST), then single C0/C1 controls but \t and
// \n, then the bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069). \r\n becomes \n first.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

// Invisible characters that carry text a reader cannot see: zero-width space, word joiner and the
// invisible operators, a byte-order mark inside text, and Unicode tag characters ("ASCII smuggling":
// instructions a model reads and a person does not). A real emoji tag sequence (🏴, 1-7 tag letters
// or digits, the cancel tag: the flags of Scotland, Wales, England) is kept whole; nothing else of
// the tag block is. Forward-only, so a long run of tags costs linear time. Joiners (ZWJ/ZWNJ, emoji
// and scripts need them) and the directional marks LRM/RLM stay.
const INVISIBLE = /(\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,7}\u{E007F})|[\u200b\u2060-\u2064\ufeff\u{E0000}-\u{E007F}]/gu;

/** `text` without control and invisible characters (\n and \t kept; \r\n read as \n); `removed`: how many characters went. */
export function stripControlChars(text: string): { text: string; removed: number } {
  let removed = 0;
  const drop = (match: string): string => {
    removed += match === '\r\n' ? 0 : [...match].length;
    return match === '\r\n' ? '\n' : '';
  };
  const out = text
    .replace(/\r\n/g, drop)
    .replace(ESCAPES, drop)
    .replace(CONTROLS, drop)
    .replace(INVISIBLE, (match: string, flag: string | undefined) => flag ?? drop(match));
  return { text: out, removed };
}

/** Every string of a JSON value cleaned of control characters (keys too). */
function cleanDeep(value: unknown, count: { removed: number }, depth = 0): unknown {
  if (typeof value === 'string') {
    const r = stripControlChars(value);
    count.removed += r.removed;
    return r.text;
  }
  if (value === null || typeof value !== 'object' || depth > 512) return value;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v, count, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanDeep(k, count, depth + 1) as string, cleanDeep(v, count, depth + 1)]));
}

/** A caller's message to a served agent: its text, and its structured data when it sent some. */
export interface InboundPayload {
  text: string;
  data?: unknown;
}

/** Sanitizes one inbound message (an A2A caller's, to a served agent): size (text and data together), then control characters out of every string. */
export function sanitizeInboundPayload(payload: InboundPayload, options: { peer: string; maxBytes?: number; what?: string }): InboundPayload & { removed: number } {
  const max = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const bytes = Buffer.byteLength(payload.text, 'utf8') + (payload.data === undefined ? 0 : Buffer.byteLength(JSON.stringify(payload.data) ?? '', 'utf8'));
  if (bytes > max) throw sizeError(options.peer, options.what ?? 'message', bytes, max);
  const { text, removed } = stripControlChars(payload.text);
  if (payload.data === undefined) return { text, removed };
  const count = { removed };
  const data = cleanDeep(payload.data, count);
  return { text, data, removed: count.removed };
}

function sizeError(peer: string, what: string, bytes: number, max: number): SanitizeError {
  return new SanitizeError(peer, 'size', `${peer}'s ${what} was refused: ${bytes} bytes is more than the limit of ${max} (spec.protocolGateway.maxResponseBytes).`);
}

/** The shape every adapter must return (a peer's answer decoded by the adapter). */
export const AdapterResultSchema = z.object({
  text: z.string(),
  state: z.string().min(1),
  data: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** A sanitized answer, with the bytes received and the control characters removed. */
export interface SanitizedResult {
  result: AdapterResult;
  bytes: number;
  removed: number;
}

/** Checks an adapter's result: schema, then size (text and data together), then control characters out of every string. */
export function sanitizeAdapterResult(raw: unknown, options: { peer: string; maxBytes?: number }): SanitizedResult {
  const parsed = AdapterResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the answer';
    throw new SanitizeError(options.peer, 'schema', `${options.peer}'s answer was refused: it is not the expected shape (${where}: ${issue?.message ?? 'invalid'}).`);
  }
  const max = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const { text, state, data, metadata } = parsed.data;
  let dataJson = '';
  if (data !== undefined) {
    try {
      dataJson = JSON.stringify(data) ?? '';
    } catch {
      throw new SanitizeError(options.peer, 'schema', `${options.peer}'s answer was refused: its data is not JSON.`);
    }
  }
  const bytes = Buffer.byteLength(text, 'utf8') + Buffer.byteLength(dataJson, 'utf8');
  if (bytes > max) throw sizeError(options.peer, 'answer', bytes, max);
  const count = { removed: 0 };
  const clean: AdapterResult = { text: cleanDeep(text, count) as string, state: cleanDeep(state, count) as string };
  if (dataJson !== '') clean.data = cleanDeep(JSON.parse(dataJson), count); // the JSON round trip drops what JSON cannot carry
  if (metadata !== undefined) clean.metadata = cleanDeep(metadata, count) as Record<string, unknown>;
  return { result: clean, bytes, removed: count.removed };
}
