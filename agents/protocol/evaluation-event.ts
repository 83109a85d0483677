/**
 * The evaluation layer's runtime event (seed 004, 1.1): one verdict on a coordinator's synthesis,
 * and what the coordinator does next. Isomorphic: the trace explorer reads it in the browser.
 */
import { z } from 'zod';

/** What a verdict is: the evaluator approved, rejected (with feedback), or gave none (timeout, failure, unreadable answer). */
export const EvaluationVerdictSchema = z.enum(['pass', 'fail', 'error']);
export type EvaluationVerdict = z.infer<typeof EvaluationVerdictSchema>;

/** What the coordinator does after a verdict: send the reply, revise it, or send it marked unapproved. */
export const EvaluationNextSchema = z.enum(['send', 'revise', 'send_unapproved']);
export type EvaluationNext = z.infer<typeof EvaluationNextSchema>;

/** `evaluation.judged`: round N's verdict on the reply run `runId` of `agent` was about to send. */
export const EvaluationJudgedEventSchema = z.object({
  agent: z.string(),
  runId: z.string(),
  /** 1 for the first synthesis, 2 for the first revision, … */
  round: z.number().int().positive(),
  /** The evaluator agent's name, or `rules` for a declared rule set. */
  evaluator: z.string(),
  verdict: EvaluationVerdictSchema,
  /** What the evaluator said (each failing rule named), or why there is no verdict. */
  feedback: z.string(),
  next: EvaluationNextSchema,
  /** Why the reply went out unapproved (no verdict, revisions used up, a revision over budget); null otherwise. */
  reason: z.string().nullable(),
});
export type EvaluationJudgedEvent = z.infer<typeof EvaluationJudgedEventSchema>;
