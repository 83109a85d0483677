/**
 * The AgentExecutor of a Switchboard agent served over A2A: an A2A message becomes an ordinary
 * streamed request to the agent on the bus, from the run's A2A client identity (so the OODA cycle,
 * breakpoints, budgets and the trace all apply, as for the Synadia exposure). The task goes
 * submitted -> working; streamed chunks become artifact-update events of one `answer` artifact
 * (each published one chunk late, so the last carries `lastChunk`), then `completed`; a failed
 * request is a `failed` status whose message says why; a run that stops fails its tasks in flight.
 */
import type { Message, Part, Task, TaskArtifactUpdateEvent, TaskState as TaskStateType } from '@a2a-js/sdk';
import { Role, TaskState } from '@a2a-js/sdk';
import { randomUUID } from 'node:crypto';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import type { AgentHandle } from '../../../tools/agent-handle.js';
import { failureOf } from '../../synadia/service.js';

/** How long a served call waits for the agent (breakpoints can hold it; the run session's own default). */
export const A2A_SERVED_REQUEST_TIMEOUT_MS = 120_000;
/** The id of the one artifact an answer is streamed into. */
export const A2A_ANSWER_ARTIFACT = 'answer';

/** A text part as the SDK's types spell it. */
export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' };
}

/** The text a served agent is asked: text parts as they are, data parts as JSON, files by name or URL. */
export function requestText(message: Message): string {
  return message.parts
    .map((part) => {
      const content = part.content;
      if (!content) return '';
      if (content.$case === 'text') return content.value;
      if (content.$case === 'data') return JSON.stringify(content.value);
      if (content.$case === 'url') return content.value;
      return part.filename ? `[file ${part.filename}]` : '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

/** Options of {@link ServedAgentExecutor}. */
export interface ServedAgentExecutorOptions {
  /** The served agent's name (the bus request goes to it). */
  agent: string;
  /** Asks the agent on a caller's behalf. */
  client: Pick<AgentHandle, 'request'>;
  /** Cleans a caller's text before it reaches the bus (the protocol gateway's inbound sanitizing), or throws why not. */
  sanitize?: (text: string) => string;
  requestTimeoutMs?: number;
}

/** One task being worked on: how to end it once (by its answer, its failure, a cancel or the run's stop). */
interface Running {
  end(state: TaskStateType, reason?: string): void;
}

/** Runs A2A tasks of one served agent as bus requests to it. */
export class ServedAgentExecutor implements AgentExecutor {
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: ServedAgentExecutorOptions) {}

  /** Tasks in flight (the server's stop ends them). */
  get inFlight(): number {
    return this.running.size;
  }

  execute = async (context: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = context;
    const status = (state: TaskStateType, text?: string) =>
      bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state, message: text === undefined ? undefined : agentMessage(taskId, contextId, text), timestamp: new Date().toISOString() }, metadata: undefined }));
    let ended = false;
    const running: Running = {
      end: (state, reason) => {
        if (ended) return;
        ended = true;
        this.running.delete(taskId);
        status(state, reason);
      },
    };
    const task: Task = { id: taskId, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() }, artifacts: [], history: [context.userMessage], metadata: undefined };
    bus.publish(AgentEvent.task(context.task ?? task));
    let text: string;
    try {
      text = requestText(context.userMessage);
      if (this.options.sanitize) text = this.options.sanitize(text);
      if (text.trim() === '') throw new Error('the message has no text for the agent');
    } catch (error) {
      return running.end(TaskState.TASK_STATE_REJECTED, error instanceof Error ? error.message : String(error));
    }
    this.running.set(taskId, running);
    status(TaskState.TASK_STATE_WORKING);
    // One chunk is held back, so the last one published can say it is the last.
    let held: string | null = null;
    let chunks = 0;
    const artifact = (chunk: string, lastChunk: boolean) => {
      if (ended) return;
      const event: TaskArtifactUpdateEvent = {
        taskId,
        contextId,
        artifact: { artifactId: A2A_ANSWER_ARTIFACT, name: 'answer', description: '', parts: [textPart(chunk)], metadata: undefined, extensions: [] },
        append: chunks > 0,
        lastChunk,
        metadata: undefined,
      };
      chunks++;
      bus.publish(AgentEvent.artifactUpdate(event));
    };
    try {
      const answer = await this.options.client.request(this.options.agent, text, {
        timeoutMs: this.options.requestTimeoutMs ?? A2A_SERVED_REQUEST_TIMEOUT_MS,
        metadata: { protocol: 'a2a', a2a_task_id: taskId, a2a_context_id: contextId },
        stream: (frame) => {
          if (frame.message_type !== 'stream.chunk' || frame.content.length === 0) return;
          if (held !== null) artifact(held, false);
          held = frame.content;
        },
      });
      // A profile without a response channel streams nothing: the reply is the one chunk.
      if (held !== null) artifact(held, true);
      else artifact(answer.content, true);
      running.end(TaskState.TASK_STATE_COMPLETED);
    } catch (error) {
      const failure = failureOf(error);
      running.end(TaskState.TASK_STATE_FAILED, `${failure.error}: ${failure.message}`);
    }
  };

  cancelTask = async (taskId: string): Promise<void> => {
    // The bus request cannot be taken back: its answer is dropped when it comes.
    this.running.get(taskId)?.end(TaskState.TASK_STATE_CANCELED, 'canceled by the caller');
  };

  /** Fails every task in flight with `reason` (the run is stopping). */
  abandon(reason: string): void {
    for (const running of [...this.running.values()]) running.end(TaskState.TASK_STATE_FAILED, reason);
  }
}

/** An agent-role message with one text part. */
function agentMessage(taskId: string, contextId: string, text: string): Message {
  return { messageId: randomUUID(), contextId, taskId, role: Role.ROLE_AGENT, parts: [textPart(text)], metadata: undefined, extensions: [], referenceTaskIds: [] };
}
