/**
 * The AgentExecutor of a Switchboard agent served over A2A: an A2A message becomes an ordinary
 * streamed request to the agent on the bus, from the run's A2A client identity (so the OODA cycle,
 * breakpoints, budgets and the trace all apply, as for the Synadia exposure). The task goes
 * submitted -> working; streamed chunks become artifact-update events of one `answer` artifact
 * (each published one chunk late, so the last carries `lastChunk`), then `completed`; a failed
 * request is a `failed` status whose message says why; a run that stops fails its tasks in flight.
 */
import { TaskState, type Task, type TaskArtifactUpdateEvent } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { GATEWAY_PREVIEW_CHARS } from '../../../protocol/protocol-gateway.js';
import type { RuntimeEventBus } from '../../../protocol/runtime-events.js';
import { AgentRequestError } from '../../../runtime/agent.js';
import type { AgentHandle } from '../../../tools/agent-handle.js';
import type { InboundPayload } from '../../gateway/sanitize.js';
import { failureOf } from '../../synadia/service.js';
import { A2A_DATA_KEY, a2aAgentMessage, messagePayload, taskStateName, textPart } from '../translate.js';

/** How the trace names whoever called a served agent over A2A (the listener takes no credentials: no name to give). */
export const A2A_INBOUND_PEER = 'a2a-caller';

/** How long a served call waits for the agent (breakpoints can hold it; the run session's own default). */
export const A2A_SERVED_REQUEST_TIMEOUT_MS = 120_000;
/** The id of the one artifact an answer is streamed into. */
export const A2A_ANSWER_ARTIFACT = 'answer';

/** Options of {@link ServedAgentExecutor}. */
export interface ServedAgentExecutorOptions {
  /** The served agent's name (the bus request goes to it). */
  agent: string;
  /** Asks the agent on a caller's behalf. */
  client: Pick<AgentHandle, 'request'>;
  /** Cleans a caller's message (text and data) before it reaches the bus (the protocol gateway's inbound sanitizing), or throws why not. */
  sanitize?: (payload: InboundPayload) => InboundPayload;
  requestTimeoutMs?: number;
  /** Where the served calls are recorded (`protocol.a2a.request/response`, direction inbound). */
  events?: RuntimeEventBus;
}

/** One task being worked on: how to end it once (by its answer, its failure, a cancel or the run's stop). */
interface Running {
  end(state: TaskState, reason?: string, requestId?: string): void;
}

/** Runs A2A tasks of one served agent as bus requests to it. */
export class ServedAgentExecutor implements AgentExecutor {
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: ServedAgentExecutorOptions) {}

  /** Tasks in flight (the server's stop ends them). */
  get inFlight(): number {
    return this.running.size;
  }

  /** One A2A task: the agent asked on the caller's behalf, its answer streamed back as the task's artifact. */
  execute = async (context: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = context;
    const agent = this.options.agent;
    const status = (state: TaskState, text?: string) =>
      bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state, message: text === undefined ? undefined : a2aAgentMessage({ text, contextId, taskId }), timestamp: new Date().toISOString() }, metadata: undefined }));
    // The served call in the trace: callId is the A2A task id (also in the bus request's metadata).
    const call = { agent, peer: A2A_INBOUND_PEER, protocol: 'a2a' as const, direction: 'inbound' as const, callId: taskId, runId: null, operation: null };
    const started = performance.now();
    let answerText = '';
    let ended = false;
    const running: Running = {
      end: (state, reason, requestId) => {
        if (ended) return;
        ended = true;
        this.running.delete(taskId);
        status(state, reason);
        const ok = state === TaskState.TASK_STATE_COMPLETED;
        const text = ok ? answerText : (reason ?? '');
        // bytes: the whole answer's, as the gateway's outbound calls record it (the preview is cut).
        this.options.events?.emit('protocol.a2a.response', { ...call, requestId: requestId ?? null, stripped: [], state: taskStateName(state), durationMs: performance.now() - started, error: ok ? null : (reason ?? null), preview: cut(text), bytes: Buffer.byteLength(text) });
      },
    };
    const task: Task = { id: taskId, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() }, artifacts: [], history: [context.userMessage], metadata: undefined };
    bus.publish(AgentEvent.task(context.task ?? task));
    const received = messagePayload(context.userMessage);
    this.options.events?.emit('protocol.a2a.request', { ...call, requestId: null, stripped: [], preview: cut(received.text) });
    let payload: InboundPayload;
    try {
      payload = this.options.sanitize ? this.options.sanitize(received) : received;
      if (payload.text.trim() === '') throw new Error('the message has no text for the agent');
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
      const answer = await this.options.client.request(agent, payload.text, {
        timeoutMs: this.options.requestTimeoutMs ?? A2A_SERVED_REQUEST_TIMEOUT_MS,
        metadata: { protocol: 'a2a', a2a_task_id: taskId, a2a_context_id: contextId, ...(payload.data !== undefined && { [A2A_DATA_KEY]: payload.data }) },
        stream: (frame) => {
          if (frame.message_type !== 'stream.chunk' || frame.content.length === 0) return;
          if (held !== null) artifact(held, false);
          held = frame.content;
        },
      });
      answerText = answer.content;
      // A profile without a response channel streams nothing: the reply is the one chunk.
      if (held !== null) artifact(held, true);
      else artifact(answer.content, true);
      running.end(TaskState.TASK_STATE_COMPLETED, undefined, answer.in_reply_to ?? undefined);
    } catch (error) {
      const failure = failureOf(error);
      const requestId = error instanceof AgentRequestError ? (error.reply?.in_reply_to ?? undefined) : undefined;
      running.end(TaskState.TASK_STATE_FAILED, `${failure.error}: ${failure.message}`, requestId);
    }
  };

  /** Ends the task as canceled. */
  cancelTask = async (taskId: string): Promise<void> => {
    // The bus request cannot be taken back: its answer is dropped when it comes.
    this.running.get(taskId)?.end(TaskState.TASK_STATE_CANCELED, 'canceled by the caller');
  };

  /** Fails every task in flight with `reason` (the run is stopping). */
  abandon(reason: string): void {
    for (const running of [...this.running.values()]) running.end(TaskState.TASK_STATE_FAILED, reason);
  }
}

const cut = (text: string) => (text.length > GATEWAY_PREVIEW_CHARS ? `${text.slice(0, GATEWAY_PREVIEW_CHARS - 1)}…` : text);
