// A recording's outside inputs (the sender's requests and their replies, from the bus records) and
// sending them again at the same points: concurrent inputs stay concurrent, a follow-up waits.
import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { replyDifference, sendInputs } from '../../agents/runtime/replay/input-schedule.js';
import { recordingFrom, type RecordedInput } from '../../agents/runtime/replay/recording.js';
import type { TraceHeader, TraceRecord } from '../../agents/trace/record.js';
import { eventRecord, messageRecord, sampleMessage } from '../helpers/trace-events.js';

const header: TraceHeader = { format: 'switchboard.trace/v1', run: 'run-1', startedAt: '2026-01-01T00:00:00.000Z', topology: 'apiVersion: …' };
let seq = 0;
const base = () => ({ seq: ++seq, time: '2026-01-01T00:00:00.000Z', mono: seq });
const bus = (subject: string, reply: string | null, message: Partial<AgentMessage>): TraceRecord => {
  const parsed = sampleMessage(message);
  return messageRecord(base(), subject, JSON.stringify(parsed), { reply, parsed: { ok: true, message: parsed } });
};
const request = (n: number, to: string, content: string, from = 'switchboard_cli') => bus(`agents.request.${to}`, `_INBOX_${from}.${n}`, { message_type: 'request', from_agent: from, to_agent: to, content });
const reply = (n: number, content: string, failed = false, from = 'switchboard_cli') =>
  bus(`_INBOX_${from}.${n}`, null, { message_type: 'response', from_agent: 'x', to_agent: from, content, metadata: failed ? { status: 'failed' } : {} });

describe('recordingFrom', () => {
  it('reads model calls, tool results and the outside requests with the replies that came before each', () => {
    seq = 0;
    const recording = recordingFrom(header, [
      request(1, 'coordinator', 'first'),
      request(2, 'coordinator', 'concurrent'),
      bus('agents.request.weather', '_INBOX_coordinator.9', { message_type: 'request', from_agent: 'coordinator', to_agent: 'weather', content: 'inner' }),
      eventRecord(base(), 'llm.call', 'coordinator'),
      eventRecord(base(), 'tool.result', 'coordinator', { tool: 'lookup', arguments: { city: 'Paris' }, result: 'sunny' }),
      reply(2, 'second answer'),
      request(3, 'coordinator', 'follow-up', 'switchboard_app'),
      reply(1, 'first answer', true),
      reply(3, 'third answer', false, 'switchboard_app'),
    ]);
    expect(recording.runId).toBe('run-1');
    expect(recording.llmCalls).toHaveLength(1);
    expect(recording.toolResults).toEqual([{ agent: 'coordinator', tool: 'lookup', arguments: { city: 'Paris' }, result: 'sunny', isError: false, refused: null }]);
    expect(recording.inputs.map(({ from, to, content, after, reply }) => ({ from, to, content, after, reply }))).toEqual([
      { from: 'switchboard_cli', to: 'coordinator', content: 'first', after: [], reply: { content: 'first answer', failed: true } },
      { from: 'switchboard_cli', to: 'coordinator', content: 'concurrent', after: [], reply: { content: 'second answer', failed: false } },
      { from: 'switchboard_app', to: 'coordinator', content: 'follow-up', after: [1], reply: { content: 'third answer', failed: false } },
    ]);
  });
});

const input = (index: number, after: number[], reply: string | null = null): RecordedInput => ({ index, seq: index + 1, from: 'switchboard_cli', to: 'a', content: `q${index}`, after, reply: reply === null ? null : { content: reply, failed: false } });

/** Lets the schedule run until it waits again (a macrotask: every pending promise has run by then). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A send whose replies the test releases one by one. */
function controlledSend() {
  const sent: string[] = [];
  const waiting = new Map<string, (reply: string) => void>();
  const send = (i: RecordedInput) => (sent.push(i.content), new Promise<string>((resolve) => waiting.set(i.content, resolve)));
  const answer = async (content: string) => {
    waiting.get(content)!(`re ${content}`);
    await settle();
  };
  return { sent, send, answer };
}

describe('sendInputs', () => {
  it('sends concurrent inputs together and a follow-up only after the replies it followed', async () => {
    const { sent, send, answer } = controlledSend();
    const done = sendInputs([input(0, []), input(1, []), input(2, [1])], send, new AbortController().signal);
    await settle();
    expect(sent).toEqual(['q0', 'q1']);
    await answer('q0'); // not the reply q2 followed
    expect(sent).toEqual(['q0', 'q1']);
    await answer('q1');
    expect(sent).toEqual(['q0', 'q1', 'q2']);
    await answer('q2');
    expect((await done).map((o) => o.reply)).toEqual(['re q0', 're q1', 're q2']);
  });

  it('stops sending when the replay stops, and says which inputs were not sent', async () => {
    const { sent, send } = controlledSend();
    const stop = new AbortController();
    const done = sendInputs([input(0, []), input(1, [0])], send, stop.signal);
    await settle();
    stop.abort();
    await settle();
    const outcomes = await Promise.race([done, new Promise<null>((resolve) => setTimeout(() => resolve(null), 50))]);
    expect(sent).toEqual(['q0']);
    expect(outcomes).toBeNull(); // q0 is still awaited: the session's stop ends it
  });

  it('compares a reply with the recorded one', () => {
    expect(replyDifference(input(0, [], 'same'), { index: 0, to: 'a', content: 'q0', reply: 'same', error: null })).toBeNull();
    expect(replyDifference(input(0, [], 'same'), { index: 0, to: 'a', content: 'q0', reply: 'other', error: null })).toBe('input 1 to a: the record\'s reply was "same", the replay\'s "other".');
    expect(replyDifference(input(0, [], 'same'), { index: 0, to: 'a', content: 'q0', reply: null, error: 'not sent' })).toBe('input 1 to a was not sent.');
  });
});
