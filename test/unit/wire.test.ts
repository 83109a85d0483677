// Decoding never throws; seed 001's TaskRequest/TaskResponse map to and from AgentMessages.
import { describe, expect, it } from 'vitest';
import { decodeAgentMessage } from '../../agents/protocol/codec.js';
import { decodeReply, decodeRequest, encodeReply, encodeRequest, newMessage } from '../../agents/runtime/wire.js';

const request = newMessage({ message_type: 'request', from_agent: 'orchestrator', to_agent: 'llm_agent', content: 'write a story', priority: 3 });

describe('decodeAgentMessage', () => {
  it('accepts seed 000’s example and fills defaults', () => {
    const decoded = decodeAgentMessage(
      JSON.stringify({ message_type: 'request', from_agent: 'Task-Coordinator', to_agent: 'Weather-Bot', content: "What's the weather in Paris?", metadata: { user_id: '12345' }, timestamp: '2025-10-02T12:05:45Z', message_id: 'uuid-1234-5678-90ab', in_reply_to: null, priority: 2 }),
    );
    expect(decoded).toMatchObject({ ok: true, value: { from_agent: 'Task-Coordinator', priority: 2 } });
  });
  it('describes what is wrong instead of throwing', () => {
    expect(decodeAgentMessage('{')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    const missing = decodeAgentMessage(JSON.stringify({ message_type: 'request' }));
    expect(missing).toMatchObject({ ok: false, reason: expect.stringContaining('from_agent') });
    const badType = decodeAgentMessage(JSON.stringify({ ...request, message_type: 'shout' }));
    expect(badType).toMatchObject({ ok: false, reason: expect.stringContaining('message_type') });
  });
});

describe('the seed 001 wire', () => {
  it('round-trips a request as a TaskRequest', () => {
    const task = JSON.parse(encodeRequest('task', request));
    expect(task).toEqual({ task_id: request.message_id, task_type: 'chat', payload: { content: 'write a story', from_agent: 'orchestrator' }, priority: 'high' });
    const back = decodeRequest('task', JSON.stringify(task), 'llm_agent');
    expect(back).toMatchObject({ ok: true, value: { content: 'write a story', from_agent: 'orchestrator', to_agent: 'llm_agent', message_id: request.message_id } });
  });
  it('takes payload.prompt when there is no payload.content', () => {
    const decoded = decodeRequest('task', JSON.stringify({ task_id: 't', task_type: 'generate_text', payload: { prompt: 'hi' } }), 'x');
    expect(decoded).toMatchObject({ ok: true, value: { content: 'hi', metadata: { task_type: 'generate_text' } } });
  });
  it('maps completed and failed replies both ways', () => {
    const ok = newMessage({ message_type: 'response', from_agent: 'llm_agent', to_agent: 'orchestrator', content: 'Once upon a time', in_reply_to: request.message_id, metadata: { status: 'completed' } });
    const okWire = JSON.parse(encodeReply('task', ok));
    expect(okWire).toEqual({ task_id: request.message_id, status: 'completed', result: { content: 'Once upon a time', from_agent: 'llm_agent' }, error: null });
    expect(decodeReply('task', JSON.stringify(okWire), request)).toMatchObject({ ok: true, value: { content: 'Once upon a time', metadata: { status: 'completed' } } });

    const failed = { ...ok, content: 'boom', metadata: { status: 'failed', error: 'boom' } };
    const failedWire = JSON.parse(encodeReply('task', failed));
    expect(failedWire).toMatchObject({ status: 'failed', result: null, error: 'boom' });
    expect(decodeReply('task', JSON.stringify(failedWire), request)).toMatchObject({ ok: true, value: { metadata: { status: 'failed', error: 'boom' } } });
  });
});
