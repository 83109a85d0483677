/**
 * The protocol gateway (seed 004, part 2; sequences 2.2 and 2.3): every call to an external
 * protocol is one exchange: strip PII from the outbound payload, attach credentials by reference
 * (a header from a variable, or an OAuth2 bearer token, oauth2.ts),
 * record `protocol.{a2a,mcp}.request`, call the adapter (bounded by the peer's timeout), sanitize
 * what came back, record `protocol.{a2a,mcp}.response`. Internal agents never see the protocols;
 * the trace sees what was stripped (kinds, paths, counts), never the values or the credentials.
 */
import { randomUUID } from 'node:crypto';
import type { SecretSource } from '../../llm/factory.js';
import { GATEWAY_PREVIEW_CHARS, type ProtocolRequestEvent } from '../../protocol/protocol-gateway.js';
import type { RuntimeEventBus } from '../../protocol/runtime-events.js';
import { credentialHeaders, envSecretSource } from './credentials.js';
import { raceAbort } from '../../runtime/race-abort.js';
import { OAuth2Tokens } from './oauth2.js';
import { piiRulesOf, stripPii, type PiiRules } from './pii.js';
import { DEFAULT_MAX_RESPONSE_BYTES, sanitizeAdapterResult, stripControlChars } from './sanitize.js';
import type { AdapterResult, ExchangeRequest, ExchangeResult, GatewayPeer, GatewayProtocol, ProtocolAdapter, ProtocolGatewaySettings } from './types.js';

/** Options of {@link ProtocolGateway}. */
export interface ProtocolGatewayOptions {
  /** The wire side of each protocol this gateway speaks. */
  adapters: readonly ProtocolAdapter[];
  events: RuntimeEventBus;
  /** The topology's `spec.protocolGateway` (absent: every PII rule on, 1 MiB responses). */
  settings?: Partial<ProtocolGatewaySettings> | undefined;
  /** Where credentials are read at call time (the host's SecretStore; the environment otherwise). */
  secrets?: SecretSource;
  /** OAuth2 bearer tokens of the peers (one cache per gateway unless given: tests drive its clock). */
  tokens?: OAuth2Tokens;
}

/** How a peer is named in messages: `A2A agent "travel"`, `MCP server "files"`. */
export function peerLabel(peer: Pick<GatewayPeer, 'name' | 'protocol'>): string {
  return `${peer.protocol === 'a2a' ? 'A2A agent' : 'MCP server'} "${peer.name}"`;
}

/** The one gateway of a run (or of an agent's MCP tools): stateless between calls. */
export class ProtocolGateway {
  private readonly adapters: ReadonlyMap<GatewayProtocol, ProtocolAdapter>;
  private readonly rules: PiiRules;
  private readonly maxBytes: number;
  private readonly secrets: SecretSource;
  private readonly tokens: OAuth2Tokens;

  constructor(private readonly options: ProtocolGatewayOptions) {
    this.adapters = new Map(options.adapters.map((a) => [a.protocol, a]));
    this.rules = piiRulesOf(options.settings);
    this.maxBytes = options.settings?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.secrets = options.secrets ?? envSecretSource();
    this.tokens = options.tokens ?? new OAuth2Tokens(this.secrets);
  }

  /** One exchange with `request.peer`; never throws: a failure is `ok: false` with a sentence naming the peer. */
  async exchange(request: ExchangeRequest): Promise<ExchangeResult> {
    const { peer } = request;
    const callId = randomUUID();
    const label = peerLabel(peer);
    const text = stripPii(request.text, this.rules, 'text');
    const data = request.data === undefined ? undefined : stripPii(request.data, this.rules, 'data');
    const stripped = [...text.stripped, ...(data?.stripped ?? [])];
    const base = {
      agent: request.agent,
      peer: peer.name,
      protocol: peer.protocol,
      direction: 'outbound' as const,
      callId,
      requestId: request.requestId ?? null,
      runId: request.runId ?? null,
      operation: request.operation ?? null,
    };
    const requestEvent: ProtocolRequestEvent = { ...base, stripped, preview: preview(text.value, data?.value) };
    this.options.events.emit(`protocol.${peer.protocol}.request`, requestEvent);
    const started = performance.now();
    const finish = (result: { ok: boolean; state: string; text: string; error: string | null; bytes: number; answer?: AdapterResult; removed?: number }): ExchangeResult => {
      this.options.events.emit(`protocol.${peer.protocol}.response`, {
        ...base,
        stripped,
        state: result.state,
        durationMs: performance.now() - started,
        error: result.error,
        preview: cut(result.text),
        bytes: result.bytes,
        ...(result.removed ? { controlCharsRemoved: result.removed } : {}),
      });
      return {
        ok: result.ok,
        callId,
        text: result.text,
        state: result.state,
        error: result.error,
        stripped,
        ...(result.answer?.data !== undefined && { data: result.answer.data }),
        ...(result.answer?.metadata !== undefined && { metadata: result.answer.metadata }),
      };
    };
    const fail = (error: string, state = 'error') => finish({ ok: false, state, text: error, error, bytes: 0 });

    const adapter = this.adapters.get(peer.protocol);
    if (!adapter) return fail(`${label}: no ${peer.protocol.toUpperCase()} adapter is configured in this gateway.`);
    const timeout = AbortSignal.timeout(peer.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let headers: Record<string, string>;
    try {
      // An OAuth2 token is asked for within the call's own time.
      headers = peer.oauth2 ? await this.tokens.headers(peer.name, label, peer.oauth2, signal) : credentialHeaders(label, peer.credential, this.secrets);
    } catch (error) {
      if (timeout.aborted) return fail(`${label}: no OAuth2 token from ${peer.oauth2?.tokenUrl} within ${peer.timeoutMs} ms (${peer.timeoutFrom ?? 'its timeoutMs'}).`, 'timeout');
      if (signal.aborted) return fail(`The call to ${label} was cancelled (the run stopped).`, 'canceled');
      return fail(messageOf(error));
    }

    let raw: unknown;
    try {
      raw = await raceAbort(
        adapter.call({
          peer: peer.name,
          text: text.value,
          ...(data && { data: data.value }),
          headers,
          signal,
          ...(request.contextId !== undefined && { contextId: request.contextId }),
          ...(request.operation !== undefined && { operation: request.operation }),
        }),
        signal,
      );
    } catch (error) {
      if (timeout.aborted) return fail(`${label} did not answer within ${peer.timeoutMs} ms (${peer.timeoutFrom ?? 'its timeoutMs'}).`, 'timeout');
      if (signal.aborted) return fail(`The call to ${label} was cancelled (the run stopped).`, 'canceled');
      // Refused or not, a token the peer may have rejected (revoked, expired early) is not used again.
      if (peer.oauth2) this.tokens.forget(peer.name, peer.oauth2);
      // Transport errors can carry the peer's own text (the SDK's "SSE error event: {…}", a JSON-RPC
      // error's message): it is inbound, so cleaned and cut like an answer before the trace and the caller see it.
      return fail(cut(stripControlChars(`${label} could not be called: ${messageOf(error)}`).text));
    }
    try {
      const { result, bytes, removed } = sanitizeAdapterResult(raw, { peer: label, maxBytes: this.maxBytes });
      const ok = result.state === 'completed';
      const error = ok ? null : `${label} ended the call as "${result.state}"${result.text ? `: ${cut(result.text)}` : '.'}`;
      return finish({ ok, state: result.state, text: result.text, error, bytes, answer: result, removed });
    } catch (error) {
      return fail(messageOf(error), 'refused');
    }
  }
}


/** What a gateway event shows of a payload: the text, then the data as JSON, cut. */
function preview(text: string, data: unknown): string {
  return cut(data === undefined ? text : `${text}${text ? '\n' : ''}${JSON.stringify(data)}`);
}

const cut = (text: string) => (text.length > GATEWAY_PREVIEW_CHARS ? `${text.slice(0, GATEWAY_PREVIEW_CHARS - 1)}…` : text);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

