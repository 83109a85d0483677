/**
 * What `trace diff` checks of a trace line: a bus message in full (TraceRecordSchema: its
 * conversation is compared), a runtime event by its frame only (seq, time, mono, a known name, the
 * agent, a payload object) — the diff reads no event's payload, and checking every payload against
 * its event's schema was most of the cost of reading an event. A line that is not JSON, not a
 * record, an event with a broken frame or an unknown name is still a bad line. A message is first
 * checked by hand (a few typeof checks: what zod would accept unchanged, defaults all written, as
 * the recorder writes them); anything else goes to zod, which decides and words the error.
 * Isomorphic.
 */
import { z } from 'zod';
import { MessageTypeSchema } from '../protocol/agent-message.js';
import { isRuntimeEventName } from '../protocol/runtime-events.js';
import { TraceRecordSchema, type TraceRecord } from './record.js';

/** An event record's frame: all of it but what is inside its payload. */
export const EventFrameSchema = z.object({
  seq: z.number().int().positive(),
  time: z.string(),
  mono: z.number().nonnegative(),
  kind: z.literal('event'),
  name: z.string().superRefine((name, ctx) => {
    if (!isRuntimeEventName(name)) ctx.addIssue({ code: 'custom', message: `unknown event "${name}" (written by a newer Switchboard?)` });
  }),
  agent: z.string(),
  payload: z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object'),
});

type Json = Record<string, unknown>;
const MESSAGE_TYPES: ReadonlySet<unknown> = new Set(MessageTypeSchema.options);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const isStringOrNull = (value: unknown): boolean => value === null || typeof value === 'string';

/** Headers as MessageRecordSchema has them: null, or each name to a list of strings. */
function headersOk(headers: unknown): boolean {
  if (headers === null) return true;
  if (!isObject(headers)) return false;
  for (const key in headers) {
    const values = headers[key];
    if (!Array.isArray(values)) return false;
    for (const value of values) if (typeof value !== 'string') return false;
  }
  return true;
}

/** An AgentMessage zod would take as it is: every field present (no default to fill in) and of its type. */
function agentMessageOk(m: unknown): boolean {
  if (!isObject(m)) return false;
  const { from_agent: from, message_id: id, priority } = m;
  return (
    MESSAGE_TYPES.has(m['message_type']) &&
    typeof from === 'string' && from.length > 0 &&
    isStringOrNull(m['to_agent']) &&
    typeof m['content'] === 'string' &&
    isObject(m['metadata']) &&
    typeof m['timestamp'] === 'string' &&
    typeof id === 'string' && id.length > 0 &&
    isStringOrNull(m['in_reply_to']) &&
    isCount(priority) && (priority as number) <= 10
  );
}

/** A record's seq, time and mono as its schema wants them. */
const baseOk = (r: Json): boolean => isCount(r['seq']) && (r['seq'] as number) > 0 && typeof r['time'] === 'string' && typeof r['mono'] === 'number' && r['mono'] >= 0;

/** An event's frame EventFrameSchema would take (checked by hand). */
const eventFrameOk = (r: Json): boolean => baseOk(r) && typeof r['name'] === 'string' && isRuntimeEventName(r['name']) && typeof r['agent'] === 'string' && isObject(r['payload']);

/** A message record MessageRecordSchema would take as it is (checked by hand: the common case, fast). */
function messageRecordOk(r: Json): boolean {
  const parsed = r['parsed'];
  return (
    baseOk(r) &&
    typeof r['subject'] === 'string' &&
    isStringOrNull(r['reply']) &&
    headersOk(r['headers']) &&
    isCount(r['size']) &&
    typeof r['payload'] === 'string' &&
    (r['encoding'] === 'utf8' || r['encoding'] === 'base64') &&
    typeof r['truncated'] === 'boolean' &&
    isObject(parsed) &&
    (parsed['ok'] === true ? agentMessageOk(parsed['message']) : parsed['ok'] === false && typeof parsed['reason'] === 'string')
  );
}

/** A trace line's JSON checked as `trace diff` needs it: the record (an event kept as written), or why it is none. */
export function checkDiffRecord(raw: unknown): { success: true; data: TraceRecord } | { success: false; error: z.ZodError } {
  if (!isObject(raw)) return TraceRecordSchema.safeParse(raw);
  if (raw['kind'] === 'message') return messageRecordOk(raw) ? { success: true, data: raw as unknown as TraceRecord } : TraceRecordSchema.safeParse(raw);
  if (raw['kind'] !== 'event') return TraceRecordSchema.safeParse(raw);
  if (eventFrameOk(raw)) return { success: true, data: raw as unknown as TraceRecord };
  const frame = EventFrameSchema.safeParse(raw);
  return frame.success ? { success: true, data: raw as TraceRecord } : { success: false, error: frame.error };
}
