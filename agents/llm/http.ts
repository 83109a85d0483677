/**
 * HTTP plumbing shared by the HTTP providers (openai.ts, anthropic.ts): connection options,
 * the POST with timeout and abort, error mapping, key redaction, usage estimates, JSON checks.
 */
import { randomUUID } from 'node:crypto';
import { LlmError, type LlmRequest, type LlmResponse, type LlmToolCall } from './provider.js';
import { MAX_SSE_STREAM_BYTES, parseSse, SseLimitError, type SseEvent } from './sse.js';
const DEFAULT_TIMEOUT_MS = 600_000;
const MAX_MESSAGE_CHARS = 600;
/** An error answer's body is read this far: its message is at the start, and an endless one must not hold the call. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Connection options as a provider receives them, before checking. */
export interface ProviderConnectionOptions {
  /** Names the provider at the start of every error message. */
  label: string;
  baseUrl: string;
  /** Appended to the base URL, e.g. '/chat/completions'. */
  path: string;
  /** The provider's own headers (auth, version); `headers` override them. */
  auth: Record<string, string>;
  /** Removed from every error message, even when the server echoes it back. */
  secret: string | undefined;
  timeoutMs: number | undefined;
  headers: Record<string, string> | undefined;
  fetch: typeof fetch | undefined;
}

/** Checked connection options, ready for `postToProvider`. */
export interface ProviderConnection {
  label: string;
  url: string;
  headers: Headers;
  timeoutMs: number;
  fetch: typeof fetch;
  secret: string | undefined;
}

/** Builds an LlmError about the current call, with the secret redacted. */
export type FailFn = (message: string, code: LlmError['code'], status?: number) => LlmError;

/** An OK answer whose reads turn timeouts, aborts and dropped connections into LlmError. */
export interface ProviderAnswer {
  /** The body: SSE events, or one JSON value from a server that ignored `stream`. */
  body(): Promise<ProviderBody>;
  fail: FailFn;
}

/** The two shapes an OK answer comes in. */
export type ProviderBody =
  | { kind: 'sse'; events: AsyncGenerator<SseEvent, void, undefined> }
  | { kind: 'json'; value: unknown };

/** A provider's answer as read off the wire, before missing usage is estimated. */
export interface WireAnswer {
  text: string;
  toolCalls: LlmToolCall[];
  stopReason: string;
  /** '' when the server did not say; the requested model stands in. */
  model: string;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}

/** Checks a provider's connection options; throws LlmError 'config' without echoing header values. */
export function connectProvider(options: ProviderConnectionOptions): ProviderConnection {
  const { label, secret } = options;
  const configError = (message: string) => new LlmError(redact(`${label}: ${message}`, secret), 'config');
  const base = options.baseUrl.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(`${base}${options.path}`);
  } catch {
    throw configError(`invalid base URL ${JSON.stringify(options.baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError(`base URL must be http(s), not ${url.protocol}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw configError(`timeoutMs must be a positive number, not ${timeoutMs}`);
  const headers = new Headers({ 'content-type': 'application/json' });
  for (const [name, value] of [...Object.entries(options.auth), ...Object.entries(options.headers ?? {})]) {
    try {
      headers.set(name, value);
    } catch {
      // The platform's message quotes the value, which may be the key itself.
      throw configError(`invalid value for header ${JSON.stringify(name)}`);
    }
  }
  const doFetch = options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => fetch(input, init));
  return { label, url: url.href, headers, timeoutMs, fetch: doFetch, secret };
}

/**
 * POSTs a JSON body. Throws LlmError: 'http' for a non-2xx answer (status plus the server's own
 * message), 'timeout' when our budget ran out, 'aborted' when the caller's signal fired, 'network'
 * when the server could not be reached or dropped the connection.
 */
export async function postToProvider(
  connection: ProviderConnection,
  body: unknown,
  callerSignal: AbortSignal | undefined,
): Promise<ProviderAnswer> {
  const fail: FailFn = (message, code, status) =>
    new LlmError(truncate(redact(`${connection.label}: ${message}`, connection.secret)), code, status);
  if (callerSignal?.aborted) throw fail('the call was aborted by the caller', 'aborted');
  const timeout = AbortSignal.timeout(connection.timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
  const toLlmError = (error: unknown): LlmError => {
    if (error instanceof LlmError) return error;
    if (error instanceof SseLimitError) return fail(error.message, 'protocol');
    if (signal.aborted) {
      // AbortSignal.any keeps the reason of whichever signal fired first: that tells the two apart.
      return timeout.aborted && signal.reason === timeout.reason
        ? fail(`no complete answer within ${connection.timeoutMs} ms (timeout)`, 'timeout')
        : fail('the call was aborted by the caller', 'aborted');
    }
    const origin = new URL(connection.url).origin;
    return fail(answered ? `the connection to ${origin} dropped mid-answer: ${describeNetworkError(error)}` : `could not reach ${origin}: ${describeNetworkError(error)}`, 'network');
  };
  let answered = false; // the server answered: a network error from here on is a dropped connection

  let response: Response;
  try {
    response = await connection.fetch(connection.url, {
      method: 'POST',
      headers: connection.headers,
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw toLlmError(error);
  }

  answered = true;
  if (!response.ok) {
    const text = await readText(response, MAX_ERROR_BODY_BYTES, false).catch(() => '');
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const detail = errorDetail(text);
    throw fail(detail ? `${status}: ${detail}` : status, 'http', response.status);
  }

  async function* events(stream: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent, void, undefined> {
    try {
      yield* parseSse(stream);
    } catch (error) {
      throw toLlmError(error);
    }
  }

  const readBody = async (): Promise<ProviderBody> => {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/event-stream') && response.body) return { kind: 'sse', events: events(response.body) };
    let text: string;
    try {
      text = await readText(response, MAX_SSE_STREAM_BYTES, true);
    } catch (error) {
      throw toLlmError(error);
    }
    try {
      return { kind: 'json', value: JSON.parse(text) as unknown };
    } catch {
      // Not JSON: perhaps an event stream under the wrong content type.
    }
    if (/^data:/m.test(text)) return { kind: 'sse', events: events(streamOf(text)) };
    throw fail(`the answer is neither an event stream nor JSON: ${text}`, 'protocol');
  };

  return { body: readBody, fail };
}

/** Parses one stream chunk's JSON, which must be an object. */
export function parseChunk(data: string, fail: FailFn): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw fail(`malformed JSON in the stream: ${data}`, 'protocol');
  }
  const record = asRecord(value);
  if (!record) throw fail(`a stream chunk is not a JSON object: ${data}`, 'protocol');
  return record;
}

/** Parses a tool call's JSON arguments; '' means none. Anything but a JSON object is a protocol error. */
export function parseToolArguments(name: string, raw: string, fail: FailFn): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw fail(`tool call "${name}" has arguments that are not valid JSON: ${raw}`, 'protocol');
  }
  const record = asRecord(value);
  if (!record) throw fail(`tool call "${name}" has arguments that are not a JSON object: ${raw}`, 'protocol');
  return record;
}

/** A fresh id for a tool call whose server gave none (some local servers do not). */
export function newToolCallId(): string {
  return `call_${randomUUID()}`;
}

/** A rough token count when the provider reports none: about four characters a token. */
function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Turns a wire answer into an LlmResponse, estimating whatever usage the provider did not report. */
export function toLlmResponse(request: LlmRequest, wire: WireAnswer): LlmResponse {
  const outputChars = wire.text.length + wire.toolCalls.reduce((n, call) => n + callChars(call), 0);
  return {
    text: wire.text,
    toolCalls: wire.toolCalls,
    stopReason: wire.stopReason,
    model: wire.model || request.model,
    usage: {
      inputTokens: wire.inputTokens ?? estimateTokens(requestChars(request)),
      outputTokens: wire.outputTokens ?? estimateTokens(outputChars),
    },
  };
}

/** The characters of a request the model reads: system, messages, tool calls and tool schemas. */
function requestChars(request: LlmRequest): number {
  let chars = request.system.length;
  for (const message of request.messages) {
    chars += message.content.length;
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) chars += callChars(call);
  }
  for (const tool of request.tools) chars += tool.name.length + tool.description.length + JSON.stringify(tool.parameters).length;
  return chars;
}

function callChars(call: LlmToolCall): number {
  return call.name.length + JSON.stringify(call.arguments).length;
}

/** The value as a plain object, or undefined (JSON off the wire is checked where it is used). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The value as an array, or an empty one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value if it is a string. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value if it is a finite number. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A wire error object (`{message, type}`) or string, as one line. */
export function describeWireError(error: unknown): string {
  const record = asRecord(error);
  if (!record) return typeof error === 'string' ? error : JSON.stringify(error);
  const message = asString(record.message) ?? JSON.stringify(record);
  const type = asString(record.type);
  return type ? `${type}: ${message}` : message;
}

/** The server's own message from an error body: `error.message` (OpenAI, Anthropic), else the text. */
function errorDetail(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.replace(/\s+/g, ' ').trim();
  }
  const body = asRecord(value);
  const error = body?.error;
  const message =
    asString(asRecord(error)?.message) ?? asString(error) ?? asString(body?.message) ?? asString(body?.detail);
  return message ?? text.replace(/\s+/g, ' ').trim();
}

function describeNetworkError(error: unknown): string {
  // undici reports TypeError('fetch failed') and keeps the socket's error as its cause.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
}

function redact(message: string, secret: string | undefined): string {
  // A very short "key" is a placeholder (Ollama takes any), and replacing it would garble the message.
  return secret && secret.length >= 4 ? message.split(secret).join('[redacted]') : message;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}

/**
 * A body as text, read up to `max` bytes: past it, the rest is not read (the connection is closed)
 * and the text so far is returned, or with `fail`, SseLimitError says so.
 */
async function readText(response: Response, max: number, fail: boolean): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      bytes += value.length;
      if (bytes > max) {
        if (fail) throw new SseLimitError(`the answer passed ${max / 1024 / 1024} MiB`);
        return text + decoder.decode(value.subarray(0, value.length - (bytes - max)));
      }
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
