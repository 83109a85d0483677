/**
 * Fetches and reads an A2A agent card (spec v1.0) with the official SDK's resolver: a base URL gets
 * the well-known path (`AGENT_CARD_PATH`), a URL ending in `.json` is the card itself. Every
 * failure says which it is: unreachable (connection refused, host not found, no answer in time),
 * an HTTP error, not a card (a web page, JSON without a name or interfaces), or a card offering no
 * interface Switchboard speaks (JSON-RPC or HTTP+JSON). Bounded: a card server that hangs fails
 * after `timeoutMs`.
 */
import { AGENT_CARD_PATH, type AgentCard, type AgentInterface } from '@a2a-js/sdk';
import { DefaultAgentCardResolver } from '@a2a-js/sdk/client';
import type { A2aCardSummary } from '../../protocol/a2a-card.js';
import { causeCode, innermostMessage } from '../fetch-failure.js';

/** How long fetching a card may take by default. */
export const CARD_TIMEOUT_MS = 5000;
/** The largest card read (a card is a few kB; a bigger answer is not one). */
const MAX_CARD_BYTES = 1024 * 1024;
/** The bindings Switchboard's A2A client speaks, in order of preference. */
export const A2A_BINDINGS = ['JSONRPC', 'HTTP+JSON'] as const;

/** Why a card could not be read. */
export type A2aCardProblem = 'unreachable' | 'timeout' | 'http' | 'not_a_card' | 'no_interface';

/** A card that could not be fetched or read, with what went wrong. */
export class A2aCardError extends Error {
  constructor(
    readonly problem: A2aCardProblem,
    message: string,
  ) {
    super(message);
    this.name = 'A2aCardError';
  }
}

/** The card's own URL for what a user gave: a `.json` URL is the card; else the well-known path under it. */
export function cardUrlOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new A2aCardError('not_a_card', `"${url}" is not a URL (expected http(s)://host[:port][/path] of an A2A agent).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new A2aCardError('not_a_card', `"${url}" is not an http:// or https:// URL.`);
  }
  if (parsed.pathname.endsWith('.json')) return parsed.href;
  // The SDK resolves the well-known path relative to the base: without a trailing slash the last segment would be dropped.
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return new URL(AGENT_CARD_PATH, parsed).href;
}

/** Options for {@link fetchAgentCard}. */
export interface FetchCardOptions {
  timeoutMs?: number;
  /** Credential headers, when the card itself is behind authentication. */
  headers?: Record<string, string>;
  /** The caller's own cancellation. */
  signal?: AbortSignal;
}

/** Fetches the card at `url` (base or card URL); rejects with an {@link A2aCardError} saying what went wrong. */
export async function fetchAgentCard(url: string, options: FetchCardOptions = {}): Promise<{ card: AgentCard; cardUrl: string }> {
  const cardUrl = cardUrlOf(url);
  const timeoutMs = options.timeoutMs ?? CARD_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const fetchImpl: typeof fetch = async (input, init) => {
    const response = await fetch(input, { ...init, signal, headers: { ...(init?.headers as Record<string, string>), ...options.headers } });
    if (!response.ok) throw new A2aCardError('http', `${cardUrl} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}: no agent card there.`);
    const text = await readCapped(response, cardUrl);
    checkCardJson(cardUrl, text, response.headers.get('content-type') ?? '');
    return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const resolver = new DefaultAgentCardResolver({ fetchImpl });
  try {
    // The path is already in cardUrl: the resolver is asked for exactly it.
    const card = await resolver.resolve(cardUrl, '');
    return { card, cardUrl };
  } catch (error) {
    throw classify(error, cardUrl, timeoutMs, timeout.aborted);
  }
}

/** Fetches and summarizes the card at `url`, choosing the interface Switchboard will call. */
export async function readAgentCard(url: string, options: FetchCardOptions = {}): Promise<A2aCardSummary> {
  const { card, cardUrl } = await fetchAgentCard(url, options);
  return summarizeCard(card, cardUrl);
}

/** The first interface of the card Switchboard speaks (JSON-RPC preferred, then HTTP+JSON; version 1.x preferred). */
export function chooseInterface(card: AgentCard, cardUrl: string): AgentInterface {
  const interfaces = Array.isArray(card.supportedInterfaces) ? card.supportedInterfaces : [];
  for (const binding of A2A_BINDINGS) {
    const matching = interfaces.filter((i) => typeof i?.protocolBinding === 'string' && i.protocolBinding.toUpperCase() === binding && typeof i.url === 'string');
    const chosen = matching.find((i) => String(i.protocolVersion ?? '').startsWith('1.')) ?? matching[0];
    if (chosen) return chosen;
  }
  const offered = interfaces.map((i) => `${String(i?.protocolBinding ?? '?')} at ${String(i?.url ?? '?')}`).join(', ');
  throw new A2aCardError('no_interface', `${card.name || cardUrl}'s card offers no interface Switchboard speaks (${A2A_BINDINGS.join(' or ')}): it offers ${offered || 'none'}.`);
}

/**
 * Refuses a card whose interfaces Switchboard would call live on another origin than the card
 * itself, when a credential is attached: a card can name any URL, and the credential must not
 * follow it to another host or down from https to http.
 */
export function assertCredentialStaysHome(card: AgentCard, cardUrl: string): void {
  const home = new URL(cardUrl).origin;
  const interfaces = (Array.isArray(card.supportedInterfaces) ? card.supportedInterfaces : []).filter(
    (i) => typeof i?.url === 'string' && typeof i.protocolBinding === 'string' && (A2A_BINDINGS as readonly string[]).includes(i.protocolBinding.toUpperCase()),
  );
  for (const i of interfaces) {
    let origin: string;
    try {
      origin = new URL(i.url).origin;
    } catch {
      origin = i.url;
    }
    if (origin !== home) {
      throw new A2aCardError('no_interface', `${card.name || cardUrl}'s card sends calls to ${origin}, not to ${home} where the card is: its credential is only sent to the card's own origin. Declare the card URL on ${origin}, or drop the credential.`);
    }
  }
}

/** What Switchboard keeps of a card (the crossing shape; see agents/protocol/a2a-card.ts). */
export function summarizeCard(card: AgentCard, cardUrl: string): A2aCardSummary {
  const endpoint = chooseInterface(card, cardUrl);
  const skills = Array.isArray(card.skills) ? card.skills : [];
  return {
    cardUrl,
    name: card.name,
    description: typeof card.description === 'string' ? card.description : '',
    version: typeof card.version === 'string' ? card.version : '',
    endpoint: { url: endpoint.url, binding: endpoint.protocolBinding, protocolVersion: String(endpoint.protocolVersion ?? '') },
    streaming: card.capabilities?.streaming === true,
    skills: skills
      .filter((s) => s && typeof s.id === 'string')
      .map((s) => ({ id: s.id, name: typeof s.name === 'string' && s.name !== '' ? s.name : s.id, description: typeof s.description === 'string' ? s.description : '' })),
  };
}

/** The body as text, read no further than MAX_CARD_BYTES (a server sending without end is refused at once, not read until the timeout). */
async function readCapped(response: Response, cardUrl: string): Promise<string> {
  const tooBig = () => new A2aCardError('not_a_card', `${cardUrl} is not an A2A agent card: it sent more than ${MAX_CARD_BYTES} bytes (a card is a few kB).`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_CARD_BYTES) {
    void response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_CARD_BYTES) {
      void reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Refuses what is not a card: a web page, text that is not JSON, JSON without a name or interfaces. */
function checkCardJson(cardUrl: string, text: string, contentType: string): void {
  const start = text.trimStart().slice(0, 64).toLowerCase();
  if (contentType.includes('text/html') || start.startsWith('<!doctype') || start.startsWith('<html')) {
    throw new A2aCardError('not_a_card', `${cardUrl} is not an A2A agent card: it is a web page (${contentType || 'HTML'}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new A2aCardError('not_a_card', `${cardUrl} is not an A2A agent card: its answer is not JSON (${contentType || 'no content type'}, starting "${text.slice(0, 40)}").`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new A2aCardError('not_a_card', `${cardUrl} is not an A2A agent card: its JSON is not an object.`);
  const card = json as Record<string, unknown>;
  const missing = [typeof card['name'] === 'string' && card['name'] !== '' ? null : 'name', Array.isArray(card['supportedInterfaces']) ? null : 'supportedInterfaces'].filter(Boolean);
  if (missing.length > 0) {
    // A v0.3 card has `url` and `preferredTransport` instead of supportedInterfaces: say so rather than "not a card".
    const legacy = typeof card['url'] === 'string' && typeof card['name'] === 'string' ? ' It looks like an A2A v0.3 card; Switchboard speaks v1.0.' : '';
    throw new A2aCardError('not_a_card', `${cardUrl} is not an A2A agent card: its JSON has no ${missing.join(' and no ')}.${legacy}`);
  }
}

/** The card error for whatever fetching threw. */
function classify(error: unknown, cardUrl: string, timeoutMs: number, timedOut: boolean): A2aCardError {
  if (error instanceof A2aCardError) return error;
  const where = new URL(cardUrl).host;
  if (timedOut || (error as { name?: string }).name === 'TimeoutError') {
    return new A2aCardError('timeout', `Cannot read the agent card at ${cardUrl}: no answer within ${timeoutMs} ms (timeout). Is ${where} an A2A agent that is up?`);
  }
  if ((error as { name?: string }).name === 'AbortError') return new A2aCardError('unreachable', `Reading the agent card at ${cardUrl} was cancelled.`);
  const code = causeCode(error);
  if (code === 'ECONNREFUSED') return new A2aCardError('unreachable', `Cannot reach the agent card at ${cardUrl}: connection refused (nothing listens on ${where}).`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new A2aCardError('unreachable', `Cannot reach the agent card at ${cardUrl}: host not found (DNS lookup of ${new URL(cardUrl).hostname} failed).`);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return new A2aCardError('timeout', `Cannot reach the agent card at ${cardUrl}: connecting to ${where} timed out.`);
  // `fetch failed` says nothing: the innermost cause says what (e.g. "bad port").
  const detail = innermostMessage(error);
  return new A2aCardError('unreachable', `Cannot read the agent card at ${cardUrl}: ${code ? `${code} (${detail})` : detail}.`);
}
