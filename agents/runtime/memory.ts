/**
 * Per-conversation memory of an agent: what was said, kept within a context budget. When a
 * conversation outgrows it, the older half is consolidated into a summary (by the agent's own
 * model), or dropped if summarizing fails.
 */
import type { LlmMessage, LlmProvider } from '../llm/provider.js';

/** Rough token estimate (4 characters a token): enough to keep under a budget. */
const estimateTokens = (messages: readonly LlmMessage[]): number => Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);

/** What consolidation did; `summary` is the model's summary kept in memory (null when it failed and the older half was dropped). */
export interface Consolidation {
  before: number;
  after: number;
  summarized: boolean;
  summary: string | null;
}

/** The system prompt of a consolidation call (a replay tells these calls from decisions by it). */
export const CONSOLIDATION_SYSTEM = 'Summarize this conversation in a few sentences, keeping facts, names and open questions.';

/** Conversations by id, oldest message first. */
export class ConversationMemory {
  private readonly conversations = new Map<string, LlmMessage[]>();

  constructor(private readonly contextTokens: number) {}

  /** The messages of a conversation so far. */
  history(conversation: string): LlmMessage[] {
    return [...(this.conversations.get(conversation) ?? [])];
  }

  /** Appends one exchange. */
  remember(conversation: string, ...messages: LlmMessage[]): void {
    const list = this.conversations.get(conversation) ?? [];
    list.push(...messages);
    this.conversations.set(conversation, list);
  }

  /** Shrinks a conversation that is over budget; null when it was within it. */
  async consolidate(conversation: string, llm: LlmProvider, model: string, signal: AbortSignal): Promise<Consolidation | null> {
    const list = this.conversations.get(conversation);
    if (!list || estimateTokens(list) <= this.contextTokens) return null;
    const before = estimateTokens(list);
    const older = list.slice(0, Math.ceil(list.length / 2));
    const newer = list.slice(older.length);
    let summary: string | null;
    try {
      const transcript = older.map((m) => `${m.role}: ${m.content}`).join('\n');
      const response = await llm.complete(
        { model, system: CONSOLIDATION_SYSTEM, messages: [{ role: 'user', content: transcript }], tools: [] },
        { signal },
      );
      // A summary gets at most a quarter of the budget (4 characters a token): a model that
      // rambles must not make memory grow.
      summary = response.text.trim().slice(0, this.contextTokens) || null;
    } catch {
      summary = null; // dropping the oldest half still keeps the agent within budget
    }
    const kept: LlmMessage[] = summary ? [{ role: 'user', content: `[Summary of the earlier conversation] ${summary}` }, ...newer] : newer;
    this.conversations.set(conversation, kept);
    return { before, after: estimateTokens(kept), summarized: summary !== null, summary };
  }
}
