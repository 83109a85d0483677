// The AgentExecutor behind a Switchboard agent served over A2A, on a fake client and the SDK's own
// event bus (no NATS, no HTTP): the task lifecycle of an answer, streamed chunks as artifact
// updates with the last one marked, a refused (empty) message, a cancel that drops the late
// answer, and a stop that fails what is in flight. The wire is test/integration/a2a-serve.test.ts.
import { TaskState, type Message } from '@a2a-js/sdk';
import { DefaultExecutionEventBus, type AgentExecutionEvent, type RequestContext } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import { ServedAgentExecutor } from '../../agents/interop/a2a/serve/executor.js';
import { a2aUserMessage } from '../../agents/interop/a2a/translate.js';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { GATEWAY_PREVIEW_CHARS, type ProtocolResponseEvent } from '../../agents/protocol/protocol-gateway.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import type { RequestOptions } from '../../agents/tools/agent-handle.js';

/** The request context the SDK would build for `message` (the executor reads these fields only). */
const contextOf = (message: Message, taskId = 't1'): RequestContext => ({ taskId, contextId: 'c1', userMessage: message, task: undefined }) as unknown as RequestContext;

/** A bus that keeps what was published. */
function recordingBus() {
  const bus = new DefaultExecutionEventBus();
  const events: AgentExecutionEvent[] = [];
  bus.on('event', (event) => events.push(event));
  const states = () => events.flatMap((e) => (e.kind === 'statusUpdate' ? [e.data.status!.state] : e.kind === 'task' ? [e.data.status!.state] : []));
  return { bus, events, states };
}

const reply = (content: string): AgentMessage => newMessage({ message_type: 'response', from_agent: 'echo', to_agent: 'a2a_client', content });

describe('ServedAgentExecutor', () => {
  it('asks the agent with the text and A2A ids, streams chunks as one appended artifact (last marked), then completed', async () => {
    const asked: { to: string; text: string; options: RequestOptions | undefined }[] = [];
    const executor = new ServedAgentExecutor({
      agent: 'echo',
      client: {
        request: async (to, text, options) => {
          asked.push({ to, text, options });
          for (const chunk of ['Echo ', 'says ', 'hi']) options?.stream?.(newMessage({ message_type: 'stream.chunk', from_agent: 'echo', to_agent: 'a2a_client', content: chunk }));
          return reply('Echo says hi');
        },
      },
    });
    const { bus, events, states } = recordingBus();
    await executor.execute(contextOf(a2aUserMessage({ text: 'hi' })), bus);
    expect(asked).toEqual([{ to: 'echo', text: 'hi', options: expect.objectContaining({ metadata: { protocol: 'a2a', a2a_task_id: 't1', a2a_context_id: 'c1' } }) }]);
    expect(states()).toEqual([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);
    const artifacts = events.flatMap((e) => (e.kind === 'artifactUpdate' ? [e.data] : []));
    expect(artifacts.map((a) => [a.artifact?.parts[0]?.content?.value, a.append, a.lastChunk])).toEqual([
      ['Echo ', false, false],
      ['says ', true, false],
      ['hi', true, true],
    ]);
    expect(executor.inFlight).toBe(0);
  });

  it('records the served call\'s response with the bytes of the whole answer, not of its preview', async () => {
    const long = 'é'.repeat(GATEWAY_PREVIEW_CHARS * 2);
    const events = new RuntimeEventBus();
    const responses: ProtocolResponseEvent[] = [];
    events.on('protocol.a2a.response', (e) => void responses.push(e));
    const executor = new ServedAgentExecutor({ agent: 'echo', client: { request: async () => reply(long) }, events });
    await executor.execute(contextOf(a2aUserMessage({ text: 'hi' })), recordingBus().bus);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.preview.length).toBe(GATEWAY_PREVIEW_CHARS);
    expect(responses[0]!.bytes).toBe(Buffer.byteLength(long));
  });

  it('rejects a message without text, without asking the agent', async () => {
    let asked = 0;
    const executor = new ServedAgentExecutor({ agent: 'echo', client: { request: async () => (asked++, reply('never')) } });
    const { bus, events, states } = recordingBus();
    await executor.execute(contextOf(a2aUserMessage({ text: '  ' })), bus);
    expect(asked).toBe(0);
    expect(states().at(-1)).toBe(TaskState.TASK_STATE_REJECTED);
    const last = events.at(-1);
    expect(last?.kind === 'statusUpdate' && last.data.status?.message?.parts[0]?.content?.value).toBe('the message has no text for the agent');
  });

  it('a cancel ends the task as canceled and drops the answer that comes later; a stop fails what is in flight', async () => {
    const answers: ((message: AgentMessage) => void)[] = [];
    const executor = new ServedAgentExecutor({ agent: 'echo', client: { request: () => new Promise<AgentMessage>((resolve) => answers.push(resolve)) } });
    const first = recordingBus();
    const running = executor.execute(contextOf(a2aUserMessage({ text: 'slow' }), 't1'), first.bus);
    const second = recordingBus();
    const held = executor.execute(contextOf(a2aUserMessage({ text: 'held' }), 't2'), second.bus);
    expect(executor.inFlight).toBe(2);
    await executor.cancelTask('t1');
    answers[0]!(reply('too late'));
    await running;
    expect(first.states().at(-1)).toBe(TaskState.TASK_STATE_CANCELED);
    expect(first.events.some((e) => e.kind === 'artifactUpdate')).toBe(false);
    executor.abandon('stopped: the run stopped');
    answers[1]!(reply('too late too'));
    await held;
    expect(second.states().at(-1)).toBe(TaskState.TASK_STATE_FAILED);
    expect(second.states().filter((s) => s === TaskState.TASK_STATE_FAILED || s === TaskState.TASK_STATE_COMPLETED)).toHaveLength(1);
    expect(executor.inFlight).toBe(0);
  });
});
