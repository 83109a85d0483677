/**
 * The protocol gateway's trace events (seed 004, part 2: `protocol.a2a.request` / `.response`,
 * and the same for MCP): who called which peer over which protocol, what was stripped from the
 * outbound payload (kinds, paths and counts, never the values), the peer's final state and how
 * long it took. Isomorphic: the trace explorer reads these payloads in the browser.
 */
import { z } from 'zod';

/** The protocol gateway's own NATS connection name (and its user in exported config). */
export const PROTOCOL_GATEWAY_NAME = 'switchboard-protocol-gateway';
/** The queue group its subscriptions share, so replicas of the gateway split the calls. */
export const PROTOCOL_GATEWAY_QUEUE = 'protocol-gateway';

/**
 * Seed 004 sequence 2.3's subjects: an agent publishes a delegation to an external A2A agent on
 * `protocol.a2a.request.{peer}.{caller}`. One subject per caller, so an exported config lets each
 * agent's process take its own calls only (before PII is stripped they hold what the caller sent).
 */
export const protocolGatewaySubjects = {
  /** Where `caller`'s requests to the external A2A agent `peer` go (a request with a reply inbox). */
  a2aRequest: (peer: string, caller: string) => `protocol.a2a.request.${peer}.${caller}`,
  /** Every caller's requests to `peer` (what a gateway serving the whole topology subscribes to). */
  a2aRequestsTo: (peer: string) => `protocol.a2a.request.${peer}.*`,
} as const;

/** The peer and the caller a protocol gateway request subject names; null for any other subject. */
export function a2aRequestOf(subject: string): { peer: string; caller: string } | null {
  const tokens = subject.split('.');
  if (tokens.length !== 5 || tokens[0] !== 'protocol' || tokens[1] !== 'a2a' || tokens[2] !== 'request') return null;
  return { peer: tokens[3]!, caller: tokens[4]! };
}

/** The external protocols the gateway speaks. */
export const GatewayProtocolSchema = z.enum(['a2a', 'mcp']);
export type GatewayProtocol = z.infer<typeof GatewayProtocolSchema>;

/** What kind of personal data a rule removed. */
export const StrippedKindSchema = z.enum(['email', 'phone', 'card', 'field']);
export type StrippedKind = z.infer<typeof StrippedKindSchema>;

/** One thing the gateway removed: its kind, where (a JSON path like `$.user.email`, `text` for the message text), how many. Never the value. */
export const StrippedSchema = z.object({ kind: StrippedKindSchema, path: z.string().optional(), count: z.number().int().positive() });
export type Stripped = z.infer<typeof StrippedSchema>;

/** Outbound: we call a peer; inbound: a peer calls us (an agent served over A2A). */
export const GatewayDirectionSchema = z.enum(['outbound', 'inbound']);

/** The longest preview of a payload a gateway event carries (after stripping/sanitizing). */
export const GATEWAY_PREVIEW_CHARS = 1000;

const base = {
  /** The agent of the topology on our side of the call (the caller, or the agent served). */
  agent: z.string(),
  /** The external agent (A2A) or MCP server. */
  peer: z.string(),
  protocol: GatewayProtocolSchema,
  direction: GatewayDirectionSchema,
  /** Pairs a request with its response. */
  callId: z.string(),
  /** The bus message (AgentMessage.message_id) this call serves, when one does (A2A delegation). */
  requestId: z.string().nullable(),
  /** The OODA run that made the call, when one did (an MCP tool call). */
  runId: z.string().nullable(),
  /** The MCP tool, or the A2A skill when known. */
  operation: z.string().nullable(),
};

/** The payload of `protocol.{a2a,mcp}.request`: the call as it left, after PII stripping. */
export const ProtocolRequestEventSchema = z.object({
  ...base,
  stripped: z.array(StrippedSchema),
  /** What was sent, after stripping (cut to GATEWAY_PREVIEW_CHARS). */
  preview: z.string(),
});
export type ProtocolRequestEvent = z.infer<typeof ProtocolRequestEventSchema>;

/** The payload of `protocol.{a2a,mcp}.response`: the peer's final state, or the error that ended the call. */
export const ProtocolResponseEventSchema = z.object({
  ...base,
  /** Copied from the request, so a response row alone says what was stripped. */
  stripped: z.array(StrippedSchema),
  /** The peer's final state ('completed', 'failed', an A2A task state, …), or 'error' when no answer came. */
  state: z.string(),
  durationMs: z.number(),
  /** What went wrong (timeout, refused by sanitizing, the peer's failure), or null. */
  error: z.string().nullable(),
  /** What came back, after sanitizing (cut to GATEWAY_PREVIEW_CHARS). */
  preview: z.string(),
  /** Bytes of the answer as received (before sanitizing). */
  bytes: z.number(),
  /** Control characters sanitizing removed from the answer (absent: none). */
  controlCharsRemoved: z.number().optional(),
});
export type ProtocolResponseEvent = z.infer<typeof ProtocolResponseEventSchema>;
