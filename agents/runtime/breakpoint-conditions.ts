/**
 * Evaluates a breakpoint's condition against a run about to enter a phase: the decision's tool
 * calls before Act, the incoming message's subject and text, a failed result before Observe. Pure;
 * the step controller calls it only for agents that have a conditional breakpoint at that phase.
 */
import type { AgentMessage } from '../protocol/agent-message.js';
import type { BreakpointCondition } from '../protocol/breakpoint.js';
import { subjectMatches } from '../protocol/subjects.js';

/** The run a condition is asked about: its agent, id, and the message (with its subject) that started it. */
export interface RunContext {
  agent: string;
  runId: string;
  subject: string;
  message: AgentMessage;
}

/** Says whether `condition` hits `run` before a phase whose input is `payload`: what hit (the pause's detail), or null. */
export type ConditionEvaluator = (condition: BreakpointCondition, run: RunContext, payload: unknown) => string | null;

const cut = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The controller's evaluator (see {@link ConditionEvaluator}). */
export const evaluateCondition: ConditionEvaluator = (condition, run, payload) => {
  switch (condition.kind) {
    case 'tool': {
      // Before Act the payload is the decision ({ text, toolCalls }).
      const calls = (payload as { toolCalls?: unknown } | null)?.toolCalls;
      const hit = Array.isArray(calls) && calls.some((call) => (call as { name?: unknown } | null)?.name === condition.name);
      return hit ? `tool ${condition.name}` : null;
    }
    case 'message': {
      if (condition.subject !== undefined && !subjectMatches(condition.subject, run.subject)) return null;
      if (condition.text !== undefined && !run.message.content.toLowerCase().includes(condition.text.toLowerCase())) return null;
      return `message on ${run.subject}${condition.text !== undefined ? ` matches '${condition.text}'` : ''}`;
    }
    case 'failedReply': {
      // Before Observe the payload is the observation: the incoming message, or the turn's tool results.
      const results = (payload as { toolResults?: unknown } | null)?.toolResults;
      if (Array.isArray(results)) {
        const failed = (results as { name?: unknown; content?: unknown; isError?: unknown }[]).find((r) => r.isError === true);
        return failed ? `failed result of ${String(failed.name)}: ${cut(String(failed.content))}` : null;
      }
      return run.message.metadata['status'] === 'failed' ? `failed reply from ${run.message.from_agent}: ${cut(run.message.content)}` : null;
    }
  }
};
