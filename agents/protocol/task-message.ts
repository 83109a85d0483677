/** Seed 001's request/response bodies for `agent.{name}.task`: TaskRequest and TaskResponse. */
import { z } from 'zod';

const TaskPrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);

/** Seed 001's TaskRequest. */
export const TaskRequestSchema = z.object({
  task_id: z.string().min(1),
  task_type: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).default({}),
  priority: TaskPrioritySchema.default('normal'),
});
export type TaskRequest = z.infer<typeof TaskRequestSchema>;

/** Seed 001's TaskResponse. */
export const TaskResponseSchema = z.object({
  task_id: z.string().min(1),
  status: z.enum(['pending', 'in_progress', 'completed', 'failed', 'cancelled']),
  result: z.record(z.string(), z.unknown()).nullable().default(null),
  error: z.string().nullable().default(null),
});
export type TaskResponse = z.infer<typeof TaskResponseSchema>;
