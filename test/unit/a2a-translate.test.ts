// Translation between the internal envelope and A2A v1.0 messages/tasks (agents/interop/a2a/translate.ts):
// text and data parts both ways, task state names, streamed artifacts assembled in order.
import { describe, expect, it } from 'vitest';
import { Role, TaskState, type Artifact } from '@a2a-js/sdk';
import {
  a2aUserMessage,
  ArtifactAssembler,
  dataPart,
  isInterruptedState,
  isTerminalState,
  messagePayload,
  partsText,
  taskStateName,
  textPart,
} from '../../agents/interop/a2a/translate.js';

const artifact = (artifactId: string, ...parts: Artifact['parts']): Artifact => ({ artifactId, name: '', description: '', parts, metadata: undefined, extensions: [] });
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
