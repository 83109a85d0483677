/**
 * What the runtime sends to a model and what comes back, as zod schemas: `llm.call` events carry
 * both, so trace records (read by the renderer and the exporters) need them isomorphically. The
 * provider interface in agents/llm/provider.ts is written in these types.
 */
import { z } from 'zod';

/** A tool the model may call, with its arguments as a JSON Schema object. */
const LlmToolSchema = z.object({
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
export type LlmTool = z.infer<typeof LlmToolSchema>;

/** A tool call the model asked for. `arguments` is already parsed JSON. */
const LlmToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
});
export type LlmToolCall = z.infer<typeof LlmToolCallSchema>;

/**
 * What an OODA turn decided (the model's answer reduced to what Act uses): text, tool calls, or
 * both. The debugger may replace it before Act, and a fork (`switchboard replay --fork`) replaces one.
 */
export const OodaDecisionSchema = z.object({ text: z.string(), toolCalls: z.array(LlmToolCallSchema) }).strict();
export type OodaDecision = z.infer<typeof OodaDecisionSchema>;

/** The decision's JSON Schema, for editors (Monaco's completion and validation). */
export function oodaDecisionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(OodaDecisionSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** One message of the conversation sent to the model (the system prompt travels separately). */
const LlmMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(LlmToolCallSchema).optional() }),
  /** A tool's result; `isError` when the tool failed (the model sees it as an error, not data). */
  z.object({ role: z.literal('tool'), toolCallId: z.string(), name: z.string(), content: z.string(), isError: z.boolean().optional() }),
]);
export type LlmMessage = z.infer<typeof LlmMessageSchema>;

/** What Decide asks of the model. */
export const LlmRequestSchema = z.object({
  model: z.string(),
  system: z.string(),
  messages: z.array(LlmMessageSchema),
  tools: z.array(LlmToolSchema),
  maxTokens: z.number().optional(),
  temperature: z.number().optional(),
});
export type LlmRequest = z.infer<typeof LlmRequestSchema>;

/** Token counts as the provider reports them (estimated where it reports none). */
const LlmUsageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
});
export type LlmUsage = z.infer<typeof LlmUsageSchema>;

/** The model's answer: text, tool calls, or both. */
export const LlmResponseSchema = z.object({
  text: z.string(),
  toolCalls: z.array(LlmToolCallSchema),
  usage: LlmUsageSchema,
  /** Why the model stopped: 'stop', 'tool_calls', 'max_tokens', or the provider's own word. */
  stopReason: z.string(),
  /** The model that answered, as the provider names it. */
  model: z.string(),
});
export type LlmResponse = z.infer<typeof LlmResponseSchema>;
