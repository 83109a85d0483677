/** An agent's pattern settings: the fields its role uses (from PatternSchema), plus any already set. */
import type { z } from 'zod';
import { PatternSchema, type AgentSchema } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { withoutEmpty } from '../model/connections';
import { SchemaField } from './fields';

type Agent = z.infer<typeof AgentSchema>;
type Pattern = NonNullable<Agent['pattern']>;

/** Which pattern settings each role plays with (PatternSchema's comments say the same). */
const ROLE_KEYS: Record<string, (keyof Pattern)[]> = {
  coordinator: ['subtaskTimeoutMs', 'maxParallel', 'evaluator', 'maxRevisions'],
  assistant: ['negotiate', 'accept'],
  specialist: ['accept'],
  dispatcher: ['peers', 'finalizer', 'blackboard', 'maxRounds', 'maxMessages', 'convergence', 'timeoutMs'],
  auctioneer: ['bidTimeoutMs', 'weights'],
  bidder: ['bid'],
};

/** What the settings that are not obvious from their name do. */
const HINTS: Partial<Record<keyof Pattern, string>> = {
  evaluator: 'Seed 004’s evaluation layer: {"agent": "reviewer"} asks an agent for a verdict; {"rules": [{"mustContain": "…"}, {"maxLength": 800}]} checks rules. Empty: replies are sent unjudged.',
  maxRevisions: 'How often a failed verdict may make it revise before the reply goes out unapproved (default 1).',
  negotiate: 'Seed 002 negotiation: a request to this agent proposes to the agents in "with" and its reply reports the outcome, e.g. {"with": ["a", "b"], "decision": "best-terms", "prefer": {"term": "cost"}, "constraints": {"max_cost": 100}}.',
  accept: 'How it answers negotiation proposals: {"when": "constraints-met", "terms": {"cost": 60}} accepts when its terms meet the constraints; "never" declines with "reason".',
};

/** The pattern fieldset. */
export function PatternFields({ agent, onCommit, problems, readOnly }: { agent: Agent; onCommit(value: unknown): void; problems: Problem[]; readOnly: boolean }) {
  const pattern: Pattern = agent.pattern ?? {};
  const keys = (Object.keys(PatternSchema.shape) as (keyof Pattern)[]).filter((k) => ROLE_KEYS[agent.role]?.includes(k) || pattern[k] !== undefined || problems.some((p) => p.path[0] === k));
  const general = problems.filter((p) => p.path.length === 0);
  const commit = (key: keyof Pattern) => (value: unknown) => onCommit(withoutEmpty({ ...pattern, [key]: value }));
  return (
    <fieldset className="fieldset" data-testid="field-pattern">
      <legend className="fieldset-title">Pattern ({agent.role})</legend>
      {general.map((p, i) => (
        <span key={i} className={p.severity === 'error' ? 'field-error' : 'field-warning'} data-testid="field-problem">
          {p.message}
        </span>
      ))}
      {keys.length === 0 && <span className="field-hint">The {agent.role} role has no pattern settings. Blackboard watches are drawn as lines from a blackboard to the agent.</span>}
      {keys.map((key) => (
        <SchemaField
          key={key}
          name={key}
          schema={PatternSchema.shape[key] as z.ZodType}
          value={pattern[key]}
          readOnly={readOnly}
          onCommit={commit(key)}
          problems={problems.filter((p) => p.path[0] === key).map((p) => ({ ...p, path: p.path.slice(1) }))}
          {...(HINTS[key] && { hint: HINTS[key] })}
        />
      ))}
    </fieldset>
  );
}
