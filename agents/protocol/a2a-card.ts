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

