/**
 * The OpenAI-compatible Chat Completions provider: with a base URL it serves OpenAI, Groq, Ollama,
 * LM Studio and vLLM. The HTTP plumbing it shares with anthropic.ts lives in http.ts.
 */
import {
  type LlmCallOptions,
  type LlmMessage,
  type LlmProvider,
  type LlmRequest,
  type LlmResponse,
  type LlmToolCall,
} from './provider.js';
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  connectProvider,
  describeWireError,
  newToolCallId,
  parseChunk,
  parseToolArguments,
  postToProvider,
  toLlmResponse,
  type FailFn,
  type ProviderConnection,
  type WireAnswer,
} from './http.js';
import type { SseEvent } from './sse.js';

/** Options of the OpenAI-compatible provider. */
export interface OpenAiProviderOptions {
  /** Up to and including the API version: 'https://api.openai.com/v1', 'http://127.0.0.1:11434/v1'. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; local servers (Ollama, LM Studio) need none. */
  apiKey?: string;
  /** Budget for the whole call, streaming included (default ten minutes). */
  timeoutMs?: number;
  /** Extra headers (an organization, a proxy's auth); they override the provider's own. */
  headers?: Record<string, string>;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** A provider for any server that speaks OpenAI's Chat Completions, always streaming. */
export class OpenAiProvider implements LlmProvider {
  readonly kind = 'openai';
  readonly #connection: ProviderConnection;

  /** Checks the options now, so a bad base URL or header fails at startup rather than on the first call. */
  constructor(options: OpenAiProviderOptions) {
    this.#connection = connectProvider({
      label: 'OpenAI-compatible server',
      baseUrl: options.baseUrl,
      path: '/chat/completions',
      auth: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      secret: options.apiKey,
      timeoutMs: options.timeoutMs,
      headers: options.headers,
      fetch: options.fetch,
    });
  }

  /** Sends the request with `stream: true` and assembles the streamed (or plain JSON) answer. */
  async complete(request: LlmRequest, options: LlmCallOptions = {}): Promise<LlmResponse> {
    const answer = await postToProvider(this.#connection, toOpenAiBody(request), options.signal);
    const body = await answer.body();
    const wire =
      body.kind === 'sse'
        ? await readOpenAiStream(body.events, options.onText, answer.fail)
        : readOpenAiJson(body.value, options.onText, answer.fail);
    return toLlmResponse(request, wire);
  }
}

function toOpenAiBody(request: LlmRequest): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push(toOpenAiMessage(message));
  const body: Record<string, unknown> = {
    model: request.model,
    messages,
    stream: true,
    // Without this the stream carries no token counts at all.
    stream_options: { include_usage: true },
  };
  // OpenAI rejects an empty `tools` array, so none means no key.
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  return body;
}

function toOpenAiMessage(message: LlmMessage): Record<string, unknown> {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // null, not '', is what OpenAI itself sends for a tool-calls-only turn.
        content: message.content === '' ? null : message.content,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

/** A tool call being assembled from stream deltas. */
interface PendingCall {
  id: string;
  name: string;
  args: string;
}

async function readOpenAiStream(
  events: AsyncIterable<SseEvent>,
  onText: ((delta: string) => void) | undefined,
  fail: FailFn,
): Promise<WireAnswer> {
  let text = '';
  let model = '';
  let finish: string | undefined;
  let usage: Record<string, unknown> | undefined;
  let sawDone = false;
  const calls = new Map<number, PendingCall>();
  for await (const event of events) {
    if (event.data.trim() === '[DONE]') {
      sawDone = true;
      break;
    }
    const chunk = parseChunk(event.data, fail);
    if (chunk.error !== undefined) throw fail(`error in the stream: ${describeWireError(chunk.error)}`, 'protocol');
    model ||= asString(chunk.model) ?? '';
    usage = asRecord(chunk.usage) ?? usage;
    for (const item of asArray(chunk.choices)) {
      const choice = asRecord(item);
      // We never ask for n > 1, so only the first choice is ours.
      if (!choice || (asNumber(choice.index) ?? 0) !== 0) continue;
      const delta = asRecord(choice.delta);
      const content = asString(delta?.content);
      if (content) {
        text += content;
        onText?.(content);
      }
      asArray(delta?.tool_calls).forEach((call, position) => addToolCallDelta(calls, call, position));
      finish = asString(choice.finish_reason) ?? finish;
    }
  }
  // Servers that skip [DONE] still send a finish_reason; a stream with neither was cut short.
  if (!sawDone && finish === undefined) throw fail('the stream ended before the answer was complete', 'protocol');
  const toolCalls = finishToolCalls(calls, fail);
  return {
    text,
    toolCalls,
    model,
    stopReason: mapFinishReason(finish, toolCalls.length > 0),
    inputTokens: asNumber(usage?.prompt_tokens),
    outputTokens: asNumber(usage?.completion_tokens),
  };
}

/** Reads a plain JSON completion, from a server that ignored `stream: true`. */
function readOpenAiJson(value: unknown, onText: ((delta: string) => void) | undefined, fail: FailFn): WireAnswer {
  const body = asRecord(value);
  if (!body) throw fail('the answer is not a JSON object', 'protocol');
  if (body.error !== undefined) throw fail(`error: ${describeWireError(body.error)}`, 'protocol');
  const choice = asRecord(asArray(body.choices)[0]);
  if (!choice) throw fail('the answer has no choices', 'protocol');
  const message = asRecord(choice.message);
  const text = asString(message?.content) ?? '';
  const calls = new Map<number, PendingCall>();
  asArray(message?.tool_calls).forEach((call, position) => addToolCallDelta(calls, call, position));
  const toolCalls = finishToolCalls(calls, fail);
  if (text) onText?.(text); // the interface's promise: non-streamed text arrives in one call
  const usage = asRecord(body.usage);
  return {
    text,
    toolCalls,
    model: asString(body.model) ?? '',
    stopReason: mapFinishReason(asString(choice.finish_reason), toolCalls.length > 0),
    inputTokens: asNumber(usage?.prompt_tokens),
    outputTokens: asNumber(usage?.completion_tokens),
  };
}

/** Folds one tool-call delta in: id and name arrive first, arguments in pieces, all keyed by index. */
function addToolCallDelta(calls: Map<number, PendingCall>, value: unknown, position: number): void {
  const delta = asRecord(value);
  if (!delta) return;
  // Non-streamed answers carry no index; their position in the array stands in for it.
  const index = asNumber(delta.index) ?? position;
  let call = calls.get(index);
  if (!call) {
    call = { id: '', name: '', args: '' };
    calls.set(index, call);
  }
  const fn = asRecord(delta.function);
  call.id ||= asString(delta.id) ?? '';
  call.name ||= asString(fn?.name) ?? '';
  const args = fn?.arguments;
  if (typeof args === 'string') call.args += args;
  else if (asRecord(args)) call.args += JSON.stringify(args); // a few servers send an object
}

function finishToolCalls(calls: Map<number, PendingCall>, fail: FailFn): LlmToolCall[] {
  return [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, call]) => {
      if (!call.name) throw fail(`tool call #${index} has no function name`, 'protocol');
      return { id: call.id || newToolCallId(), name: call.name, arguments: parseToolArguments(call.name, call.args, fail) };
    });
}

function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): string {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'length':
      return 'max_tokens';
    case undefined:
      return hasToolCalls ? 'tool_calls' : 'stop'; // [DONE] without a finish_reason
    default:
      return reason;
  }
}
