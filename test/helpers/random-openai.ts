/**
 * A fake OpenAI-compatible model that answers differently every time, on 127.0.0.1: random text,
 * and sometimes random tool calls (of the tools the request offers, with arguments drawn from
 * their JSON Schemas), with usage numbers, streamed as the OpenAI provider asks. Built on the one
 * fake server (fake-llm-server.ts) and its answer builders. A seed makes its answers reproducible.
 */
import { randomInt } from 'node:crypto';
import {
  openAiJson,
  openAiTextStream,
  openAiToolCallStream,
  startFakeLlmServer,
  type CannedResponse,
  type FakeLlmServer,
  type RecordedRequest,
} from './fake-llm-server.js';

/** A chat-completions request as the server reads it (only what the answers depend on). */
export interface ChatRequest {
  model?: string;
  stream?: boolean;
  messages?: { role?: string; content?: unknown; tool_calls?: unknown[] }[];
  tools?: { function?: { name?: string; parameters?: JsonSchema } }[];
}

/** The part of JSON Schema the argument generator understands. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
}

/**
 * Chances (0..1) of the answers a real model sometimes gives and a scripted one never does. Each
 * applies to one answer; all default to 0.
 */
export interface OddAnswers {
  /** A tool call of a tool the request did not offer. */
  unknownTool: number;
  /** A call of an offered tool with arguments that break its schema (wrong types, required ones missing). */
  badArguments: number;
  /** Tool-call arguments that are not JSON at all. */
  invalidJson: number;
  /** No text and no tool call. */
  emptyText: number;
  /** About `longTextChars` characters of text. */
  longText: number;
}

/** Options of {@link startRandomOpenAi}. */
export interface RandomOpenAiOptions {
  /** Makes the answers reproducible (for the same requests in the same order); random by default. */
  seed?: number;
  /** Listen on this port (a restarted server where a topology points); a free one by default. */
  port?: number;
  /** When set, a request without `Authorization: Bearer <apiKey>` gets a 401. */
  apiKey?: string;
  /** Chance that an answer calls tools (when the request offers any); default 0.5 after a user message, 0.25 after tool results. */
  toolCallChance?: (request: ChatRequest) => number;
  /** Values to draw from instead of random ones: tool → property → candidates (`undefined` leaves the property out). */
  choices?: Record<string, Record<string, readonly unknown[]>>;
  odd?: Partial<OddAnswers>;
  /** Length of a long text (default 200,000 characters). */
  longTextChars?: number;
}

/** A running random model. */
export interface RandomOpenAi {
  /** `http://127.0.0.1:<port>/v1`: a topology's `baseUrl`. */
  baseUrl: string;
  port: number;
  /** How many chat completions it was asked for. */
  calls(): number;
  /** Every request body, in order. */
  requests(): ChatRequest[];
  /** Stops the server, cutting any connection still open. */
  stop(): Promise<void>;
}

/** Starts a random OpenAI-compatible model on 127.0.0.1. */
export async function startRandomOpenAi(options: RandomOpenAiOptions = {}): Promise<RandomOpenAi> {
  const random = mulberry32(options.seed ?? randomInt(2 ** 31));
  const running: FakeLlmServer = await startFakeLlmServer({
    ...(options.port !== undefined && { port: options.port }),
    respond: (request) => answer(request, options, random),
  });
  const url = new URL(running.url);
  return {
    baseUrl: `${running.url}/v1`,
    port: Number(url.port),
    calls: () => running.requests.length,
    requests: () => running.requests.map((r) => r.body as ChatRequest),
    stop: () => running.close(),
  };
}

/** One random answer to one request. */
function answer(recorded: RecordedRequest, options: RandomOpenAiOptions, random: Random): CannedResponse {
  if (options.apiKey !== undefined && recorded.headers.authorization !== `Bearer ${options.apiKey}`) {
    return { status: 401, headers: { 'content-type': 'application/json' }, pieces: [JSON.stringify({ error: { message: 'random model: wrong or missing API key' } })] };
  }
  const request = (typeof recorded.body === 'object' && recorded.body !== null ? recorded.body : {}) as ChatRequest;
  const odd = { unknownTool: 0, badArguments: 0, invalidJson: 0, emptyText: 0, longText: 0, ...options.odd };
  const model = request.model ?? 'random-gpt';
  const usage = { prompt_tokens: Math.ceil(JSON.stringify(request.messages ?? []).length / 4), completion_tokens: 1 + Math.floor(random() * 300) };
  const tools = (request.tools ?? []).flatMap((t) => (t.function?.name ? [{ name: t.function.name, schema: t.function.parameters ?? {} }] : []));

  if (random() < odd.unknownTool) return toolCalls([{ name: `no_such_tool_${Math.floor(random() * 1000)}`, args: JSON.stringify({ x: words(random, 2) }) }]);
  if (random() < odd.invalidJson && tools.length) return toolCalls([{ name: pick(random, tools).name, args: `{"unterminated": "${words(random, 3)}` }]);
  if (random() < odd.badArguments && tools.length) return toolCalls([{ name: pick(random, tools).name, args: JSON.stringify({ [words(random, 1)]: [random()], ...badValues(random, pick(random, tools).schema) }) }]);
  if (random() < odd.emptyText) return text('');
  if (random() < odd.longText) return text(longText(random, options.longTextChars ?? 200_000));

  const lastRole = request.messages?.at(-1)?.role;
  const chance = options.toolCallChance?.(request) ?? (lastRole === 'tool' ? 0.25 : 0.5);
  if (tools.length && random() < chance) {
    const count = random() < 0.8 ? 1 : 2;
    return toolCalls(
      Array.from({ length: count }, () => {
        const tool = pick(random, tools);
        return { name: tool.name, args: JSON.stringify(randomValue(random, tool.schema, options.choices?.[tool.name])) };
      }),
    );
  }
  return text(sentence(random, 3 + Math.floor(random() * 30)));

  function text(content: string): CannedResponse {
    if (request.stream === false) return openAiJson({ content }, { model, usage });
    return openAiTextStream(chunks(random, content), { model, usage });
  }
  function toolCalls(calls: { name: string; args: string }[]): CannedResponse {
    const withText = random() < 0.3 ? sentence(random, 5) : undefined;
    const ids = calls.map(() => `call_${Math.floor(random() * 2 ** 32).toString(36)}`);
    if (request.stream === false) {
      const toolCallsJson = calls.map((c, i) => ({ id: ids[i], type: 'function', function: { name: c.name, arguments: c.args } }));
      return openAiJson({ content: withText ?? null, tool_calls: toolCallsJson }, { model, usage, finishReason: 'tool_calls' });
    }
    const streamed = calls.map((c, i) => ({ id: ids[i] as string, name: c.name, argumentPieces: chunks(random, c.args) }));
    return openAiToolCallStream(streamed, { model, usage, ...(withText !== undefined && { text: withText }) });
  }
}

/** Arguments for a schema: required properties always, optional ones sometimes; `choices` win. */
function randomValue(random: Random, schema: JsonSchema, choices?: Record<string, readonly unknown[]>): unknown {
  if (schema.enum?.length) return pick(random, schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        const candidates = choices?.[key];
        if (candidates?.length) {
          const value = pick(random, candidates);
          if (value !== undefined) out[key] = value;
          continue;
        }
        if (schema.required?.includes(key) || random() < 0.3) out[key] = randomValue(random, sub);
      }
      return out;
    }
    case 'array': {
      const length = Math.max(schema.minItems ?? 0, 1 + Math.floor(random() * 3));
      return Array.from({ length }, () => randomValue(random, schema.items ?? {}));
    }
    case 'integer': {
      const min = schema.minimum ?? 0;
      return min + Math.floor(random() * ((schema.maximum ?? min + 1000) - min + 1));
    }
    case 'number':
      return (schema.minimum ?? 0) + random() * 1000;
    case 'boolean':
      return random() < 0.5;
    default:
      return words(random, 1 + Math.floor(random() * 6));
  }
}

/** Values of the wrong type for every property (so required strings arrive as numbers, objects as strings). */
function badValues(random: Random, schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (random() < 0.3) continue; // a required one missing, sometimes
    out[key] = sub.type === 'string' ? Math.floor(random() * 1e6) : words(random, 2);
  }
  return out;
}

const VOCABULARY = (
  'the a of weather city rain sun cloud wind forecast report agent ask answer plan task result paris oslo tokyo ' +
  'lima cairo quick slow bright grey maybe surely later soon tomorrow today degrees humid dry cold warm north ' +
  'south east west river mountain valley ocean harbour müller über 東京 🌧 café naïve "quoted" back\\slash {braces} <tag>'
).split(' ');

function words(random: Random, count: number): string {
  return Array.from({ length: count }, () => pick(random, VOCABULARY)).join(' ');
}

function sentence(random: Random, count: number): string {
  const body = words(random, count);
  return `${body.charAt(0).toUpperCase()}${body.slice(1)}.`;
}

function longText(random: Random, chars: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < chars) {
    const s = sentence(random, 12);
    parts.push(s);
    length += s.length + 1;
  }
  return parts.join(' ');
}

/** The text cut into one to five stream chunks at random places (never inside a surrogate pair). */
function chunks(random: Random, text: string): string[] {
  const chars = [...text];
  const count = Math.min(chars.length, 1 + Math.floor(random() * 5));
  if (count <= 1) return [text];
  const cuts = [...new Set(Array.from({ length: count - 1 }, () => 1 + Math.floor(random() * (chars.length - 1))))].sort((a, b) => a - b);
  return [0, ...cuts].map((start, i) => chars.slice(start, cuts[i] ?? chars.length).join(''));
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
