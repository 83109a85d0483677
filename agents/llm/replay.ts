/**
 * Replays an earlier run: each agent's LLM calls are answered, in order, with the responses
 * recorded in its trace, so a recorded run can be re-run deterministically with no model at all.
 * A call that does not match the recording (another conversation) is refused, not guessed.
 */
import { LlmError, type LlmCallOptions, type LlmProvider, type LlmRequest, type LlmResponse } from './provider.js';

/** One recorded call (the `llm.call` runtime event, as the trace keeps it). */
export interface RecordedLlmCall {
  agent: string;
  request: LlmRequest;
  response: LlmResponse;
}

/** Answers one agent's calls from a recording. */
export class ReplayProvider implements LlmProvider {
  readonly kind = 'replay';
  private next = 0;
  private readonly calls: RecordedLlmCall[];

  constructor(
    private readonly agent: string,
    recording: readonly RecordedLlmCall[],
  ) {
    this.calls = recording.filter((call) => call.agent === agent);
  }

  async complete(request: LlmRequest, options: LlmCallOptions = {}): Promise<LlmResponse> {
    const recorded = this.calls[this.next];
    if (!recorded) {
      throw new LlmError(`Replay: the recording has no more calls for ${this.agent} (it had ${this.calls.length}).`, 'protocol');
    }
    const expected = fingerprint(recorded.request);
    const actual = fingerprint(request);
    if (expected !== actual) {
      throw new LlmError(`Replay: call ${this.next + 1} of ${this.agent} differs from the recording (expected ${expected}, got ${actual}).`, 'protocol');
    }
    this.next++;
    if (recorded.response.text) options.onText?.(recorded.response.text);
    return structuredClone(recorded.response);
  }
}

/** What must match for a recorded answer to apply: the conversation's messages and tools. */
function fingerprint(request: LlmRequest): string {
  const last = request.messages.at(-1);
  const tail = last ? `${last.role}:${last.content.slice(0, 60)}` : 'empty';
  return `${request.messages.length} messages, last ${JSON.stringify(tail)}, tools [${request.tools.map((t) => t.name).join(',')}]`;
}
