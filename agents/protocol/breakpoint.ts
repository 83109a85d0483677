/**
 * Breakpoints of the OODA debugger: per agent and phase, unconditional or with a condition (a tool
 * about to be called, an incoming message matching a subject or text, a failed result). One
 * schema for the topology file, the contract and the step controller; `breakpointProblem` says why
 * a condition cannot be evaluated where it is set, so all three refuse it with the same words.
 * Isomorphic.
 */
import { z } from 'zod';
import { OodaPhaseSchema, type OodaPhase } from './runtime-events.js';
import { isSubjectPattern } from './subjects.js';

/** When a breakpoint stops: a tool the decision is about to call, a matching message, a failed result. */
export const BreakpointConditionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tool'), name: z.string().min(1) }).strict().describe('Before Act, when the decision calls tool `name`.'),
  z
    .object({ kind: z.literal('message'), subject: z.string().min(1).optional(), text: z.string().min(1).optional() })
    .strict()
    .describe('Before this phase, in every turn of a run whose incoming message came on `subject` (NATS wildcards * and >) and/or contains `text` (any case).'),
  z.object({ kind: z.literal('failedReply') }).strict().describe('Before the Observe of a turn that sees a failed tool result or a failed reply.'),
]);
export type BreakpointCondition = z.infer<typeof BreakpointConditionSchema>;

/** The one phase a condition kind can be evaluated before, if it is tied to one. */
const PHASE_OF: Partial<Record<BreakpointCondition['kind'], { phase: OodaPhase; why: string }>> = {
  tool: { phase: 'act', why: 'the tools a decision calls are known only before Act' },
  failedReply: { phase: 'observe', why: 'a failed result is seen by the Observe of the turn after it' },
};

/** Why `condition` cannot stop `phase` (a tool condition before Observe, a bad subject pattern), or null. */
export function conditionProblem(phase: OodaPhase, condition: BreakpointCondition): string | null {
  const tied = PHASE_OF[condition.kind];
  if (tied && tied.phase !== phase) return `A ${condition.kind} condition can only break before ${tied.phase} (${tied.why}), not before ${phase}.`;
  if (condition.kind === 'message') {
    if (condition.subject === undefined && condition.text === undefined) return 'A message condition needs a subject pattern, a text, or both.';
    if (condition.subject !== undefined && !isSubjectPattern(condition.subject)) {
      return `"${condition.subject}" is not a subject pattern: tokens separated by ".", "*" for any one token, ">" (last) for the rest.`;
    }
  }
  return null;
}

/** A breakpoint of one agent in a topology file: the phase and its condition. */
export const ConditionalBreakpointSchema = z
  .object({ phase: OodaPhaseSchema, condition: BreakpointConditionSchema })
  .strict()
  .superRefine((bp, ctx) => {
    const problem = conditionProblem(bp.phase, bp.condition);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['condition'] });
  });
export type ConditionalBreakpoint = z.infer<typeof ConditionalBreakpointSchema>;

/** A breakpoint of a running network: agent, phase, and an optional condition. */
export const BreakpointSchema = z
  .object({ agent: z.string().min(1), phase: OodaPhaseSchema, condition: BreakpointConditionSchema.optional() })
  .strict()
  .superRefine((bp, ctx) => {
    const problem = bp.condition ? conditionProblem(bp.phase, bp.condition) : null;
    if (problem) ctx.addIssue({ code: 'custom', message: `${bp.agent} before ${bp.phase}: ${problem}`, path: ['condition'] });
  });
export type Breakpoint = z.infer<typeof BreakpointSchema>;

/** A condition in a few words ("tool get_weather", "message on agents.* containing 'Paris'", "failed reply"). */
export function describeCondition(condition: BreakpointCondition): string {
  switch (condition.kind) {
    case 'tool':
      return `tool ${condition.name}`;
    case 'failedReply':
      return 'failed reply';
    case 'message': {
      const on = condition.subject !== undefined ? ` on ${condition.subject}` : '';
      const text = condition.text !== undefined ? ` containing '${condition.text}'` : '';
      return `message${on}${text}`;
    }
  }
}

/** One entry of an agent's `breakpoints` in a topology file: a phase, or a phase with its condition. */
export type TopologyBreakpoint = OodaPhase | ConditionalBreakpoint;

/** A topology entry of `agent` as a breakpoint of the running network. */
export function breakpointOf(agent: string, entry: TopologyBreakpoint): Breakpoint {
  return typeof entry === 'string' ? { agent, phase: entry } : { agent, phase: entry.phase, condition: entry.condition };
}

/** A breakpoint as an entry of its agent's `breakpoints` in a topology file. */
export function topologyEntryOf(breakpoint: Breakpoint): TopologyBreakpoint {
  return breakpoint.condition ? { phase: breakpoint.phase, condition: breakpoint.condition } : breakpoint.phase;
}
