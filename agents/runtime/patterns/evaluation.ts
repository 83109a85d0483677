/**
 * Seed 004's evaluation layer (1.1: "Coord->>Eval: Synthesize + Evaluate; Eval-->>Coord: Pass/Fail +
 * feedback"). Before an OODA run sends its reply, the evaluator judges it: an agent asked with a
 * request (its answer read by parseVerdict), or a rule set. On fail the run revises (one more model
 * turn with the feedback) while revisions and the budget envelope allow; otherwise the reply goes
 * out, marked unapproved when it was not approved, saying why. Every verdict is an
 * `evaluation.judged` event of the run.
 */
import type { AgentMessage } from '../../protocol/agent-message.js';
import type { EvaluationJudgedEvent } from '../../protocol/evaluation-event.js';
import type { Evaluator } from '../../topology/evaluator-schema.js';
import type { AgentHandle } from '../../tools/agent-handle.js';
import type { BudgetTracker } from '../budget.js';
import { judgeByRules, parseVerdict, VERDICT_FORMAT, type Judgement } from './evaluation-verdict.js';

/** A coordinator's evaluation settings (its `pattern.evaluator` and `pattern.maxRevisions`). */
export interface EvaluationSettings {
  evaluator: Evaluator;
  maxRevisions: number;
}

/** What the run does with its reply: revise with `prompt` as the next user message, or send `reply`. */
export type ReviewOutcome = { revise: string; from: string } | { send: string };

/** What a review needs of the run it judges. */
export interface ReviewedRun {
  agent: AgentHandle;
  runId: string;
  /** The message the run answers. */
  request: AgentMessage;
  tracker: BudgetTracker;
}

/** Judges one run's replies, round by round. */
export class SynthesisReview {
  private round = 0;

  constructor(
    private readonly settings: EvaluationSettings,
    private readonly run: ReviewedRun,
  ) {}

  /** The evaluator's name in events and prompts: the agent's, or `rules`. */
  private get evaluator(): string {
    return 'agent' in this.settings.evaluator ? this.settings.evaluator.agent : 'rules';
  }

  /** Judges `reply` and says whether to revise it or what to send. */
  async judge(reply: string): Promise<ReviewOutcome> {
    this.round++;
    const judged = await this.verdictOn(reply);
    const { maxRevisions } = this.settings;
    let reason: string | null = null;
    if (judged.verdict === 'error') reason = `no verdict: ${judged.feedback}`;
    else if (judged.verdict === 'fail') {
      const blocked = this.round > maxRevisions ? (maxRevisions === 0 ? 'maxRevisions is 0' : `${maxRevisions} revision${maxRevisions === 1 ? '' : 's'} allowed, all used`) : revisionOverBudget(this.run.tracker);
      if (blocked) reason = `failed (${judged.feedback || 'no feedback'}); not revised: ${blocked}`;
    }
    const next = judged.verdict === 'pass' ? 'send' : reason ? 'send_unapproved' : 'revise';
    const event: EvaluationJudgedEvent = { agent: this.run.agent.name, runId: this.run.runId, round: this.round, evaluator: this.evaluator, verdict: judged.verdict, feedback: judged.feedback, next, reason };
    this.run.agent.events.emit('evaluation.judged', event);
    if (next === 'send') return { send: reply };
    if (next === 'revise') return { revise: revisionPrompt(this.evaluator, judged.feedback, this.round, maxRevisions), from: this.evaluator };
    return { send: `${reply}\n\n[Sent unapproved by the evaluator (${this.evaluator}): ${reason}]` };
  }

  /** The rules' verdict, or the evaluator agent's (a timeout, failure or unreadable answer is `error`). */
  private async verdictOn(reply: string): Promise<Judgement | { verdict: 'error'; feedback: string }> {
    const evaluator = this.settings.evaluator;
    if ('rules' in evaluator) return judgeByRules(evaluator.rules, reply);
    const remaining = this.run.tracker.remainingMs();
    if (remaining <= 0) return { verdict: 'error', feedback: 'the run had no time left in its budget to ask the evaluator' };
    // The run's own timeout bounds the wait too: the verdict cannot outlive the budget envelope.
    const timeoutMs = Math.max(1, Math.floor(Math.min(evaluator.timeoutMs, remaining)));
    try {
      const answer = await this.run.agent.request(evaluator.agent, evaluationRequest(this.run.request.content, reply), {
        timeoutMs,
        // The run id as conversation: the evaluator remembers earlier rounds, and the trace finds the exchange by the run.
        metadata: { conversation_id: this.run.runId, evaluation: { of: this.run.agent.name, round: this.round } },
      });
      return parseVerdict(answer.content) ?? { verdict: 'error', feedback: `${evaluator.agent}'s answer is not a verdict (expected ${VERDICT_FORMAT}, or PASS / FAIL: …): ${clip(answer.content)}` };
    } catch (error) {
      return { verdict: 'error', feedback: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** Why one more model turn would go past the budget envelope, or null when it fits. */
export function revisionOverBudget(tracker: BudgetTracker): string | null {
  const { maxTurns, maxTokens } = tracker.budget;
  if (maxTurns !== undefined && tracker.turns + 1 > maxTurns) return `a revision would be turn ${tracker.turns + 1}, over the budget's maxTurns of ${maxTurns}`;
  // A revision is expected to cost what an average turn of this run cost so far.
  const perTurn = tracker.turns > 0 ? Math.ceil(tracker.tokens / tracker.turns) : 0;
  if (maxTokens !== undefined && tracker.tokens + perTurn > maxTokens) return `a revision would use about ${perTurn} more tokens, past the budget's maxTokens of ${maxTokens} (${tracker.tokens} used)`;
  if (tracker.remainingMs() <= 0) return 'the run has no time left in its budget';
  return null;
}

/** The request an evaluator agent gets: the task, the reply, and the answer format. */
export function evaluationRequest(task: string, reply: string): string {
  return `Evaluate this reply to the request below. Answer with JSON only: ${VERDICT_FORMAT}.\n\nRequest:\n${task}\n\nReply:\n${reply}`;
}

/** The user message a revision turn starts with. */
function revisionPrompt(evaluator: string, feedback: string, round: number, maxRevisions: number): string {
  return `The evaluator (${evaluator}) did not approve your reply (revision ${round} of at most ${maxRevisions}): ${feedback || 'no feedback given'}\nRevise your reply to address this feedback, and answer with the revised reply only.`;
}

/** An answer shortened for an error message. */
const clip = (text: string): string => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
