/**
 * What Switchboard keeps of an A2A agent card (spec v1.0): enough to draw the agent, list its
 * skills and reach it. The full card is fetched and read with the official SDK (`@a2a-js/sdk`);
 * this summary crosses the contract and lives in the topology. Isomorphic.
 */
import { z } from 'zod';

/** One skill as a card lists it. */
export const A2aSkillSchema = z.object({ id: z.string(), name: z.string(), description: z.string().default('') }).strict();
export type A2aSkill = z.infer<typeof A2aSkillSchema>;

/** An agent card, summarized. */
export const A2aCardSummarySchema = z
  .object({
    /** Where the card was fetched from. */
    cardUrl: z.string(),
    name: z.string(),
    description: z.string(),
    version: z.string(),
    /** The interface Switchboard calls: its URL, binding (`JSONRPC`, `HTTP+JSON`, `GRPC`) and protocol version. */
    endpoint: z.object({ url: z.string(), binding: z.string(), protocolVersion: z.string() }).strict(),
    streaming: z.boolean(),
    skills: z.array(A2aSkillSchema),
  })
  .strict();
export type A2aCardSummary = z.infer<typeof A2aCardSummarySchema>;


/** Where agents ask the protocol gateway to call an external A2A agent (seed 004 sequence 2.3): `protocol.a2a.request.{peer}`. */
export const A2A_GATEWAY_SUBJECT_PREFIX = 'protocol.a2a.request';

/** The gateway subject for calls to the external A2A agent `peer` (its name in the topology). */
export const a2aGatewaySubject = (peer: string): string => `${A2A_GATEWAY_SUBJECT_PREFIX}.${peer}`;
