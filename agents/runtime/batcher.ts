/**
 * Seed 002's batch processing as a handler around another one (the OODA loop): requests arriving
 * within a window (batch-windows.ts) become ONE run of the inner handler, which sees every member
 * numbered with its sender (batch-answer.ts); its answer is split so each member's own pending
 * handler call resolves with its own answer. The agent then replies to each member as to any
 * request — its own reply subject, `in_reply_to` its own message id, in its profile's wire format —
 * so nothing in the receive path changes, and an agent without `batch` is not wrapped at all.
 */
import { randomUUID } from 'node:crypto';
import type { AgentMessage } from '../protocol/agent-message.js';
import type { AgentHandle } from '../tools/agent-handle.js';
import type { HandlerContext, HandlerResult, MessageHandler } from './agent.js';
import { batchPrompt, splitBatchAnswer } from './batch-answer.js';
import { BatchWindows, type BatchSettings } from './batch-windows.js';
import type { Clock } from './clock.js';
import { newMessage } from './wire.js';

export type { BatchSettings };

/** A member the batch run gave no answer: its failed reply says why (`error_code` batch_unanswered). */
export class BatchMemberError extends Error {
  readonly errorCode = 'batch_unanswered';
}

/** The context a batch run's inner handler gets: the run id `batch.formed` announced (the OODA run uses it). */
export type BatchRunContext = HandlerContext & { runId: string };

/** A batching handler and how to stop it holding requests. */
export interface Batched {
  handler: MessageHandler;
  /** Closes every open window now (each runs at once) and holds no later request: call before the agent stops. */
  close(): void;
}

interface Member {
  message: AgentMessage;
  context: HandlerContext;
  resolve(result: HandlerResult): void;
  reject(error: unknown): void;
}

/** Wraps `inner` so requests are answered in batches of `settings`; other messages pass straight through. */
export function batchHandler(inner: MessageHandler, settings: BatchSettings, clock: Clock): Batched {
  const windows = new BatchWindows<AgentHandle, Member>(settings, clock, (agent, members) => void runBatch(inner, agent, members));
  const handler: MessageHandler = (message, context) => {
    if (message.message_type !== 'request') return inner(message, context);
    return new Promise<HandlerResult>((resolve, reject) => windows.add(context.agent, { message, context, resolve, reject }));
  };
  return { handler, close: () => windows.close() };
}

/** One batch: announce it, run the inner handler once, hand each member its own answer or its own failure. */
async function runBatch(inner: MessageHandler, agent: AgentHandle, members: Member[]): Promise<void> {
  const runId = randomUUID();
  const count = members.length;
  agent.events.emit('batch.formed', {
    agent: agent.name,
    runId,
    members: members.map(({ message, context }) => ({ messageId: message.message_id, from: message.from_agent, subject: context.subject })),
  });
  const request = newMessage({
    message_type: 'request',
    from_agent: agent.name,
    to_agent: agent.name,
    content: batchPrompt(members.map(({ message }) => ({ from: message.from_agent, content: message.content }))),
    // One conversation for an agent's batches: its memory holds what earlier batches were answered.
    metadata: { conversation_id: `batch:${agent.name}`, batch: { run_id: runId, members: members.map((m) => m.message.message_id) } },
  });
  const context: BatchRunContext = { agent, subject: members[0]!.context.subject, runId };
  let text: string;
  try {
    const result = await inner(request, context);
    text = typeof result === 'string' ? result : (result?.content ?? '');
  } catch (error) {
    // The run failed (a budget, the model): every member is told, none is left waiting.
    for (const member of members) member.reject(error);
    return;
  }
  splitBatchAnswer(text, count).forEach((answer, i) => {
    const member = members[i]!;
    const metadata = { batch_run_id: runId, batch_member: i + 1, batch_size: count };
    if (answer.ok) member.resolve({ content: answer.content, metadata });
    else member.reject(new BatchMemberError(`${agent.name}'s batch run ${runId} gave no answer to this request: ${answer.reason}.`));
  });
}
