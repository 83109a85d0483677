/**
 * Seed 000's wire messages: `AgentMessage` (every message on the bus) and `AgentMetadata`
 * (presence and the registry). Field names are seed 000's exactly, so agents written with any
 * NATS client interoperate. Validated with zod at every receive.
 */
import { z } from 'zod';

/** What a message is for; seed 000's flows plus the stream frames of seed 004's chunk protocol. */
export const MessageTypeSchema = z.enum([
  'request',
  'response',
  'direct',
  'handoff',
  'broadcast',
  'announcement',
  'heartbeat',
  'progress',
  'stream.begin',
  'stream.chunk',
  'stream.end',
]);
export type MessageType = z.infer<typeof MessageTypeSchema>;

/** Seed 000's AgentMessage. */
export const AgentMessageSchema = z.object({
  message_type: MessageTypeSchema,
  from_agent: z.string().min(1),
  to_agent: z.string().nullable(),
  content: z.string(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  timestamp: z.string(),
  message_id: z.string().min(1),
  in_reply_to: z.string().nullable().default(null),
  priority: z.number().int().min(0).max(10).default(2),
});
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

/** Seed 000's AgentMetadata: what an agent says about itself when it joins and in the registry. */
export const AgentMetadataSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  capabilities: z.array(z.string()).default([]),
  tools: z.array(z.string()).default([]),
  status: z.enum(['available', 'busy', 'offline']),
  model: z.string().default(''),
  version: z.string().default('1.0.0'),
  registered_at: z.string(),
  last_heartbeat: z.string(),
});
export type AgentMetadata = z.infer<typeof AgentMetadataSchema>;

/** Priorities used by the runtime (seed 000 sends handoffs at high priority). */
export const Priority = { low: 1, normal: 2, high: 3, urgent: 4 } as const;
