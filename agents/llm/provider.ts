/**
 * One interface for every LLM provider: OpenAI-compatible chat completions, Anthropic messages,
 * the offline `scripted` provider and `replay`. The OODA loop's Decide phase calls `complete`.
 */

/** A tool the model may call, with its arguments as a JSON Schema object. */
export interface LlmTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A tool call the model asked for. `arguments` is already parsed JSON. */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** One message of the conversation sent to the model (the system prompt travels separately). */
export type LlmMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: LlmToolCall[] }
  /** A tool's result; `isError` when the tool failed (the model sees it as an error, not data). */
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

/** What Decide asks of the model. */
export interface LlmRequest {
  model: string;
  system: string;
  messages: LlmMessage[];
  tools: LlmTool[];
  maxTokens?: number;
  temperature?: number;
}

/** Token counts as the provider reports them (estimated where it reports none). */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

/** The model's answer: text, tool calls, or both. */
export interface LlmResponse {
  text: string;
  toolCalls: LlmToolCall[];
  usage: LlmUsage;
  /** Why the model stopped: 'stop', 'tool_calls', 'max_tokens', or the provider's own word. */
  stopReason: string;
  /** The model that answered, as the provider names it. */
  model: string;
}

/** Per-call options. */
export interface LlmCallOptions {
  /** Aborts the call (budget timeout, agent stopping). */
  signal?: AbortSignal;
  /** Receives text as it streams in; providers that do not stream call it once with the whole text. */
  onText?: (delta: string) => void;
}

/** A provider of completions. */
export interface LlmProvider {
  /** `openai`, `anthropic`, `scripted`, `replay`. */
  readonly kind: string;
  complete(request: LlmRequest, options?: LlmCallOptions): Promise<LlmResponse>;
}

/** Why an LLM call failed, with the provider's HTTP status where there is one. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly code: 'http' | 'timeout' | 'aborted' | 'network' | 'protocol' | 'config',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}
