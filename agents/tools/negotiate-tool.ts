/**
 * The built-in `negotiate` tool: how an LLM-driven agent proposes (seed 002's
 * `negotiate_with_agents`). The model chooses whom to ask, the proposal and the constraints; the
 * tool runs the negotiation on the bus (agents/runtime/patterns/negotiation.ts) and returns the
 * outcome with every response, which the model then reasons on.
 */
import type { LlmTool } from '../llm/provider.js';
import { NegotiationDecisionSchema } from '../protocol/seed-002-negotiation.js';
import { negotiateWithAgents, outcomeText } from '../runtime/patterns/negotiation.js';
import type { AgentHandle } from './agent-handle.js';

/** The longest a negotiation started by a model may collect answers. */
const MAX_TIMEOUT_MS = 600_000;
const DEFAULT_TIMEOUT_MS = 5000;

/** The tool as the model sees it. */
export const NEGOTIATE_TOOL: LlmTool = {
  name: 'negotiate',
  description:
    'Propose a task to several agents at once (seed 002 A2A negotiation): each accepts with its terms or declines with a reason before the deadline; returns the outcome (finalized or failed) and every response.',
  parameters: {
    type: 'object',
    properties: {
      with: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'the agents to propose to' },
      proposal: { type: 'object', description: 'what is proposed (e.g. task, data_size, deadline)' },
      constraints: { type: 'object', description: 'max_X / min_X / required_X bound a term X of the answers (e.g. max_cost: 100)' },
      type: { type: 'string', description: 'the negotiation type (default task_assignment)' },
      decision: { type: 'string', enum: NegotiationDecisionSchema.options, description: 'how the answers decide (default all-accept)' },
      prefer_lowest: { type: 'string', description: 'with best-terms: the numeric term whose lowest value wins' },
      timeout_ms: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_MS },
    },
    required: ['with', 'proposal'],
  },
};

const record = (v: unknown, key: string): Record<string, unknown> => {
  if (v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`"${key}" must be an object.`);
  return v as Record<string, unknown>;
};

/** Runs the tool for `agent` in seed 002 environment `environment`; throws a clear error on bad arguments. */
export async function runNegotiateTool(args: Record<string, unknown>, agent: AgentHandle, environment: string): Promise<string> {
  const targets = args['with'];
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string' && /^[A-Za-z0-9_-]+$/.test(t))) {
    throw new Error('"with" must be a non-empty list of agent names.');
  }
  if (targets.includes(agent.name)) throw new Error(`${agent.name} cannot negotiate with itself.`);
  const decision = NegotiationDecisionSchema.safeParse(args['decision'] ?? 'all-accept');
  if (!decision.success) throw new Error(`"decision" must be one of ${NegotiationDecisionSchema.options.join(', ')}.`);
  const timeout = args['timeout_ms'] ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isInteger(timeout) && (timeout as number) >= 1 && (timeout as number) <= MAX_TIMEOUT_MS)) {
    throw new Error(`"timeout_ms" must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (got ${JSON.stringify(timeout)}).`);
  }
  const prefer = typeof args['prefer_lowest'] === 'string' ? { term: args['prefer_lowest'], order: 'lowest' as const } : undefined;
  const state = await negotiateWithAgents(agent, environment, {
    with: [...new Set(targets as string[])],
    type: typeof args['type'] === 'string' && args['type'] !== '' ? args['type'] : 'task_assignment',
    decision: decision.data,
    prefer,
    timeoutMs: timeout as number,
    proposal: record(args['proposal'], 'proposal'),
    constraints: record(args['constraints'], 'constraints'),
  });
  return outcomeText(state);
}
