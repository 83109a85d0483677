/**
 * The Anthropic Messages API provider (POST {baseUrl}/v1/messages), always streaming. The HTTP
 * plumbing (errors, timeouts, key redaction, usage estimates) is shared with openai.ts in http.ts.
 */
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  connectProvider,
  newToolCallId,
  parseChunk,
  parseToolArguments,
  postToProvider,
  toLlmResponse,
  type FailFn,
  type ProviderConnection,
  type WireAnswer,
} from './http.js';
import type {
  LlmCallOptions,
  LlmError,
  LlmMessage,
  LlmProvider,
  LlmRequest,
  LlmResponse,
  LlmToolCall,
} from './provider.js';
import type { SseEvent } from './sse.js';

/** Where Anthropic's API lives unless a proxy is configured. */
const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** The API version this provider speaks. */
const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires `max_tokens`; this is used when the request sets none. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/** Options of the Anthropic provider. */
export interface AnthropicProviderOptions {
  /** Without the API version: 'https://api.anthropic.com' (the default) or a proxy's root. */
  baseUrl?: string;
  /** Sent as `x-api-key`. */
  apiKey?: string;
  /** Budget for the whole call, streaming included (default ten minutes). */
  timeoutMs?: number;
  /** Extra headers (`anthropic-beta`, a proxy's auth); they override the provider's own. */
  headers?: Record<string, string>;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** A provider for Anthropic's Messages API. */
export class AnthropicProvider implements LlmProvider {
  readonly kind = 'anthropic';
  readonly #connection: ProviderConnection;

  /** Checks the options now, so a bad base URL or header fails at startup rather than on the first call. */
  constructor(options: AnthropicProviderOptions = {}) {
    this.#connection = connectProvider({
      label: 'Anthropic',
      baseUrl: options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
      path: '/v1/messages',
      auth: { 'anthropic-version': ANTHROPIC_VERSION, ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}) },
      secret: options.apiKey,
      timeoutMs: options.timeoutMs,
      headers: options.headers,
      fetch: options.fetch,
    });
  }

  /** Sends the request with `stream: true` and assembles the streamed (or plain JSON) answer. */
  async complete(request: LlmRequest, options: LlmCallOptions = {}): Promise<LlmResponse> {
    const answer = await postToProvider(this.#connection, toAnthropicBody(request), options.signal);
    const body = await answer.body();
    const wire =
      body.kind === 'sse'
        ? await readAnthropicStream(body.events, options.onText, answer.fail)
        : readAnthropicJson(body.value, options.onText, answer.fail);
    return toLlmResponse(request, wire);
  }
}

function toAnthropicBody(request: LlmRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: toAnthropicMessages(request.messages),
    stream: true,
  };
  if (request.system) body.system = request.system;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      // Anthropic insists on an object schema; a tool without parameters often sends `{}`.
      input_schema: { type: 'object', ...tool.parameters },
    }));
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  return body;
}

function toAnthropicMessages(messages: LlmMessage[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // The content of the user message that tool results are being gathered into, if the last one was.
  let toolResults: Record<string, unknown>[] | undefined;
  for (const message of messages) {
    if (message.role === 'tool') {
      const block = { type: 'tool_result', tool_use_id: message.toolCallId, content: message.content, ...(message.isError && { is_error: true }) };
      // All results for one assistant turn must travel in the single user message that follows it.
      if (toolResults) toolResults.push(block);
      else {
        toolResults = [block];
        out.push({ role: 'user', content: toolResults });
      }
      continue;
    }
    toolResults = undefined;
    if (message.role === 'user') {
      out.push({ role: 'user', content: message.content });
      continue;
    }
    const calls = message.toolCalls ?? [];
    if (calls.length === 0) {
      out.push({ role: 'assistant', content: message.content });
      continue;
    }
    const content: Record<string, unknown>[] = [];
    // Anthropic rejects empty text blocks.
    if (message.content) content.push({ type: 'text', text: message.content });
    for (const call of calls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
    out.push({ role: 'assistant', content });
  }
  return out;
}

/** A content block being assembled from stream events. */
type PendingBlock =
  | { kind: 'text' }
  | { kind: 'tool'; id: string; name: string; json: string; input: unknown; call?: LlmToolCall };

async function readAnthropicStream(
  events: AsyncIterable<SseEvent>,
  onText: ((delta: string) => void) | undefined,
  fail: FailFn,
): Promise<WireAnswer> {
  let text = '';
  let model = '';
  let stopReason: string | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let stopped = false;
  const blocks = new Map<number, PendingBlock>();
  const addText = (delta: string | undefined) => {
    if (!delta) return;
    text += delta;
    onText?.(delta);
  };
  for await (const event of events) {
    const data = parseChunk(event.data, fail);
    switch (asString(data.type) ?? event.event) {
      case 'message_start': {
        const message = asRecord(data.message);
        model = asString(message?.model) ?? model;
        const usage = asRecord(message?.usage);
        inputTokens = inputTokensOf(usage) ?? inputTokens;
        outputTokens = asNumber(usage?.output_tokens) ?? outputTokens;
        break;
      }
      case 'content_block_start': {
        const index = asNumber(data.index);
        const block = asRecord(data.content_block);
        if (index === undefined || !block) break;
        if (block.type === 'text') {
          blocks.set(index, { kind: 'text' });
          addText(asString(block.text));
        } else if (block.type === 'tool_use') {
          blocks.set(index, { kind: 'tool', id: asString(block.id) ?? '', name: asString(block.name) ?? '', json: '', input: block.input });
        }
        // Thinking and server-tool blocks have no place in LlmResponse.
        break;
      }
      case 'content_block_delta': {
        const block = blocks.get(asNumber(data.index) ?? -1);
        const delta = asRecord(data.delta);
        if (delta?.type === 'text_delta') addText(asString(delta.text));
        else if (delta?.type === 'input_json_delta' && block?.kind === 'tool') block.json += asString(delta.partial_json) ?? '';
        break;
      }
      case 'content_block_stop': {
        const block = blocks.get(asNumber(data.index) ?? -1);
        if (block?.kind === 'tool') block.call = toToolCall(block, fail);
        break;
      }
      case 'message_delta': {
        stopReason = asString(asRecord(data.delta)?.stop_reason) ?? stopReason;
        // Counts here are cumulative, so they replace what message_start said.
        const usage = asRecord(data.usage);
        inputTokens = inputTokensOf(usage) ?? inputTokens;
        outputTokens = asNumber(usage?.output_tokens) ?? outputTokens;
        break;
      }
      case 'message_stop':
        stopped = true;
        break;
      case 'error':
        throw anthropicError(data.error, fail);
      default:
        break; // ping, and event types newer than this code
    }
    if (stopped) break;
  }
  if (!stopped) throw fail('the stream ended before message_stop', 'protocol');
  const toolCalls = [...blocks.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, block]) => (block.kind === 'tool' ? [block.call ?? toToolCall(block, fail)] : []));
  return { text, toolCalls, model, stopReason: mapStopReason(stopReason), inputTokens, outputTokens };
}

/** Reads a plain JSON message, from a compatible server that ignored `stream: true`. */
function readAnthropicJson(value: unknown, onText: ((delta: string) => void) | undefined, fail: FailFn): WireAnswer {
  const body = asRecord(value);
  if (!body) throw fail('the answer is not a JSON object', 'protocol');
  if (body.type === 'error') throw anthropicError(body.error, fail);
  let text = '';
  const toolCalls: LlmToolCall[] = [];
  for (const item of asArray(body.content)) {
    const block = asRecord(item);
    if (block?.type === 'text') text += asString(block.text) ?? '';
    else if (block?.type === 'tool_use') {
      const name = asString(block.name) ?? '';
      toolCalls.push(toToolCall({ kind: 'tool', id: asString(block.id) ?? '', name, json: '', input: block.input }, fail));
    }
  }
  if (text) onText?.(text); // the interface's promise: non-streamed text arrives in one call
  const usage = asRecord(body.usage);
  return {
    text,
    toolCalls,
    model: asString(body.model) ?? '',
    stopReason: mapStopReason(asString(body.stop_reason)),
    inputTokens: inputTokensOf(usage),
    outputTokens: asNumber(usage?.output_tokens),
  };
}

function toToolCall(block: Extract<PendingBlock, { kind: 'tool' }>, fail: FailFn): LlmToolCall {
  if (!block.name) throw fail('a tool_use block has no name', 'protocol');
  // Streamed input arrives as partial JSON; a tool without arguments may send none and keep `input`.
  let args: Record<string, unknown>;
  if (block.json.trim() !== '') args = parseToolArguments(block.name, block.json, fail);
  else if (block.input === undefined) args = {};
  else {
    const input = asRecord(block.input);
    if (!input) throw fail(`tool call "${block.name}" has an input that is not a JSON object`, 'protocol');
    args = input;
  }
  return { id: block.id || newToolCallId(), name: block.name, arguments: args };
}

function inputTokensOf(usage: Record<string, unknown> | undefined): number | undefined {
  const input = asNumber(usage?.input_tokens);
  if (input === undefined) return undefined;
  // input_tokens leaves out prompt-cache reads and writes, which the model read all the same.
  return input + (asNumber(usage?.cache_creation_input_tokens) ?? 0) + (asNumber(usage?.cache_read_input_tokens) ?? 0);
}

function mapStopReason(reason: string | undefined): string {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
      return 'max_tokens';
    default:
      return reason ?? 'stop';
  }
}

// Anthropic documents one HTTP status per error type. An error that arrives inside a 200 stream
// gets that status, so a retry policy can treat a mid-stream overload like a 529 answer.
const ERROR_STATUS = new Map<string, number>([
  ['invalid_request_error', 400],
  ['authentication_error', 401],
  ['permission_error', 403],
  ['not_found_error', 404],
  ['request_too_large', 413],
  ['rate_limit_error', 429],
  ['api_error', 500],
  ['overloaded_error', 529],
]);

function anthropicError(error: unknown, fail: FailFn): LlmError {
  const record = asRecord(error);
  const type = asString(record?.type) ?? 'unknown_error';
  const message = asString(record?.message) ?? 'no message';
  const status = ERROR_STATUS.get(type);
  return status === undefined
    ? fail(`error in the stream (${type}): ${message}`, 'protocol')
    : fail(`error in the stream (${type}, as HTTP ${status}): ${message}`, 'http', status);
}
