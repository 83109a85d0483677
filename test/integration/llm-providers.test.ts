import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../agents/llm/anthropic.js';
import { OpenAiProvider } from '../../agents/llm/openai.js';
import { LlmError, type LlmProvider, type LlmRequest } from '../../agents/llm/provider.js';
import {
  ANTHROPIC_PATH,
  anthropicStream,
  anthropicStreamError,
  httpError,
  OPENAI_PATH,
  openAiJson,
  openAiTextStream,
  openAiToolCallStream,
  startFakeLlmServer,
  type CannedResponse,
  type FakeLlmServer,
} from '../helpers/fake-llm-server.js';
import { freePort } from '../helpers/ports.js';

const KEY = 'sk-test-SECRET-0123456789abcdef';

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const simple: LlmRequest = {
  model: 'test-model',
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'Say something.' }],
  tools: [],
};

/** A conversation with every message kind: a tool-calling turn, two results, then a user follow-up. */
const conversation: LlmRequest = {
  model: 'test-model',
  system: 'You are a weather bot.',
  messages: [
    { role: 'user', content: 'Weather in Paris and Oslo?' },
    {
      role: 'assistant',
      content: 'Checking.',
      toolCalls: [
        { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'call_2', name: 'get_weather', arguments: { city: 'Oslo' } },
      ],
    },
    { role: 'tool', toolCallId: 'call_1', name: 'get_weather', content: '18C sunny' },
    { role: 'tool', toolCallId: 'call_2', name: 'get_weather', content: '4C rain', isError: true },
    { role: 'user', content: 'Thanks. And Rome?' },
  ],
  tools: [WEATHER_TOOL],
  maxTokens: 256,
  temperature: 0.2,
};

/** The LlmError a promise rejects with (fails the test if it resolves or throws something else). */
async function llmError(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

let server: FakeLlmServer;
beforeEach(async () => {
  server = await startFakeLlmServer();
});
afterEach(async () => {
  await server.close();
});

const openai = (extra: { timeoutMs?: number; headers?: Record<string, string> } = {}) =>
  new OpenAiProvider({ baseUrl: `${server.url}/v1`, apiKey: KEY, ...extra });
const anthropic = (extra: { timeoutMs?: number; headers?: Record<string, string> } = {}) =>
  new AnthropicProvider({ baseUrl: server.url, apiKey: KEY, ...extra });

describe('OpenAiProvider', () => {
  it('streams text: onText deltas arrive in order and concatenate to the final text', async () => {
    server.enqueue({ ...openAiTextStream(['Hel', 'lo, ', 'wörld 🚀'], { model: 'gpt-served' }), pieceDelayMs: 5 });
    const deltas: string[] = [];
    const response = await openai().complete(simple, { onText: (d) => deltas.push(d) });
    expect(deltas).toEqual(['Hel', 'lo, ', 'wörld 🚀']);
    expect(response.text).toBe('Hello, wörld 🚀');
    expect(response).toMatchObject({ toolCalls: [], stopReason: 'stop', model: 'gpt-served', usage: { inputTokens: 11, outputTokens: 7 } });
  });

  it('survives the byte stream being cut at every few bytes, through multi-byte characters', async () => {
    server.enqueue({ ...openAiTextStream(['漢字', ' and ', 'émoji 🚀']), sliceBytes: 3 });
    const deltas: string[] = [];
    const response = await openai().complete(simple, { onText: (d) => deltas.push(d) });
    expect(deltas).toEqual(['漢字', ' and ', 'émoji 🚀']);
    expect(response.text).toBe('漢字 and émoji 🚀');
  });

  it('sends system first, assistant tool_calls as JSON strings, tool results with tool_call_id, and the tools', async () => {
    server.enqueue(openAiTextStream(['ok']));
    await openai({ headers: { 'x-extra': 'yes' } }).complete(conversation);
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(OPENAI_PATH);
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-extra']).toBe('yes');
    expect(request?.body).toEqual({
      model: 'test-model',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 256,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are a weather bot.' },
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: '4C rain' },
        { role: 'user', content: 'Thanks. And Rome?' },
      ],
      tools: [{ type: 'function', function: WEATHER_TOOL }],
    });
  });

  it('leaves out tools, max_tokens and temperature when the request has none, and auth when there is no key', async () => {
    server.enqueue(openAiTextStream(['ok']));
    await new OpenAiProvider({ baseUrl: `${server.url}/v1/` }).complete(simple);
    const request = server.requests[0];
    expect(request?.path).toBe(OPENAI_PATH); // trailing slash of the base URL tolerated
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.keys(request?.body as object).sort()).toEqual(['messages', 'model', 'stream', 'stream_options']);
  });

  it('assembles tool calls whose arguments arrive in pieces, interleaved across calls, keyed by index', async () => {
    server.enqueue(
      openAiToolCallStream(
        [
          { id: 'call_a', name: 'get_weather', argumentPieces: ['{"ci', 'ty": "Pa', 'ris"}'] },
          { id: 'call_b', name: 'lookup', argumentPieces: ['{"q":', ' "x", "n"', ': [1, 2]}'] },
        ],
        { interleave: true, usage: { prompt_tokens: 40, completion_tokens: 12 } },
      ),
    );
    const response = await openai().complete({ ...simple, tools: [WEATHER_TOOL] });
    expect(response.toolCalls).toEqual([
      { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'call_b', name: 'lookup', arguments: { q: 'x', n: [1, 2] } },
    ]);
    expect(response.stopReason).toBe('tool_calls');
    expect(response.text).toBe('');
    expect(response.usage).toEqual({ inputTokens: 40, outputTokens: 12 });
  });

  it("maps finish_reason 'length' to 'max_tokens'", async () => {
    server.enqueue(openAiTextStream(['cut'], { finishReason: 'length' }));
    expect((await openai().complete(simple)).stopReason).toBe('max_tokens');
  });

  it('accepts a stream without [DONE] when it has a finish_reason', async () => {
    server.enqueue(openAiTextStream(['fine'], { omitDone: true }));
    expect((await openai().complete(simple)).text).toBe('fine');
  });

  it('estimates usage as ceil(chars / 4) when the server reports none', async () => {
    server.enqueue(openAiTextStream(['abcde', 'fghij'], { usage: null }));
    const response = await openai().complete(simple);
    // 'You are terse.' + 'Say something.' = 28 chars -> 7; 'abcdefghij' = 10 chars -> 3.
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('reads a plain JSON completion from a server that ignores stream, calling onText once', async () => {
    server.enqueue(
      openAiJson(
        {
          content: 'Here you go.',
          tool_calls: [{ id: 'call_j', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
        },
        { finishReason: 'tool_calls', usage: { prompt_tokens: 30, completion_tokens: 5 }, model: 'local-model' },
      ),
    );
    const deltas: string[] = [];
    const response = await openai().complete(simple, { onText: (d) => deltas.push(d) });
    expect(deltas).toEqual(['Here you go.']);
    expect(response).toEqual({
      text: 'Here you go.',
      toolCalls: [{ id: 'call_j', name: 'get_weather', arguments: { city: 'Rome' } }],
      stopReason: 'tool_calls',
      model: 'local-model',
      usage: { inputTokens: 30, outputTokens: 5 },
    });
  });

  it("rejects tool arguments that are not valid JSON with 'protocol', naming the tool", async () => {
    server.enqueue(openAiToolCallStream([{ id: 'call_x', name: 'get_weather', argumentPieces: ['{"city": ', '"Par'] }]));
    const error = await llmError(openai().complete(simple));
    expect(error.code).toBe('protocol');
    expect(error.message).toContain('get_weather');
  });

  it("rejects a stream cut off before any finish_reason or [DONE] with 'protocol'", async () => {
    const full = openAiTextStream(['never', 'finished']);
    server.enqueue({ ...full, pieces: full.pieces.slice(0, 2) });
    expect((await llmError(openai().complete(simple))).code).toBe('protocol');
  });

  it('lets an exception thrown by onText through unchanged', async () => {
    server.enqueue(openAiTextStream(['a', 'b']));
    const boom = new Error('consumer bug');
    await expect(
      openai().complete(simple, {
        onText: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
  });

  runSharedErrorTests({
    make: (options) => openai(options),
    path: OPENAI_PATH,
    textStream: (chunks) => openAiTextStream(chunks),
    // role chunk, then 'first'
    stalledAfterFirst: () => {
      const stream = openAiTextStream(['first']);
      return { ...stream, pieces: stream.pieces.slice(0, 2), hang: true };
    },
  });
});

describe('AnthropicProvider', () => {
  it('streams text: onText deltas concatenate to the final text; usage comes from message_start and message_delta', async () => {
    server.enqueue({ ...anthropicStream({ text: ['Bon', 'jour, ', 'monde ✨'] }, { inputTokens: 33, outputTokens: 8, model: 'claude-x' }), pieceDelayMs: 5 });
    const deltas: string[] = [];
    const response = await anthropic().complete(simple, { onText: (d) => deltas.push(d) });
    expect(deltas).toEqual(['Bon', 'jour, ', 'monde ✨']);
    expect(response).toEqual({
      text: 'Bonjour, monde ✨',
      toolCalls: [],
      stopReason: 'stop',
      model: 'claude-x',
      usage: { inputTokens: 33, outputTokens: 8 },
    });
  });

  it('sends system at the top level, tool_use blocks, merged tool_result blocks and input_schema tools', async () => {
    server.enqueue(anthropicStream({ text: ['ok'] }));
    await anthropic().complete(conversation);
    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(ANTHROPIC_PATH);
    expect(request?.headers['x-api-key']).toBe(KEY);
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual({
      model: 'test-model',
      system: 'You are a weather bot.',
      max_tokens: 256,
      temperature: 0.2,
      stream: true,
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18C sunny' },
            { type: 'tool_result', tool_use_id: 'call_2', content: '4C rain', is_error: true },
          ],
        },
        { role: 'user', content: 'Thanks. And Rome?' },
      ],
      tools: [{ name: 'get_weather', description: 'Current weather for a city', input_schema: WEATHER_TOOL.parameters }],
    });
  });

  it('defaults max_tokens to 1024 and leaves out system, tools and temperature when absent', async () => {
    server.enqueue(anthropicStream({ text: ['ok'] }));
    await anthropic().complete({ ...simple, system: '' });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.max_tokens).toBe(1024);
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
  });

  it('assembles tool_use input sent as partial JSON pieces, after text', async () => {
    server.enqueue(
      anthropicStream({
        text: ['Let me check.'],
        toolUses: [
          { id: 'toolu_1', name: 'get_weather', jsonPieces: ['', '{"city"', ': "Os', 'lo"}'] },
          { id: 'toolu_2', name: 'no_args', jsonPieces: [] },
        ],
      }),
    );
    const response = await anthropic().complete({ ...simple, tools: [WEATHER_TOOL] });
    expect(response.text).toBe('Let me check.');
    expect(response.toolCalls).toEqual([
      { id: 'toolu_1', name: 'get_weather', arguments: { city: 'Oslo' } },
      { id: 'toolu_2', name: 'no_args', arguments: {} },
    ]);
    expect(response.stopReason).toBe('tool_calls');
  });

  it("maps stop_reason 'max_tokens' and passes unknown ones through", async () => {
    server.enqueue(anthropicStream({ text: ['cut'] }, { stopReason: 'max_tokens' }));
    server.enqueue(anthropicStream({ text: ['x'] }, { stopReason: 'refusal' }));
    expect((await anthropic().complete(simple)).stopReason).toBe('max_tokens');
    expect((await anthropic().complete(simple)).stopReason).toBe('refusal');
  });

  it("turns an error event inside the stream into an LlmError, overload as 'http' 529", async () => {
    server.enqueue(anthropicStreamError('overloaded_error', 'Overloaded'));
    const error = await llmError(anthropic().complete(simple));
    expect(error.code).toBe('http');
    expect(error.status).toBe(529);
    expect(error.message).toContain('Overloaded');
  });

  it("rejects tool input that is not valid JSON with 'protocol', naming the tool", async () => {
    server.enqueue(anthropicStream({ toolUses: [{ id: 'toolu_x', name: 'get_weather', jsonPieces: ['{"city": "Par', 'is"'] }] }));
    const error = await llmError(anthropic().complete(simple));
    expect(error.code).toBe('protocol');
    expect(error.message).toContain('get_weather');
  });

  it("rejects a stream cut off before message_stop with 'protocol'", async () => {
    const full = anthropicStream({ text: ['never', 'finished'] });
    server.enqueue({ ...full, pieces: full.pieces.slice(0, 4) });
    expect((await llmError(anthropic().complete(simple))).code).toBe('protocol');
  });

  it('posts to https://api.anthropic.com/v1/messages by default', async () => {
    // A stand-in fetch: nothing leaves the machine.
    const urls: string[] = [];
    const canned = anthropicStream({ text: ['hi'] });
    const provider = new AnthropicProvider({
      apiKey: KEY,
      fetch: async (input) => {
        urls.push(String(input));
        return new Response(canned.pieces.join(''), { headers: canned.headers });
      },
    });
    expect((await provider.complete(simple)).text).toBe('hi');
    expect(urls).toEqual(['https://api.anthropic.com/v1/messages']);
  });

  runSharedErrorTests({
    make: (options) => anthropic(options),
    path: ANTHROPIC_PATH,
    textStream: (chunks) => anthropicStream({ text: chunks }),
    // message_start, content_block_start, ping, then 'first'
    stalledAfterFirst: () => {
      const stream = anthropicStream({ text: ['first'] });
      return { ...stream, pieces: stream.pieces.slice(0, 4), hang: true };
    },
  });
});

/** HTTP errors, timeouts, aborts and unreachable servers behave the same for both providers. */
function runSharedErrorTests(protocol: {
  make: (options?: { timeoutMs?: number }) => LlmProvider;
  path: string;
  textStream: (chunks: string[]) => CannedResponse;
  /** A stream that sends the text delta 'first' and then stalls. */
  stalledAfterFirst: () => CannedResponse;
}): void {
  const { make, path, textStream, stalledAfterFirst } = protocol;
  describe('failures', () => {
    it.each([
      [401, `Incorrect API key provided: ${KEY}`, 'Incorrect API key provided'],
      [429, 'Rate limit reached for requests', 'Rate limit reached for requests'],
      [500, 'The server had an error while processing your request', 'The server had an error'],
    ])("HTTP %i -> 'http' with the status and the server's message, never the key", async (status, sent, shown) => {
      server.enqueue(httpError(status, sent, path));
      const error = await llmError(make().complete(simple));
      expect(error.code).toBe('http');
      expect(error.status).toBe(status);
      expect(error.message).toContain(String(status));
      expect(error.message).toContain(shown);
      expect(error.message).not.toContain(KEY);
    });

    it('shows a non-JSON error body (a proxy page) as text', async () => {
      server.enqueue({ status: 502, headers: { 'content-type': 'text/html' }, pieces: ['<h1>Bad   gateway</h1>'], path });
      const error = await llmError(make().complete(simple));
      expect(error).toMatchObject({ code: 'http', status: 502 });
      expect(error.message).toContain('<h1>Bad gateway</h1>');
    });

    it("answers 'timeout' when the server is slower than timeoutMs", async () => {
      server.enqueue({ ...textStream(['late']), delayMs: 10_000 });
      const error = await llmError(make({ timeoutMs: 200 }).complete(simple));
      expect(error.code).toBe('timeout');
    });

    it("answers 'timeout' when the stream stalls midway", async () => {
      server.enqueue(stalledAfterFirst());
      const provider = make({ timeoutMs: 300 });
      const deltas: string[] = [];
      const error = await llmError(provider.complete(simple, { onText: (d) => deltas.push(d) }));
      expect(error.code).toBe('timeout');
      expect(deltas).toEqual(['first']);
    });

    it("answers 'aborted' when the caller's signal fires while waiting for the server", async () => {
      server.enqueue({ ...textStream(['late']), delayMs: 10_000 });
      const controller = new AbortController();
      const call = make().complete(simple, { signal: controller.signal });
      await server.waitForRequests(1);
      controller.abort();
      expect((await llmError(call)).code).toBe('aborted');
    });

    it("answers 'aborted' when the caller's signal fires mid-stream", async () => {
      server.enqueue(stalledAfterFirst());
      const controller = new AbortController();
      const error = await llmError(make().complete(simple, { signal: controller.signal, onText: () => controller.abort() }));
      expect(error.code).toBe('aborted');
    });

    it("answers 'aborted' at once for a signal that already fired, without a request", async () => {
      const error = await llmError(make().complete(simple, { signal: AbortSignal.abort() }));
      expect(error.code).toBe('aborted');
      expect(server.requests).toHaveLength(0);
    });

    it("answers 'network' when nothing listens on the port", async () => {
      const port = await freePort();
      const provider =
        path === OPENAI_PATH
          ? new OpenAiProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY })
          : new AnthropicProvider({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
      const error = await llmError(provider.complete(simple));
      expect(error.code).toBe('network');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain(KEY);
    });
  });
}
