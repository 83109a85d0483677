/**
 * Replays an earlier run: each agent's LLM calls are answered with the responses recorded in its
 * trace, so a recorded run can be re-run deterministically with no model at all. A call that does
 * not match the recording (another conversation) is refused, not guessed, and reported where it
 * differs. A fork swaps one recorded decision for an edited one; from then on a live provider
 * answers (`live()`), for this agent and, through the shared `isLive`, for every other.
 */
import type { OodaDecision } from '../protocol/llm.js';
import { requestDifference } from './replay-match.js';
import { LlmError, type LlmCallOptions, type LlmProvider, type LlmRequest, type LlmResponse } from './provider.js';

/** One recorded call (the `llm.call` runtime event, as the trace keeps it); `response` null when it failed with `error`. */
export interface RecordedLlmCall {
  agent: string;
  request: LlmRequest;
  response: LlmResponse | null;
  error?: string | null;
}

/** A call the recording does not hold: the agent's `call`-th call, what the record held and what was asked. */
export interface LlmDivergence {
  agent: string;
  runId: string;
  call: number;
  expected: string;
  actual: string;
}

/** How a replay provider forks, follows a shared switch to live, and reports. */
export interface ReplayProviderOptions {
  /** The agent's `turn`-th recorded decision is replaced by `decision`. */
  fork?: { turn: number; decision: OodaDecision };
  /** The provider that answers once the replay has forked (built lazily: a plain replay needs no key). */
  live?: () => LlmProvider;
  /** True once any agent forked: every call goes live from then on. */
  isLive?: () => boolean;
  /** Called when this agent's fork decision is used (before it is returned). */
  onForked?: (fork: { runId: string; turn: number; decision: OodaDecision }) => void;
  /** Whether the model's name must match too (false for `provider: replay` settings, which name no model of their own). */
  matchModel?: boolean;
  /** Called with the first call the recording does not hold (the call is then refused). */
  onDiverged?: (divergence: LlmDivergence) => void;
}

/** Answers one agent's calls from a recording. */
export class ReplayProvider implements LlmProvider {
  private readonly calls: RecordedLlmCall[];
  private readonly used: boolean[];
  private made = 0;
  private liveProvider: LlmProvider | null = null;

  constructor(
    private readonly agent: string,
    recording: readonly RecordedLlmCall[],
    private readonly options: ReplayProviderOptions = {},
  ) {
    this.calls = recording.filter((call) => call.agent === agent);
    this.used = this.calls.map(() => false);
  }

  /** `replay` while it replays; the live provider's kind once it answers. */
  get kind(): string {
    return this.liveProvider?.kind ?? 'replay';
  }

  /** Recorded calls of this agent not answered yet. */
  get remaining(): number {
    return this.used.filter((used) => !used).length;
  }

  /** How many recorded calls this agent has. */
  get recorded(): number {
    return this.calls.length;
  }

  async complete(request: LlmRequest, options: LlmCallOptions = {}): Promise<LlmResponse> {
    if (this.options.isLive?.()) return this.live().complete(request, options);
    const call = ++this.made;
    const runId = options.runId ?? '';
    // The first unused recorded call asking the same: concurrent runs of one agent may interleave differently.
    const match = { model: this.options.matchModel ?? true };
    const index = this.calls.findIndex((recorded, i) => !this.used[i] && requestDifference(recorded.request, request, match) === null);
    if (index < 0) {
      const next = this.calls.findIndex((_, i) => !this.used[i]);
      const difference = next < 0 ? null : requestDifference(this.calls[next]!.request, request, match);
      const expected = next < 0 ? `no more calls (the record holds ${this.calls.length})` : difference!.expected;
      const actual = next < 0 ? `a call with ${describeLast(request)}` : difference!.actual;
      this.options.onDiverged?.({ agent: this.agent, runId, call, expected, actual });
      throw new LlmError(`Replay diverged at ${this.agent}'s call ${call}: the record holds ${expected}; the replay asked ${actual}.`, 'protocol');
    }
    this.used[index] = true;
    const fork = this.options.fork;
    if (fork && index + 1 === fork.turn) {
      this.options.onForked?.({ runId, turn: fork.turn, decision: fork.decision });
      const { text, toolCalls } = fork.decision;
      if (text) options.onText?.(text);
      return { text, toolCalls: structuredClone(toolCalls), usage: { inputTokens: 0, outputTokens: 0 }, stopReason: toolCalls.length ? 'tool_calls' : 'stop', model: request.model };
    }
    const recorded = this.calls[index]!;
    if (!recorded.response) throw new LlmError(recorded.error ?? 'The recorded call failed.', 'protocol');
    if (recorded.response.text) options.onText?.(recorded.response.text);
    return structuredClone(recorded.response);
  }

  private live(): LlmProvider {
    if (this.liveProvider) return this.liveProvider;
    if (!this.options.live) throw new LlmError(`Replay: ${this.agent} has no provider to go on with after the fork.`, 'config');
    return (this.liveProvider = this.options.live());
  }
}

function describeLast(request: LlmRequest): string {
  const last = request.messages.at(-1);
  return last ? `${request.messages.length} message(s), the last ${last.role}: ${JSON.stringify(last.content.slice(0, 60))}` : 'no messages';
}
