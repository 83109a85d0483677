/**
 * Seed 002 on the wire for the runtime: text <-> AgentMessage through seed 002's envelope
 * (agents/protocol/seed-002-envelope.ts does the mapping), and a request's `replyTo` honoured when
 * it came without a NATS reply inbox (the guide's publish-and-listen style). Reusable by any
 * seed-002 feature (negotiation, discovery): decode what arrives, encode what goes out.
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import type { AgentMessage } from '../protocol/agent-message.js';
import { decodeJson, type Decoded } from '../protocol/codec.js';
import { Seed002MessageSchema, type Seed002Message } from '../protocol/seed-002.js';
import { messageToSeed002, seed002ToMessage } from '../protocol/seed-002-envelope.js';
import { isSubject, type WireFormat } from '../protocol/subjects.js';

/** Decodes seed-002 text as an AgentMessage (`to_agent` = `target`, else `fallbackTo`); never throws. */
export function decodeSeed002(text: string, fallbackTo: string | null): Decoded<AgentMessage> {
  const decoded = decodeSeed002Envelope(text);
  return decoded.ok ? { ok: true, value: seed002ToMessage(decoded.value, fallbackTo) } : decoded;
}

/** Decodes seed-002 text as the envelope itself (for features that read its fields); never throws. */
export function decodeSeed002Envelope(text: string): Decoded<Seed002Message> {
  const decoded = decodeJson(Seed002MessageSchema, text);
  return decoded.ok ? decoded : { ok: false, reason: decoded.reason.replace(/^not a valid message/, 'not a seed-002 message') };
}

/** Encodes an AgentMessage as seed-002 text (a request as `task`, a response as `result`, else `event`). */
export function encodeSeed002(message: AgentMessage): string {
  return JSON.stringify(messageToSeed002(message));
}

/**
 * A seed-002 request that names `replyTo` and has no NATS reply: seen as one whose reply goes to
 * `replyTo`, so the agent answers it like any request. Anything else comes back as it is (one check
 * for the common case); a `replyTo` that is not a subject is ignored.
 */
export function withReplyTo(wire: WireFormat, msg: Msg, nc: NatsConnection): Msg {
  if (msg.reply || wire !== 'seed-002') return msg;
  let replyTo: unknown;
  try {
    replyTo = (JSON.parse(msg.string()) as { replyTo?: unknown } | null)?.replyTo;
  } catch {
    return msg; // the decoder records why
  }
  if (typeof replyTo !== 'string' || !isSubject(replyTo)) return msg;
  return {
    subject: msg.subject,
    sid: msg.sid,
    reply: replyTo,
    data: msg.data,
    ...(msg.headers && { headers: msg.headers }),
    respond: (payload) => {
      nc.publish(replyTo, payload);
      return true;
    },
    json: <T>() => msg.json<T>(),
    string: () => msg.string(),
  };
}
