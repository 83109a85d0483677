/**
 * A fake OpenAI-compatible and Anthropic server on 127.0.0.1 for provider tests: each test queues
 * canned answers (built with the helpers below) and reads back every request it received.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';

/** Path an OpenAiProvider with baseUrl `${url}/v1` posts to. */
export const OPENAI_PATH = '/v1/chat/completions';
/** Path an AnthropicProvider with baseUrl `url` posts to. */
export const ANTHROPIC_PATH = '/v1/messages';

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
}

/** One scripted answer. */
export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  /** Written in order, each with its own write (and `pieceDelayMs` between), to make stream chunks. */
  pieces: string[];
  /** Answer only a request for this path; any other gets a 404, so a wrong URL fails loudly. */
  path?: string;
  /** Wait this long before sending anything (set it beyond a client's timeout to test that). */
  delayMs?: number;
  /** Pause between pieces, so they tend to reach the client as separate reads. */
  pieceDelayMs?: number;
  /** Cut every piece into slices of this many bytes, ignoring UTF-8 and line boundaries on purpose. */
  sliceBytes?: number;
  /** Keep the connection open after the last piece, as a stalled server would. */
  hang?: boolean;
  /** After the pieces, write `piece` every `everyMs` (0: as fast as the client reads) until the client goes away. */
  forever?: { piece: string; everyMs: number };
  /** After the pieces, reset the connection (TCP RST) instead of ending the answer. */
  reset?: boolean;
}

/** A running fake server. */
export interface FakeLlmServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues answers; each request takes the next one (none left: a 500 saying so). */
  enqueue(...responses: CannedResponse[]): void;
  /** Resolves once `count` requests have arrived in total. */
  waitForRequests(count: number): Promise<void>;
  /** Answers still being written to a connected client (a hung or endless one the client never closed). */
  inFlight(): number;
  /** Stops the server, cutting any connection still open. */
  close(): Promise<void>;
}

/** Options of {@link startFakeLlmServer}. */
export interface FakeLlmServerOptions {
  /** Listen on this port (to restart a server where a topology points); a free one by default. */
  port?: number;
  /** Answers a request when the queue is empty (a server that computes its answers), instead of a 500. */
  respond?: (request: RecordedRequest) => CannedResponse;
}

/** Starts a fake LLM server on 127.0.0.1 and a free port. */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const requests: RecordedRequest[] = [];
  const queue: CannedResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  // Aborts every pending delay at close(), so no timer outlives the test.
  const closing = new AbortController();
  let playing = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // keep the raw text
      }
      const path = req.url ?? '';
      const request = { method: req.method ?? '', path, headers: req.headers, body };
      requests.push(request);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const canned = queue.shift() ?? options.respond?.(request);
      if (!canned) return sendJson(res, 500, { error: { message: 'fake server: no response queued' } });
      if (canned.path !== undefined && canned.path !== path) {
        return sendJson(res, 404, { error: { message: `fake server: expected ${canned.path}, got ${path}` } });
      }
      playing++;
      res.once('close', () => playing--);
      void play(res, canned, closing.signal);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...responses) => void queue.push(...responses),
    waitForRequests: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    inFlight: () => playing,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function play(res: ServerResponse, canned: CannedResponse, closing: AbortSignal): Promise<void> {
  // Stop waiting when the client goes away (abort, timeout) or the server closes.
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  const signal = AbortSignal.any([gone.signal, closing]);
  try {
    if (canned.delayMs) await sleep(canned.delayMs, undefined, { signal });
    res.writeHead(canned.status, canned.headers);
    res.flushHeaders();
    for (const [i, piece] of canned.pieces.entries()) {
      if (i > 0 && canned.pieceDelayMs) await sleep(canned.pieceDelayMs, undefined, { signal });
      for (const slice of slices(Buffer.from(piece, 'utf8'), canned.sliceBytes)) {
        if (res.destroyed) return;
        res.write(slice);
        if (canned.sliceBytes) await sleep(1, undefined, { signal });
      }
    }
    for (const forever = canned.forever; forever && !res.destroyed; ) {
      if (!res.write(forever.piece)) await once(res, 'drain', { signal });
      if (forever.everyMs > 0) await sleep(forever.everyMs, undefined, { signal });
      else await yieldToLoop(undefined, { signal });
    }
    if (canned.reset) res.socket?.resetAndDestroy();
    else if (!canned.hang) res.end();
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

function slices(bytes: Buffer, size: number | undefined): Buffer[] {
  if (!size) return [bytes];
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

// ---- OpenAI-compatible answers ----

/** Usage as OpenAI reports it; `null` leaves the usage chunk out. */
export type OpenAiUsage = { prompt_tokens: number; completion_tokens: number } | null;

/** Options shared by the OpenAI stream builders. */
export interface OpenAiStreamOptions {
  model?: string;
  /** finish_reason of the last chunk ('stop' or 'tool_calls' by default). */
  finishReason?: string;
  usage?: OpenAiUsage;
  /** Leave out `data: [DONE]` (some servers do). */
  omitDone?: boolean;
}

/** A streamed text answer, one SSE event per chunk. */
export function openAiTextStream(chunks: string[], options: OpenAiStreamOptions = {}): CannedResponse {
  const model = options.model ?? 'fake-gpt';
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model };
  const pieces = [sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })];
  for (const content of chunks) pieces.push(sse({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] }));
  pieces.push(...openAiTail(base, options.finishReason ?? 'stop', options));
  return { status: 200, headers: SSE_HEADERS, pieces, path: OPENAI_PATH };
}

/** One streamed tool call: its arguments are sent in the given pieces (which may not be valid JSON). */
export interface StreamedToolCall {
  id: string;
  name: string;
  argumentPieces: string[];
}

/**
 * A streamed tool-call answer. By default calls follow one another, as OpenAI sends them;
 * `interleave` alternates their argument pieces, to check that deltas are keyed by index.
 */
export function openAiToolCallStream(
  calls: StreamedToolCall[],
  options: OpenAiStreamOptions & { interleave?: boolean; text?: string } = {},
): CannedResponse {
  const model = options.model ?? 'fake-gpt';
  const base = { id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1, model };
  const choice = (delta: unknown) => sse({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
  const pieces = [choice({ role: 'assistant', content: options.text ?? null })];
  const heads = calls.map((call, index) =>
    choice({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
  );
  const argPieces = calls.map((call, index) =>
    call.argumentPieces.map((args) => choice({ tool_calls: [{ index, function: { arguments: args } }] })),
  );
  if (options.interleave) {
    pieces.push(...heads);
    const longest = Math.max(0, ...argPieces.map((p) => p.length));
    for (let i = 0; i < longest; i++) for (const p of argPieces) if (p[i] !== undefined) pieces.push(p[i] as string);
  } else {
    calls.forEach((_, index) => pieces.push(heads[index] as string, ...(argPieces[index] as string[])));
  }
  pieces.push(...openAiTail(base, options.finishReason ?? 'tool_calls', options));
  return { status: 200, headers: SSE_HEADERS, pieces, path: OPENAI_PATH };
}

function openAiTail(base: object, finishReason: string, options: OpenAiStreamOptions): string[] {
  const tail = [sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] })];
  const usage = options.usage === undefined ? { prompt_tokens: 11, completion_tokens: 7 } : options.usage;
  if (usage) tail.push(sse({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }));
  if (!options.omitDone) tail.push('data: [DONE]\n\n');
  return tail;
}

/** A plain (non-streamed) chat completion, as a server that ignores `stream` sends it. */
export function openAiJson(message: { content: string | null; tool_calls?: unknown[] }, options: OpenAiStreamOptions = {}): CannedResponse {
  const usage = options.usage === undefined ? { prompt_tokens: 11, completion_tokens: 7 } : options.usage;
  const body = {
    id: 'chatcmpl-3',
    object: 'chat.completion',
    created: 1,
    model: options.model ?? 'fake-gpt',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: options.finishReason ?? 'stop' }],
    ...(usage ? { usage } : {}),
  };
  return { status: 200, headers: { 'content-type': 'application/json' }, pieces: [JSON.stringify(body)], path: OPENAI_PATH };
}

// ---- Anthropic answers ----

/** Options shared by the Anthropic stream builders. */
export interface AnthropicStreamOptions {
  model?: string;
  stopReason?: string;
  inputTokens?: number;
  outputTokens?: number;
}

/** A streamed tool_use block: its input JSON is sent in the given pieces (which may not be valid JSON). */
export interface StreamedToolUse {
  id: string;
  name: string;
  jsonPieces: string[];
}

/** A streamed Messages answer: optional text in chunks, then tool_use blocks, with a ping mixed in. */
export function anthropicStream(
  content: { text?: string[]; toolUses?: StreamedToolUse[] },
  options: AnthropicStreamOptions = {},
): CannedResponse {
  const model = options.model ?? 'fake-claude';
  const pieces = [
    sse(
      {
        type: 'message_start',
        message: {
          id: 'msg_1', type: 'message', role: 'assistant', content: [], model, stop_reason: null, stop_sequence: null,
          usage: { input_tokens: options.inputTokens ?? 21, output_tokens: 1 },
        },
      },
      'message_start',
    ),
  ];
  let index = 0;
  if (content.text) {
    pieces.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    pieces.push(sse({ type: 'ping' }, 'ping'));
    for (const text of content.text) {
      pieces.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }, 'content_block_delta'));
    }
    pieces.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  for (const use of content.toolUses ?? []) {
    pieces.push(
      sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: use.id, name: use.name, input: {} } }, 'content_block_start'),
    );
    for (const partial_json of use.jsonPieces) {
      pieces.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta'));
    }
    pieces.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  const stopReason = options.stopReason ?? (content.toolUses?.length ? 'tool_use' : 'end_turn');
  pieces.push(
    sse({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: options.outputTokens ?? 9 } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  );
  return { status: 200, headers: SSE_HEADERS, pieces, path: ANTHROPIC_PATH };
}

/** A stream that starts normally, sends some text, then an `error` event (as on overload). */
export function anthropicStreamError(errorType: string, message: string): CannedResponse {
  const pieces = [
    sse({ type: 'message_start', message: { id: 'msg_2', model: 'fake-claude', usage: { input_tokens: 5, output_tokens: 1 } } }, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Partial' } }, 'content_block_delta'),
    sse({ type: 'error', error: { type: errorType, message } }, 'error'),
  ];
  return { status: 200, headers: SSE_HEADERS, pieces, path: ANTHROPIC_PATH };
}

// ---- Either protocol ----

/** An HTTP error with a JSON body both protocols recognise: `{type: 'error', error: {type, message}}`. */
export function httpError(status: number, message: string, path?: string): CannedResponse {
  const body = { type: 'error', error: { type: `status_${status}`, message } };
  return { status, headers: { 'content-type': 'application/json' }, pieces: [JSON.stringify(body)], path };
}
