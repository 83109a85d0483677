// Translation between the internal envelope and A2A v1.0 messages/tasks (agents/interop/a2a/translate.ts):
// text and data parts both ways, a task's answer, task state names, streamed artifacts assembled in order.
import { describe, expect, it } from 'vitest';
import { Role, TaskState, type Artifact, type Task } from '@a2a-js/sdk';
import {
  a2aReplyOf,
  a2aUserMessage,
  ArtifactAssembler,
  dataPart,
  isInterruptedState,
  isTerminalState,
  messagePayload,
  partsText,
  requestFromA2a,
  taskAnswer,
  taskStateName,
  textPart,
} from '../../agents/interop/a2a/translate.js';

const artifact = (artifactId: string, ...parts: Artifact['parts']): Artifact => ({ artifactId, name: '', description: '', parts, metadata: undefined, extensions: [] });
const task = (state: TaskState, artifacts: Artifact[] = [], statusText?: string): Task => ({
  id: 't1',
  contextId: 'c1',
  status: { state, message: statusText === undefined ? undefined : a2aUserMessage({ text: statusText }), timestamp: undefined },
  artifacts,
  history: [],
  metadata: undefined,
});

describe('A2A translation', () => {
  it('puts text and data in parts and reads them back', () => {
    const message = a2aUserMessage({ text: 'hello', data: { order: 42 }, contextId: 'c' });
    expect(message.role).toBe(Role.ROLE_USER);
    expect(message.parts.map((p) => p.content?.$case)).toEqual(['text', 'data']);
    expect(messagePayload(message)).toEqual({ text: 'hello', data: { order: 42 } });
    // Data alone: the text is its JSON, so a text-only reader still sees it.
    expect(messagePayload({ parts: [dataPart([1, 2])] })).toEqual({ text: '[1,2]', data: [1, 2] });
    expect(partsText([textPart('a'), dataPart({ b: 1 })])).toBe('a\n{"b":1}');
  });

  it('turns an A2A message into an internal request and a reply into an agent message', () => {
    const request = requestFromA2a(a2aUserMessage({ text: 'q', data: { x: 1 }, contextId: 'ctx' }), 'a2a_client', 'writer');
    expect(request).toMatchObject({ message_type: 'request', from_agent: 'a2a_client', to_agent: 'writer', content: 'q' });
    expect(request.metadata).toMatchObject({ data: { x: 1 }, a2a: { contextId: 'ctx' } });
    const reply = a2aReplyOf({ content: 'answer', metadata: {} }, { contextId: 'ctx', taskId: 't' });
    expect(reply.role).toBe(Role.ROLE_AGENT);
    expect(messagePayload(reply)).toEqual({ text: 'answer' });
  });

  it("reads a task's answer from its artifacts, else its status message", () => {
    expect(taskAnswer(task(TaskState.TASK_STATE_COMPLETED, [artifact('a', textPart('one')), artifact('b', textPart('two'))]))).toEqual({ text: 'one\ntwo', state: 'completed' });
    expect(taskAnswer(task(TaskState.TASK_STATE_FAILED, [], 'disk full'))).toEqual({ text: 'disk full', state: 'failed' });
  });

  it('names task states and classifies them', () => {
    expect(taskStateName(TaskState.TASK_STATE_INPUT_REQUIRED)).toBe('input-required');
    expect(taskStateName(undefined)).toBe('unknown');
    expect(isTerminalState('rejected')).toBe(true);
    expect(isTerminalState('working')).toBe(false);
    expect(isInterruptedState('auth-required')).toBe(true);
  });

  it('assembles streamed artifacts in order, honouring append', () => {
    const assembler = new ArtifactAssembler();
    assembler.add({ artifact: artifact('x', textPart('Hel')), append: false, lastChunk: false });
    assembler.add({ artifact: artifact('y', textPart('second')), append: false, lastChunk: true });
    assembler.add({ artifact: artifact('x', textPart('lo')), append: true, lastChunk: true });
    expect(partsText(assembler.list().flatMap((a) => a.parts))).toBe('Hello\nsecond');
    expect(assembler.counts).toEqual({ artifacts: 2, complete: 2 });
    // Without append, an update replaces the artifact of the same id.
    assembler.add({ artifact: artifact('y', textPart('replaced')), append: false, lastChunk: true });
    expect(partsText(assembler.list().flatMap((a) => a.parts))).toBe('Hello\nreplaced');
  });
});
