/**
 * Seed 004's evaluation layer (1.1) in the topology file: a coordinator's `pattern.evaluator`
 * judges the reply it is about to send, either an agent asked for a verdict or a declared rule set,
 * and `pattern.maxRevisions` bounds how often it may revise. Isomorphic.
 */
import { z } from 'zod';
import type { Topology } from './schema.js';

/** What a failing rule says when it declares nothing itself. */
const feedback = z.string().min(1).optional();

/** True when `source` compiles as a regular expression (flags `i`, as the scripted provider's). */
const compiles = (source: string): boolean => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
};

/** One rule of a rule-set evaluator; each may say what to fix (`feedback`). Text comparisons ignore letter case. */
export const EvaluationRuleSchema = z.union([
  z.object({ mustContain: z.string().min(1), feedback }).strict(),
  z.object({ mustNotContain: z.string().min(1), feedback }).strict(),
  z.object({ matches: z.string().min(1).refine(compiles, 'must be a valid regular expression'), feedback }).strict(),
  z.object({ maxLength: z.number().int().positive(), feedback }).strict(),
]);
export type EvaluationRule = z.infer<typeof EvaluationRuleSchema>;

/** Who judges a synthesis: an agent (asked with a request; answers a verdict) or rules. */
export const EvaluatorSchema = z.union([
  z
    .object({
      /** The agent (of this topology, or external) asked for the verdict. */
      agent: z.string().min(1),
      /** How long its verdict may take; past it the reply goes out marked unapproved. */
      timeoutMs: z.number().int().positive().max(600_000).default(30_000),
    })
    .strict(),
  z.object({ rules: z.array(EvaluationRuleSchema).min(1) }).strict(),
]);
export type Evaluator = z.infer<typeof EvaluatorSchema>;

/** How many revisions a failed verdict may cause when `maxRevisions` is not given. */
export const DEFAULT_MAX_REVISIONS = 1;

/** The evaluator names an agent that exists and is not the one it judges, and an edge lets it be asked. */
export function checkEvaluators(topology: Topology, error: (path: (string | number)[], message: string) => void, warn: (path: (string | number)[], message: string) => void): void {
  const spec = topology.spec;
  const known = new Set([...spec.agents.map((a) => a.name), ...spec.externalAgents.map((e) => e.name)]);
  spec.agents.forEach((agent, i) => {
    const evaluator = agent.pattern?.evaluator;
    if (!evaluator || !('agent' in evaluator)) return;
    const at = ['agents', i, 'pattern', 'evaluator', 'agent'];
    if (evaluator.agent === agent.name) error(at, `${agent.name} cannot evaluate its own replies: name another agent.`);
    else if (!known.has(evaluator.agent)) error(at, `Unknown agent "${evaluator.agent}".`);
    // Exported permissions follow the edges: without one the coordinator may not ask its evaluator.
    else if (!spec.edges.some((e) => e.from === agent.name && e.to === evaluator.agent && e.kind === 'request')) {
      warn(at, `No request edge from ${agent.name} to ${evaluator.agent}: add { from: ${agent.name}, to: ${evaluator.agent}, kind: request } (exported permissions follow the edges).`);
    }
  });
}
