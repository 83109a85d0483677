/**
 * The three wire formats behind one handler: seed 000's AgentMessage, seed 001's
 * TaskRequest/TaskResponse, and seed 002's envelope (seed-002-wire.ts). Incoming requests become
 * AgentMessages; replies go out in the format the request came in. Decoding never throws
 * (invalid input is described).
 */
import { randomUUID } from 'node:crypto';
import { AgentMessageSchema, type AgentMessage } from '../protocol/agent-message.js';
import { decodeAgentMessage, decodeJson, type Decoded } from '../protocol/codec.js';
import type { WireFormat } from '../protocol/subjects.js';
import { TaskRequestSchema, TaskResponseSchema, type TaskRequest, type TaskResponse } from '../protocol/task-message.js';
import { decodeSeed002, encodeSeed002 } from './seed-002-wire.js';

export { withReplyTo } from './seed-002-wire.js';

/** Builds a new AgentMessage with a fresh id and timestamp. */
export function newMessage(fields: Pick<AgentMessage, 'message_type' | 'from_agent' | 'to_agent' | 'content'> & Partial<AgentMessage>): AgentMessage {
  return {
    metadata: {},
    in_reply_to: null,
    priority: 2,
    ...fields,
    timestamp: fields.timestamp ?? new Date().toISOString(),
    message_id: fields.message_id ?? randomUUID(),
  };
}

/** Decodes a request body in `wire` format as an AgentMessage addressed to `agent`. */
export function decodeRequest(wire: WireFormat, text: string, agent: string): Decoded<AgentMessage> {
  if (wire === 'agent-message') return decodeJson(AgentMessageSchema, text);
  if (wire === 'seed-002') return decodeSeed002(text, agent);
  const task = decodeJson(TaskRequestSchema, text);
  if (!task.ok) return task;
  return { ok: true, value: taskToMessage(task.value, agent) };
}

/** Seed 001's TaskRequest seen as an AgentMessage: the prompt is `payload.content` or `payload.prompt`. */
function taskToMessage(task: TaskRequest, agent: string): AgentMessage {
  const { content, prompt } = task.payload as { content?: unknown; prompt?: unknown };
  const text = typeof content === 'string' ? content : typeof prompt === 'string' ? prompt : JSON.stringify(task.payload);
  return newMessage({
    message_type: 'request',
    from_agent: typeof task.payload['from_agent'] === 'string' ? task.payload['from_agent'] : 'unknown',
    to_agent: agent,
    content: text,
    message_id: task.task_id,
    metadata: { task_type: task.task_type, payload: task.payload, task_priority: task.priority },
  });
}

/** Encodes a reply to `request` in `wire` format. */
export function encodeReply(wire: WireFormat, reply: AgentMessage): string {
  if (wire === 'agent-message') return JSON.stringify(reply);
  if (wire === 'seed-002') return encodeSeed002(reply);
  const failed = reply.metadata['status'] === 'failed';
  const response: TaskResponse = {
    task_id: reply.in_reply_to ?? reply.message_id,
    status: failed ? 'failed' : 'completed',
    result: failed ? null : { content: reply.content, from_agent: reply.from_agent },
    error: failed ? String(reply.metadata['error'] ?? reply.content) : null,
  };
  return JSON.stringify(response);
}

/** Encodes an outgoing request to `to` in `wire` format. */
export function encodeRequest(wire: WireFormat, request: AgentMessage): string {
  if (wire === 'agent-message') return JSON.stringify(request);
  if (wire === 'seed-002') return encodeSeed002(request);
  const task: TaskRequest = {
    task_id: request.message_id,
    task_type: typeof request.metadata['task_type'] === 'string' ? request.metadata['task_type'] : 'chat',
    payload: { content: request.content, from_agent: request.from_agent },
    priority: request.priority >= 4 ? 'urgent' : request.priority === 3 ? 'high' : request.priority <= 1 ? 'low' : 'normal',
  };
  return JSON.stringify(task);
}

/** Decodes a reply in `wire` format as an AgentMessage. */
export function decodeReply(wire: WireFormat, text: string, request: AgentMessage): Decoded<AgentMessage> {
  if (wire === 'agent-message') return decodeJson(AgentMessageSchema, text);
  if (wire === 'seed-002') return decodeSeed002(text, request.from_agent);
  const task = decodeJson(TaskResponseSchema, text);
  if (!task.ok) return task;
  const r = task.value;
  const failed = r.status === 'failed' || r.status === 'cancelled';
  const content = failed ? (r.error ?? r.status) : typeof r.result?.['content'] === 'string' ? r.result['content'] : JSON.stringify(r.result);
  return {
    ok: true,
    value: newMessage({
      message_type: 'response',
      from_agent: request.to_agent ?? 'unknown',
      to_agent: request.from_agent,
      content,
      in_reply_to: r.task_id,
      metadata: failed ? { status: 'failed', error: r.error ?? r.status } : { status: 'completed', result: r.result },
    }),
  };
}

/** Encodes any other message (presence, broadcasts, stream frames): seed 002 wraps it in its envelope, the others send AgentMessage. */
export function encodeMessage(wire: WireFormat, message: AgentMessage): string {
  return wire === 'seed-002' ? encodeSeed002(message) : JSON.stringify(message);
}

/** Decodes any other message in `wire` format (presence, broadcasts) as an AgentMessage. */
export function decodeMessage(wire: WireFormat, text: string): Decoded<AgentMessage> {
  return wire === 'seed-002' ? decodeSeed002(text, null) : decodeAgentMessage(text);
}
