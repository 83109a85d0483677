/**
 * One interface for every LLM provider: OpenAI-compatible chat completions, Anthropic messages,
 * the offline `scripted` provider and `replay`. The OODA loop's Decide phase calls `complete`.
 */
import type { LlmRequest, LlmResponse } from '../protocol/llm.js';

// The request/response shapes live in the isomorphic layer (trace records carry them); providers
// and the runtime keep importing them from here.
export type { LlmMessage, LlmRequest, LlmResponse, LlmTool, LlmToolCall, LlmUsage } from '../protocol/llm.js';

/** Per-call options. */
export interface LlmCallOptions {
  /** Aborts the call (budget timeout, agent stopping). */
  signal?: AbortSignal;
  /** Receives text as it streams in; providers that do not stream call it once with the whole text. */
  onText?: (delta: string) => void;
  /** The OODA run asking (a replay names it when it reports a divergence or a fork). */
  runId?: string;
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
