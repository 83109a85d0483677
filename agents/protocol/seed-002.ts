/**
 * Seed 002's wire format (the "NATS Integration Guide"): its message envelope and its subject
 * hierarchy `agents.{env}.{message_type}.{domain}.{specificity}`. Field names are the seed's
 * exactly (camelCase), so agents written from the guide in any language interoperate.
 * Isomorphic; validated with zod at every receive like the other profiles.
 */
import { z } from 'zod';

/** What a seed-002 message is. */
export const Seed002TypeSchema = z.enum(['task', 'result', 'event', 'query']);
export type Seed002Type = z.infer<typeof Seed002TypeSchema>;

/** Seed 002's envelope. `timestamp` is seconds since the epoch (the guide's Python `time.time()`). */
export const Seed002MessageSchema = z.object({
  id: z.string().min(1),
  timestamp: z.number(),
  version: z.string().default('1.0'),
  type: Seed002TypeSchema,
  source: z.object({ id: z.string().min(1), type: z.string().default('agent') }),
  target: z.string().nullish(),
  replyTo: z.string().nullish(),
  correlationId: z.string().nullish(),
  context: z
    .object({ conversationId: z.string().nullish(), metadata: z.record(z.string(), z.unknown()).default({}) })
    .default({ metadata: {} }),
  payload: z.object({ content: z.unknown() }),
  routing: z
    .object({
      priority: z.number().int().min(0).max(10).default(5),
      capabilities: z.array(z.string()).default([]),
      /** Milliseconds. */
      timeout: z.number().int().positive().optional(),
    })
    .default({ priority: 5, capabilities: [] }),
});
export type Seed002Message = z.infer<typeof Seed002MessageSchema>;
/** A seed-002 message as written (defaults may be missing). */
export type Seed002MessageInput = z.input<typeof Seed002MessageSchema>;

/** The version this build writes. */
export const SEED_002_VERSION = '1.0';

/** Seed 002's core subjects (each argument must be one subject token). */
export const seed002Subjects = {
  control: (env: string, agent: string) => `agents.${env}.control.${agent}`,
  status: (env: string, agent: string) => `agents.${env}.status.${agent}`,
  task: (env: string, capability: string, specificity: string) => `agents.${env}.task.${capability}.${specificity}`,
  result: (env: string, agent: string, taskType: string) => `agents.${env}.result.${agent}.${taskType}`,
  event: (env: string, eventType: string, detail: string) => `agents.${env}.event.${eventType}.${detail}`,
  discoveryRequests: (env: string) => `agents.${env}.discovery.requests`,
  discoveryResponses: (env: string) => `agents.${env}.discovery.responses`,
  negotiate: (env: string, agent: string) => `agents.${env}.a2a.negotiate.${agent}`,
} as const;

/** The text a seed-002 payload carries: `payload.content` when it is a string, `.text`/`.prompt` inside it, else its JSON. */
export function seed002Text(message: Pick<Seed002Message, 'payload'>): string {
  const content = message.payload.content;
  if (typeof content === 'string') return content;
  if (content && typeof content === 'object') {
    const { text, prompt } = content as { text?: unknown; prompt?: unknown };
    if (typeof text === 'string') return text;
    if (typeof prompt === 'string') return prompt;
  }
  return JSON.stringify(content ?? null);
}
