/**
 * Validated decoding of wire messages. Decoding never throws: an invalid message is described
 * (why) so the receiver can record it and skip it (seed 000's error flow). Works on text, so it
 * stays isomorphic; the NATS client turns bytes into text (`msg.string()`).
 */
import { z } from 'zod';
import { AgentMessageSchema, type AgentMessage } from './agent-message.js';

/** The result of decoding text as a schema. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** How deep a wire message may nest; deeper is refused before parsing. */
export const MAX_NESTING = 512;

/**
 * Why `text` is refused before JSON.parse (nested deeper than {@link MAX_NESTING}), or null. Deep
 * nesting is the one cheap attack on JSON.parse: 1 MB of `[[[…]]]` takes it about a second (normal
 * JSON of that size: milliseconds), and JSON.stringify overflows the stack on it later. Short text
 * cannot nest that deep, and text with few brackets neither (two native scans); only text with
 * many brackets is walked, strings skipped.
 */
export function nestingRefusal(text: string): string | null {
  if (text.length <= MAX_NESTING) return null;
  let brackets = 0;
  for (const open of ['[', '{']) {
    for (let i = text.indexOf(open); i >= 0 && brackets <= MAX_NESTING; i = text.indexOf(open, i + 1)) brackets++;
  }
  if (brackets <= MAX_NESTING) return null;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // the escaped character cannot end the string
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) return `nested deeper than ${MAX_NESTING} levels`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

/** Parses JSON text against `schema`; never throws. */
export function decodeJson<T>(schema: z.ZodType<T, unknown>, text: string): Decoded<T> {
  const refusal = nestingRefusal(text);
  if (refusal) return { ok: false, reason: refusal };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not a valid message: ${z.prettifyError(parsed.error)}` };
  return { ok: true, value: parsed.data };
}

/** Decodes an AgentMessage. */
export const decodeAgentMessage = (text: string): Decoded<AgentMessage> => decodeJson(AgentMessageSchema, text);
