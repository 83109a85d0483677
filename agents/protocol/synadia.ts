/**
 * The Synadia Agent Protocol for NATS, as data: subjects, the prompt envelope, response chunks,
 * the stream terminator, errors and the heartbeat. Written from the protocol's specification and
 * its TypeScript SDKs (synadia-ai/synadia-agents); where they differ the SDKs win, because they
 * are what agents in the field run: protocol 0.3, service name `agents`, verb-first subjects
 * `agents.{verb}.{agent}.{owner}.{name}` (verbs `prompt`, `hb`, `status`). Isomorphic: the runtime
 * speaks it (agents/interop/synadia/) and the trace labels it.
 */
import { z } from 'zod';
import { decodeJson, nestingRefusal, type Decoded } from './codec.js';

/** The micro service name every compliant agent registers under (SDK 0.3). */
export const SYNADIA_SERVICE_NAME = 'agents';
/** Names agents of the protocol's earlier drafts registered under (spec 0.1: "Synadia Agents"). */
export const SYNADIA_LEGACY_SERVICE_NAMES: readonly string[] = ['Synadia Agents', 'SynadiaAgents'];
/** The protocol version Switchboard speaks (MAJOR.MINOR, `metadata.protocol_version`). */
export const SYNADIA_PROTOCOL_VERSION = '0.3';
/** The queue group of the `prompt` and `status` endpoints (fixed by the SDKs, so instances share load). */
export const SYNADIA_QUEUE_GROUP = 'agents';
/** Every heartbeat beacon (`agents.hb.{agent}.{owner}.{name}`). */
export const SYNADIA_HEARTBEAT_WILDCARD = 'agents.hb.*.*.*';
/** The SDKs' default heartbeat cadence, seconds; offline after three missed. */
export const SYNADIA_DEFAULT_HEARTBEAT_S = 30;
/** The SDKs' default inactivity timeout of a response stream (no chunk for this long: failed). */
export const SYNADIA_STREAM_INACTIVITY_MS = 60_000;
/** Error headers of a micro service error response. */
export const SYNADIA_ERROR_CODE_HEADER = 'Nats-Service-Error-Code';
export const SYNADIA_ERROR_HEADER = 'Nats-Service-Error';

/** True for a service name that marks a protocol agent (current or earlier drafts). */
export const isSynadiaServiceName = (name: string): boolean => name === SYNADIA_SERVICE_NAME || SYNADIA_LEGACY_SERVICE_NAMES.includes(name);

/** Who an agent of the protocol is: harness (`agent`, the subject token), owner, instance name. */
export interface SynadiaIdentity {
  agent: string;
  owner: string;
  name: string;
}

/** A subject verb of the protocol. */
export type SynadiaVerb = 'prompt' | 'hb' | 'status' | 'attachments';
const VERBS: readonly string[] = ['prompt', 'hb', 'status', 'attachments'];

/** The SDKs' default subjects of an identity (callers still take the prompt subject from `$SRV.INFO`). */
export function synadiaSubjects(id: SynadiaIdentity): { prompt: string; heartbeat: string; status: string } {
  const tail = `${id.agent}.${id.owner}.${id.name}`;
  return { prompt: `agents.prompt.${tail}`, heartbeat: `agents.hb.${tail}`, status: `agents.status.${tail}` };
}

/** The verb and identity of a protocol subject (`agents.{verb}.{agent}.{owner}.{name}`), or null. */
export function parseSynadiaSubject(subject: string): { verb: SynadiaVerb; identity: SynadiaIdentity } | null {
  const t = subject.split('.');
  if (t.length !== 5 || t[0] !== 'agents' || !VERBS.includes(t[1]!) || t.slice(2).some((x) => x.length === 0)) return null;
  return { verb: t[1] as SynadiaVerb, identity: { agent: t[2]!, owner: t[3]!, name: t[4]! } };
}

/** One attachment of a prompt or a response (standard padded base64, no MIME type). */
export const SynadiaAttachmentSchema = z.looseObject({ filename: z.string().min(1), content: z.string() });
export type SynadiaAttachment = z.infer<typeof SynadiaAttachmentSchema>;

/** A prompt request as JSON; unknown fields are kept (the spec: tolerate and preserve them). */
export const SynadiaEnvelopeSchema = z.looseObject({
  prompt: z.string().min(1, 'the prompt must not be empty'),
  attachments: z.array(SynadiaAttachmentSchema).optional(),
});
export type SynadiaEnvelope = z.infer<typeof SynadiaEnvelopeSchema>;

/**
 * Reads a prompt payload (§5.3): after leading whitespace a `{` means a JSON envelope, anything
 * else is the prompt as plain text. Empty payloads, invalid JSON and envelopes without a prompt
 * are refused (the agent answers 400).
 */
export function decodeSynadiaPrompt(text: string): Decoded<SynadiaEnvelope> {
  if (text.length === 0) return { ok: false, reason: 'the request is empty' };
  if (startsWithBrace(text)) {
    const decoded = decodeJson(SynadiaEnvelopeSchema, text);
    return decoded.ok ? decoded : { ok: false, reason: `not a prompt envelope: ${decoded.reason}` };
  }
  return { ok: true, value: { prompt: text } };
}

/** True when the first byte after ASCII whitespace (tab, LF, CR, space: §5.3, as the SDKs skip) is `{`. */
function startsWithBrace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x20) return c === 0x7b;
  }
  return false;
}

/** A prompt's wire text: plain text when it is only a prompt that cannot be mistaken for JSON. */
export function encodeSynadiaPrompt(envelope: SynadiaEnvelope | string): string {
  const value = typeof envelope === 'string' ? { prompt: envelope } : envelope;
  const plain = Object.keys(value).length === 1 && !startsWithBrace(value.prompt);
  return plain ? value.prompt : JSON.stringify(value);
}

/** One chunk of a response stream, decoded. Unknown types are kept as `other` (callers skip them). */
export type SynadiaChunk =
  | { type: 'response'; text: string; attachments?: SynadiaAttachment[] }
  | { type: 'status'; status: string }
  | { type: 'query'; id: string; replySubject: string; prompt: string }
  | { type: 'other'; name: string };

const ChunkWireSchema = z.looseObject({ type: z.string().min(1), data: z.unknown() });
const ResponseDataSchema = z.union([z.string(), z.looseObject({ text: z.string(), attachments: z.array(SynadiaAttachmentSchema).optional() })]);
const QueryDataSchema = z.looseObject({ id: z.string(), reply_subject: z.string(), prompt: z.string() });

/** Decodes one non-terminating chunk (`{type, data}`); never throws. */
export function decodeSynadiaChunk(text: string): Decoded<SynadiaChunk> {
  const refusal = nestingRefusal(text);
  if (refusal) return { ok: false, reason: refusal };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'a chunk must be a JSON object {type, data}' };
  }
  const wire = ChunkWireSchema.safeParse(raw);
  if (!wire.success) return { ok: false, reason: 'a chunk must be a JSON object {type, data}' };
  const { type, data } = wire.data;
  if (type === 'response') {
    const parsed = ResponseDataSchema.safeParse(data);
    if (!parsed.success) return { ok: false, reason: 'a response chunk carries a string or {text}' };
    const value = parsed.data;
    return { ok: true, value: typeof value === 'string' ? { type, text: value } : { type, text: value.text, ...(value.attachments && { attachments: value.attachments }) } };
  }
  if (type === 'status') return typeof data === 'string' ? { ok: true, value: { type, status: data } } : { ok: false, reason: 'a status chunk carries a string' };
  if (type === 'query') {
    const parsed = QueryDataSchema.safeParse(data);
    return parsed.success ? { ok: true, value: { type, id: parsed.data.id, replySubject: parsed.data.reply_subject, prompt: parsed.data.prompt } } : { ok: false, reason: 'a query chunk carries {id, reply_subject, prompt}' };
  }
  return { ok: true, value: { type: 'other', name: type } };
}

/** The wire text of a `response` or `status` chunk. */
export function encodeSynadiaChunk(chunk: { type: 'response'; text: string } | { type: 'status'; status: string }): string {
  return JSON.stringify(chunk.type === 'response' ? { type: 'response', data: chunk.text } : { type: 'status', data: chunk.status });
}

/** True for the end of a stream: a zero-byte body without headers (§6.5). */
export const isSynadiaTerminator = (bodyLength: number, hasHeaders: boolean): boolean => bodyLength === 0 && !hasHeaders;

/** The status codes an agent may answer with (§9.2). */
export const SYNADIA_ERROR_CODES = [400, 401, 403, 404, 409, 429, 500] as const;

/** The longest `Nats-Service-Error` description: headers are one line, richer detail goes in the body (§9.1). */
export const SYNADIA_MAX_ERROR_DESCRIPTION = 200;

/** An error response (§9.1): its code, the one-line header description, and the JSON body `{error, message}`. */
export function encodeSynadiaError(code: (typeof SYNADIA_ERROR_CODES)[number], error: string, message: string): { code: number; description: string; body: string } {
  const flat = message.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join(' | ');
  const description = flat.length > SYNADIA_MAX_ERROR_DESCRIPTION ? `${flat.slice(0, SYNADIA_MAX_ERROR_DESCRIPTION - 3)}...` : flat;
  return { code, description, body: JSON.stringify({ error, message }) };
}

/** A heartbeat (§8.3), unknown fields kept. */
export const SynadiaHeartbeatSchema = z.looseObject({
  agent: z.string().min(1),
  owner: z.string().min(1),
  session: z.string().optional(),
  instance_id: z.string().min(1),
  ts: z.string(),
  interval_s: z.number().positive(),
});
export type SynadiaHeartbeat = z.infer<typeof SynadiaHeartbeatSchema>;

/** The service metadata every agent declares (§3.2), unknown keys kept. */
export const SynadiaServiceMetadataSchema = z.looseObject({
  agent: z.string().min(1),
  owner: z.string().min(1),
  session: z.string().optional(),
  protocol_version: z.string().min(1),
});

/** `1MB`-style sizes of `max_payload` (B, KB, MB, GB; powers of 1024 as the SDKs read them), or null. */
export function parseSynadiaSize(text: string): number | null {
  const match = /^\s*(\d+)\s*(B|KB|MB|GB)\s*$/i.exec(text);
  if (!match) return null;
  const power = ['B', 'KB', 'MB', 'GB'].indexOf(match[2]!.toUpperCase());
  return Number(match[1]) * 1024 ** power;
}

/** Bytes as a `max_payload` value: the largest unit that divides them exactly. */
export function formatSynadiaSize(bytes: number): string {
  for (const [unit, power] of [['GB', 3], ['MB', 2], ['KB', 1]] as const) {
    if (bytes % 1024 ** power === 0 && bytes >= 1024 ** power) return `${bytes / 1024 ** power}${unit}`;
  }
  return `${bytes}B`;
}

/** A `$SRV.INFO` reply as the protocol reads it (§4.3); unknown fields kept. */
export const SynadiaServiceInfoSchema = z.looseObject({
  name: z.string(),
  id: z.string(),
  description: z.string().optional(),
  version: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
  endpoints: z.array(z.looseObject({ name: z.string(), subject: z.string(), metadata: z.record(z.string(), z.string()).nullish() })).nullish(),
});

/** A protocol agent's prompt endpoint as `$SRV.INFO` declares it. */
export interface SynadiaPromptEndpoint {
  /** Who answers (`metadata.agent`, `metadata.owner`, the prompt subject's last token). */
  identity: SynadiaIdentity;
  /** The service instance id (heartbeats carry it as `instance_id`). */
  instanceId: string;
  subject: string;
  /** `max_payload` in bytes; null when absent or unreadable (the server's limit still applies). */
  maxPayload: number | null;
  /** `attachments_ok`: false only when the endpoint says "false". */
  attachmentsOk: boolean;
}

/** The prompt endpoint of a `$SRV.INFO` reply, or null when it is not a protocol agent (another service, no prompt endpoint). */
export function synadiaPromptEndpoint(raw: unknown): SynadiaPromptEndpoint | null {
  const parsed = SynadiaServiceInfoSchema.safeParse(raw);
  if (!parsed.success || !isSynadiaServiceName(parsed.data.name)) return null;
  const { agent, owner } = parsed.data.metadata ?? {};
  const prompt = parsed.data.endpoints?.find((e) => e.name === 'prompt');
  if (!agent || !owner || !prompt) return null;
  const name = prompt.subject.slice(prompt.subject.lastIndexOf('.') + 1);
  const size = prompt.metadata?.['max_payload'];
  return {
    identity: { agent, owner, name },
    instanceId: parsed.data.id,
    subject: prompt.subject,
    maxPayload: size === undefined ? null : parseSynadiaSize(size),
    attachmentsOk: prompt.metadata?.['attachments_ok'] !== 'false',
  };
}
