/**
 * Memory consolidation asks the agent's model too (memory.ts), outside Decide, so its calls are not
 * `llm.call`s (they are no decision): a replay answers them with the summaries the record's
 * `memory.consolidated` events kept, in order, and passes every other call to the agent's replay
 * provider. A trace from before summaries were recorded cannot answer one: that is a divergence.
 */
import type { LlmCallOptions, LlmProvider, LlmRequest, LlmResponse } from '../../llm/provider.js';
import { LlmError } from '../../llm/provider.js';
import { CONSOLIDATION_SYSTEM } from '../memory.js';

/** Options for {@link withRecordedConsolidations}. */
export interface ConsolidationReplay {
  /** This agent's recorded summaries, in order (undefined: not recorded). */
  summaries: readonly (string | null | undefined)[];
  /** True once the replay forked: consolidations go to the decisions' provider (live by then). */
  isLive: () => boolean;
  /** Called when the record cannot answer a consolidation. */
  onMissing: (runId: string, call: number, why: string) => void;
}

/** `decisions` with the agent's consolidation calls answered from the record. */
export function withRecordedConsolidations(decisions: LlmProvider, replay: ConsolidationReplay): LlmProvider {
  let next = 0;
  return {
    get kind() {
      return decisions.kind;
    },
    async complete(request: LlmRequest, options: LlmCallOptions = {}): Promise<LlmResponse> {
      if (replay.isLive() || request.system !== CONSOLIDATION_SYSTEM || request.tools.length > 0) return decisions.complete(request, options);
      const n = ++next;
      const summary = replay.summaries[n - 1];
      if (summary === undefined) {
        const why = n > replay.summaries.length ? `no consolidation ${n} (the record holds ${replay.summaries.length})` : `consolidation ${n} without its summary (recorded by an older Switchboard)`;
        replay.onMissing(options.runId ?? '', n, why);
        throw new LlmError(`Replay: the record holds ${why}.`, 'protocol');
      }
      // A failed summary was recorded as null: fail again, so memory drops the older half as it did.
      if (summary === null) throw new LlmError('Replay: the recorded consolidation failed.', 'protocol');
      return { text: summary, toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: 'stop', model: request.model };
    },
  };
}
