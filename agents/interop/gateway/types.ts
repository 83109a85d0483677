/**
 * The protocol gateway's seams (seed 004, part 2): a `ProtocolAdapter` is the wire side of one
 * external protocol (A2A: agents/interop/a2a/client.ts; MCP: ./mcp-adapter.ts); the gateway
 * (./gateway.ts) wraps every call in translation, PII stripping, credentials by reference, a
 * timeout and inbound sanitizing, and records `protocol.{a2a,mcp}.request/response`.
 */
import type { z } from 'zod';
import type { GatewayProtocol, Stripped } from '../../protocol/protocol-gateway.js';
import type { CredentialRefSchema, OAuth2CredentialSchema, ProtocolGatewaySchema } from '../../topology/schema.js';

export type { GatewayProtocol, Stripped, StrippedKind } from '../../protocol/protocol-gateway.js';

/** One call as an adapter sends it: already stripped of PII and with credentials in `headers`. */
export interface AdapterCall {
  /** The peer's name in the topology (an external agent, or an MCP server). */
  peer: string;
  /** The message text (A2A: a text part; MCP: unused when `data` holds the tool's arguments). */
  text: string;
  /** Structured payload (A2A: a data part; MCP: the tool's arguments), already stripped. */
  data?: unknown;
  /** Credential headers (e.g. `Authorization: Bearer …`): pass them on, never log them. */
  headers: Record<string, string>;
  /** Aborts when the peer's timeout passes or the run stops: end the call and reject. */
  signal: AbortSignal;
  /** The conversation this call belongs to (A2A contextId), when the caller has one. */
  contextId?: string;
  /** MCP: the tool's own name on its server; A2A: the skill, when the caller names one. */
  operation?: string;
}

/** What an adapter got back, before sanitizing. */
export interface AdapterResult {
  /** The answer as text (A2A: the task's artifacts/status message joined; MCP: the text blocks). */
  text: string;
  /**
   * The peer's final state: 'completed' is an answer; anything else ('failed', 'rejected',
   * 'canceled', 'input-required', 'auth-required', …) makes the exchange a failure whose `text`
   * says why, in the peer's words.
   */
  state: string;
  /** Structured answer (A2A data parts; MCP structuredContent), when there is one. */
  data?: unknown;
  /** Protocol details worth keeping (A2A taskId/contextId, MCP isError); never secrets. */
  metadata?: Record<string, unknown>;
}

/** The wire side of one external protocol: sends one call, resolves with the peer's final answer; rejects on transport errors or when `signal` aborts. */
export interface ProtocolAdapter {
  readonly protocol: GatewayProtocol;
  call(input: AdapterCall): Promise<AdapterResult>;
}

/** A credential by reference (`spec.externalAgents[].a2a.credential`): a header and the NAME of the variable holding its value. */
export type CredentialRef = z.infer<typeof CredentialRefSchema>;

/** OAuth 2.0 client credentials by reference (`a2a.oauth2`): traded for a bearer token. */
export type OAuth2Credential = z.output<typeof OAuth2CredentialSchema>;

/** The gateway's settings (`spec.protocolGateway`, defaults applied). */
export type ProtocolGatewaySettings = z.output<typeof ProtocolGatewaySchema>;

/** A peer the gateway may call: its name, protocol, how long a call may take and its credential. */
export interface GatewayPeer {
  name: string;
  protocol: GatewayProtocol;
  timeoutMs: number;
  /** Where `timeoutMs` comes from when it is not the peer's own setting (said in the timeout error). */
  timeoutFrom?: string;
  credential?: CredentialRef;
  oauth2?: OAuth2Credential;
}

/** One exchange asked of the gateway (by the A2A service or the MCP tool path). */
export interface ExchangeRequest {
  /** The topology's agent making the call. */
  agent: string;
  peer: GatewayPeer;
  text: string;
  data?: unknown;
  contextId?: string;
  operation?: string;
  /** The bus request this call serves (its message_id), for correlation. */
  requestId?: string;
  /** The OODA run making the call (MCP tool calls), for correlation. */
  runId?: string;
  /** The caller's own cancellation (the run stopped, the service is stopping). */
  signal?: AbortSignal;
}

/** The outcome of one exchange: sanitized answer, or `ok: false` with a clear error (never thrown). */
export interface ExchangeResult {
  ok: boolean;
  callId: string;
  /** The sanitized answer text (also a peer's own failure text), or the error sentence when no answer came. */
  text: string;
  state: string;
  /** A sentence naming the peer and what went wrong (timeout, refused, the peer's failed state), or null. */
  error: string | null;
  data?: unknown;
  metadata?: Record<string, unknown>;
  /** What was stripped from the outbound payload (kinds, paths, counts). */
  stripped: Stripped[];
}
