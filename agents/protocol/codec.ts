/**
 * Validated decoding of wire messages. Decoding never throws: an invalid message is described
 * (why) so the receiver can record it and skip it (seed 000's error flow). Works on text, so it
 * stays isomorphic; the NATS client turns bytes into text (`msg.string()`).
 */
import { z } from 'zod';
import { AgentMessageSchema, type AgentMessage } from './agent-message.js';

/** The result of decoding text as a schema. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses JSON text against `schema`; never throws. */
export function decodeJson<T>(schema: z.ZodType<T, unknown>, text: string): Decoded<T> {
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
