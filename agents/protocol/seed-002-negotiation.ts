/**
 * Seed 002's A2A negotiation, inside seed 002's envelope (seed-002.ts): a proposal travels on
 * `agents.{env}.a2a.negotiate.{agent}` as a `query` whose `payload.content` is `{ negotiation }`;
 * the answer is a `result` to `replyTo` with `correlationId` = the proposal's `id` and
 * `payload.content` = `{ negotiation: { id }, accept: true, terms } | { …, accept: false, reason }`
 * (the guide's handler return values). Both may carry a `text` (one readable line: what the trace
 * shows as the message's content); it is not needed to understand them. Isomorphic: the runtime
 * and the trace read the same shapes.
 */
import { z } from 'zod';

/** How a proposer decides from the answers (declared in the topology). */
export const NegotiationDecisionSchema = z.enum(['all-accept', 'any-accept', 'majority', 'best-terms']);
export type NegotiationDecision = z.infer<typeof NegotiationDecisionSchema>;

/** A term or constraint value: what a scripted topology can compare. */
export const NegotiationValueSchema = z.union([z.number(), z.string(), z.boolean()]);
export type NegotiationValue = z.infer<typeof NegotiationValueSchema>;

/** The proposal's `payload.content`. `deadline`: epoch milliseconds (answers after it are late). */
export const NegotiationProposalContentSchema = z.object({
  negotiation: z.object({
    id: z.string().min(1),
    type: z.string().min(1),
    proposal: z.record(z.string(), z.unknown()),
    constraints: z.record(z.string(), z.unknown()).default({}),
    deadline: z.number(),
  }),
});
export type NegotiationProposalContent = z.infer<typeof NegotiationProposalContentSchema>;

/** An answer's `payload.content`: accept with terms, or decline with a reason. */
export const NegotiationAnswerContentSchema = z.union([
  z.object({ negotiation: z.object({ id: z.string().min(1) }), accept: z.literal(true), terms: z.record(z.string(), z.unknown()).default({}) }),
  z.object({ negotiation: z.object({ id: z.string().min(1) }), accept: z.literal(false), reason: z.string().min(1) }),
]);
export type NegotiationAnswerContent = z.infer<typeof NegotiationAnswerContentSchema>;

/** The negotiation id a seed-002 `payload.content` carries (a proposal's or an answer's), else null. */
export function negotiationIdOfContent(content: unknown): string | null {
  if (!content || typeof content !== 'object') return null;
  const negotiation = (content as { negotiation?: unknown }).negotiation;
  if (!negotiation || typeof negotiation !== 'object') return null;
  const id = (negotiation as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** The agent a negotiate subject (`agents.{env}.a2a.negotiate.{agent}`) addresses, else null. */
export function negotiateSubjectAgent(subject: string): string | null {
  const parts = subject.split('.');
  return parts.length === 5 && parts[0] === 'agents' && parts[2] === 'a2a' && parts[3] === 'negotiate' ? parts[4]! : null;
}

const agent = z.string();
const negotiationId = z.string();

/** A target's response as the trace keeps it (`timed-out`: no answer before the deadline). */
export const NegotiationResponseSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), terms: z.record(z.string(), z.unknown()), afterMs: z.number() }),
  z.object({ status: z.literal('declined'), reason: z.string(), afterMs: z.number() }),
  z.object({ status: z.literal('timed-out') }),
]);

/** The negotiation's runtime events (spread into RuntimeEventSchemas); `agent` is the proposer. */
export const NegotiationEventSchemas = {
  /** A proposer sent a proposal to each of `with` on `agents.{env}.a2a.negotiate.{agent}`; answers count until `deadline` (epoch ms). */
  'negotiation.proposed': z.object({
    agent,
    negotiationId,
    type: z.string(),
    with: z.array(z.string()),
    decision: NegotiationDecisionSchema,
    proposal: z.record(z.string(), z.unknown()),
    constraints: z.record(z.string(), z.unknown()),
    deadline: z.number(),
  }),
  /** A target answered: accepted with terms or declined with a reason; `late` when it came after the negotiation closed (recorded, not counted). */
  'negotiation.answered': z.object({
    agent,
    negotiationId,
    from: z.string(),
    accept: z.boolean(),
    terms: z.record(z.string(), z.unknown()).nullable(),
    reason: z.string().nullable(),
    afterMs: z.number(),
    late: z.boolean(),
  }),
  /** The negotiation closed: `finalized` (with who was selected) or `failed` with the reason; every target's response. */
  'negotiation.finished': z.object({
    agent,
    negotiationId,
    state: z.enum(['finalized', 'failed']),
    reason: z.string().nullable(),
    selected: z.array(z.string()),
    responses: z.record(z.string(), NegotiationResponseSchema),
  }),
} as const;
