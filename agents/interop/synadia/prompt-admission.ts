/**
 * Whether a Synadia Agent Protocol prompt is admitted to a Switchboard agent (§5, §9.2): within the
 * advertised `max_payload`, a non-empty prompt as plain text or a JSON envelope, and no
 * attachments when the endpoint says `attachments_ok: false`. Anything else is a 400. Pure, so the
 * rules are unit-tested without NATS; the wire format itself is agents/protocol/synadia.ts.
 */
import { decodeSynadiaPrompt, type SynadiaEnvelope } from '../../protocol/synadia.js';

/** What the prompt endpoint advertises (its `$SRV.INFO` endpoint metadata). */
export interface PromptLimits {
  /** `max_payload` in bytes. */
  maxPayload: number;
  /** `attachments_ok`. */
  attachmentsOk: boolean;
}

/** A prompt let in, or why not (always a 400 with a stable error name). */
export type Admission = { ok: true; envelope: SynadiaEnvelope } | { ok: false; code: 400; error: string; message: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Admits or refuses the raw body of a prompt request. */
export function admitSynadiaPrompt(body: Uint8Array, limits: PromptLimits): Admission {
  const refuse = (error: string, message: string): Admission => ({ ok: false, code: 400, error, message });
  if (body.length > limits.maxPayload) return refuse('payload_too_large', `the request is ${body.length} bytes, more than max_payload (${limits.maxPayload})`);
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return refuse('invalid_request', 'the request is not UTF-8 text');
  }
  const decoded = decodeSynadiaPrompt(text);
  if (!decoded.ok) return refuse(text.length === 0 ? 'empty_prompt' : 'invalid_request', decoded.reason);
  if (!limits.attachmentsOk && (decoded.value.attachments?.length ?? 0) > 0) {
    return refuse('attachments_not_supported', 'this agent takes no attachments (attachments_ok is false)');
  }
  return { ok: true, envelope: decoded.value };
}
