// The detail pane's conversation as a mail thread: replies under what they answer, a raw inbox
// reply under its request, a second copy of a message under the first, depth-first order.
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../agents/trace/record.js';
import { shownCount, threadConversation } from '../../renderer/src/trace/conversation-thread.js';
import { messageRecord, sampleMessage } from '../helpers/trace-events.js';

/** An AgentMessage record at `seq`. */
function agentRecord(seq: number, subject: string, id: string, inReplyTo: string | null, reply: string | null = null): TraceRecord {
  const message = sampleMessage({ message_id: id, in_reply_to: inReplyTo });
  return messageRecord({ seq, time: '2026-01-01T00:00:00.000Z', mono: seq }, subject, JSON.stringify(message), { reply, parsed: { ok: true, message } });
}

const lines = (records: TraceRecord[], seqs = records.map((r) => r.seq)) =>
  threadConversation(seqs, new Map(records.map((r) => [r.seq, r]))).map((e) => `${'  '.repeat(e.depth)}${e.seq}${e.missing ? '?' : ''}`);

describe('threadConversation', () => {
  it('puts each reply under the message it answers, siblings by seq', () => {
    const records = [
      agentRecord(1, 'agents.request.coord', 'a', null, '_INBOX_app.1'),
      agentRecord(2, 'agents.request.weather', 'b', 'a', '_INBOX_coord.1'),
      agentRecord(3, 'agents.request.news', 'c', 'a', '_INBOX_coord.2'),
      agentRecord(4, '_INBOX_coord.1', 'd', 'b'),
      agentRecord(5, '_INBOX_coord.2', 'e', 'c'),
      agentRecord(6, '_INBOX_app.1', 'f', 'a'),
    ];
    expect(lines(records)).toEqual(['1', '  2', '    4', '  3', '    5', '  6']);
  });

  it('threads a reply that is not an AgentMessage under the request whose inbox it came on', () => {
    const records = [agentRecord(1, 'agents.request.bot', 'a', null, '_INBOX_app.9'), messageRecord({ seq: 2, time: '', mono: 2 }, '_INBOX_app.9', 'plain text')];
    expect(lines(records)).toEqual(['1', '  2']);
  });

  it('shows the second copy of a message id under the first, and records it was not sent as roots', () => {
    const records = [agentRecord(3, 'agents.direct.b', 'h', null), agentRecord(4, 'agents.handoff', 'h', null)];
    expect(lines(records, [2, 3, 4])).toEqual(['2?', '3', '  4']);
  });

  it('walks a long chain of replies without recursion', () => {
    const records = Array.from({ length: 5_000 }, (_, i) => agentRecord(i + 1, 's', `m${i}`, i === 0 ? null : `m${i - 1}`));
    const entries = threadConversation(
      records.map((r) => r.seq),
      new Map(records.map((r) => [r.seq, r])),
    );
    expect(entries.at(-1)).toEqual({ seq: 5_000, depth: 4_999, parent: 4_999, missing: false });
  });
});

describe('shownCount', () => {
  const entries = [1, 2, 3, 4, 5].map((seq) => ({ seq, depth: 0, parent: null, missing: false }));
  it('shows the limit, or up to the selected entry when it lies beyond', () => {
    expect(shownCount(entries, 2, 3)).toBe(3);
    expect(shownCount(entries, 5, 3)).toBe(5);
    expect(shownCount(entries, 9, 10)).toBe(5);
  });
});
