// The trace table's per-record facts on handmade records (from → to, type, status, the paired
// request or reply and its latency), and the store's reply index that finds the pairs.
import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';
import type { EventRecord, MessageRecord } from '../../agents/trace/record.js';
import { correlate } from '../../agents/trace/correlate.js';
import { rowFacts, type FactsContext } from '../../agents/trace/row-facts.js';
import { ReplyIndex } from '../../agents/trace/reply-index.js';
import { eventRecord, type PayloadFields } from '../helpers/trace-events.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** Builds records with rising seqs; mono is given, time follows it. */
function recorder() {
  let seq = 0;
  const base = (mono: number) => ({ seq: ++seq, time: new Date(T0 + mono).toISOString(), mono });
  type Extra = { reply?: string; headers?: Record<string, string[]>; truncated?: boolean };
  const message = (mono: number, subject: string, fields: Pick<AgentMessage, 'message_type' | 'from_agent' | 'to_agent' | 'message_id'> & Partial<AgentMessage>, extra: Extra = {}): MessageRecord => {
    const m: AgentMessage = { content: '', metadata: {}, timestamp: new Date(T0 + mono).toISOString(), in_reply_to: null, priority: 2, ...fields };
    const payload = JSON.stringify(m);
    return { ...base(mono), kind: 'message', subject, reply: extra.reply ?? null, headers: extra.headers ?? null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message: m } };
  };
  const raw = (mono: number, subject: string, payload: string, extra: Extra = {}): MessageRecord => ({
    ...base(mono),
    kind: 'message',
    subject,
    reply: extra.reply ?? null,
    headers: extra.headers ?? null,
    size: extra.truncated ? payload.length * 10 : payload.length,
    payload,
    encoding: 'utf8',
    truncated: extra.truncated ?? false,
    parsed: { ok: false, reason: 'not an AgentMessage: content is missing' },
  });
  const event = <N extends RuntimeEventName>(mono: number, name: N, agent: string, fields: PayloadFields<N> = {}): EventRecord => eventRecord(base(mono), name, agent, fields);
  return { message, raw, event };
}

const ended: FactsContext = { waitedMs: 0, ended: true };
const live = (waitedMs: number): FactsContext => ({ waitedMs, ended: false });

describe('row facts of a request and its reply', () => {
  const r = recorder();
  const request = r.message(10, 'agents.request.weather', { message_type: 'request', from_agent: 'coord', to_agent: 'weather', message_id: 'q1' }, { reply: '_INBOX_coord.abc.1' });
  const reply = r.message(52.5, '_INBOX_coord.abc.1', { message_type: 'response', from_agent: 'weather', to_agent: 'coord', message_id: 'a1', in_reply_to: 'q1', content: 'sunny' });

  it('points the request to its reply and the reply to its request, with the latency on both', () => {
    expect(rowFacts(request, { ...ended, reply })).toEqual({
      seq: 1,
      from: 'coord',
      to: 'weather',
      type: 'request',
      status: 'ok',
      error: null,
      replySeq: 2,
      requestSeq: null,
      latencyMs: 42.5,
    });
    expect(rowFacts(reply, { ...ended, request })).toMatchObject({ from: 'weather', to: 'coord', type: 'response', status: 'ok', replySeq: null, requestSeq: 1, latencyMs: 42.5 });
  });

  it('waits on a live run inside the timeout, and times out past it or once the run ended', () => {
    expect(rowFacts(request, live(1000))).toMatchObject({ status: 'pending', replySeq: null, latencyMs: null });
    expect(rowFacts(request, live(30_001))).toMatchObject({ status: 'timed_out', error: 'timed out after 30000 ms: no reply on _INBOX_coord.abc.1' });
    expect(rowFacts(request, ended)).toMatchObject({ status: 'timed_out', error: 'no reply on _INBOX_coord.abc.1 before the trace ended' });
    // A reply after the timeout still pairs, but the requester had given up.
    expect(rowFacts(request, { ...ended, reply, timeoutMs: 40 })).toMatchObject({ status: 'timed_out', replySeq: 2, latencyMs: 42.5 });
  });
});

describe('a request that carries its own timeout (metadata.timeout_ms, set by Agent.request)', () => {
  it('times out after the requester’s timeout, not the trace’s', () => {
    const r = recorder();
    const request = r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1', metadata: { timeout_ms: 2000 } }, { reply: '_INBOX_a.x.1' });
    expect(rowFacts(request, live(1999))).toMatchObject({ status: 'pending', error: null });
    expect(rowFacts(request, live(2001))).toMatchObject({ status: 'timed_out', error: 'timed out after 2000 ms: no reply on _INBOX_a.x.1' });
    expect(rowFacts(request, { ...ended, waitedMs: 2500 })).toMatchObject({ status: 'timed_out', error: 'timed out after 2000 ms: no reply on _INBOX_a.x.1' });
    // A bad value is ignored: the trace's timeout applies.
    const odd = r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q2', metadata: { timeout_ms: 'soon' } }, { reply: '_INBOX_a.x.2' });
    expect(rowFacts(odd, live(2001))).toMatchObject({ status: 'pending' });
  });
});

describe('a reply after the requester gave up (its own timeout passed)', () => {
  it('reads timed out on the request and on the reply, with how late it came, as correlate says', () => {
    const r = recorder();
    const request = r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1', metadata: { timeout_ms: 3000 } }, { reply: '_INBOX_a.x.1' });
    const reply = r.message(3312, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1' });
    const error = 'timed out: the reply came 312 ms after the requester gave up at 3000 ms';
    expect(rowFacts(request, { ...ended, reply })).toMatchObject({ status: 'timed_out', error, replySeq: 2, latencyMs: 3312 });
    expect(rowFacts(reply, { ...ended, request })).toMatchObject({ status: 'timed_out', error, requestSeq: 1, latencyMs: 3312 });
    expect(correlate([request, reply]).pairs[0]).toMatchObject({ status: 'timed_out', lateReply: { seq: 2 } });
    // A failed answer that came late: the requester never saw the failure either.
    const failed = r.message(3312, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a2', in_reply_to: 'q1', metadata: { status: 'failed', error: 'tool broke' } });
    expect(rowFacts(failed, { ...ended, request })).toMatchObject({ status: 'timed_out', error });
  });

  it('keeps a reply inside the requester’s timeout ok, and uses the trace’s timeout when the request carries none', () => {
    const r = recorder();
    const request = r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1', metadata: { timeout_ms: 3000 } }, { reply: '_INBOX_a.x.1' });
    const inTime = r.message(3000, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1' });
    expect(rowFacts(inTime, { ...ended, request })).toMatchObject({ status: 'ok', error: null });
    expect(rowFacts(request, { ...ended, reply: inTime })).toMatchObject({ status: 'ok', error: null });
    const plain = r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q2' }, { reply: '_INBOX_a.x.2' });
    const late = r.message(30_004.5, '_INBOX_a.x.2', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a2', in_reply_to: 'q2' });
    expect(rowFacts(late, { ...ended, request: plain })).toMatchObject({ status: 'timed_out', error: 'timed out: the reply came 4.5 ms after the requester gave up at 30000 ms' });
    expect(rowFacts(late, { ...ended, request: plain, timeoutMs: 60_000 })).toMatchObject({ status: 'ok' });
  });
});

describe('row statuses', () => {
  it('marks a failed reply and its request failed, with the reason', () => {
    const r = recorder();
    const request = r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1' }, { reply: '_INBOX_a.x.1' });
    const reply = r.message(5, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1', metadata: { status: 'failed', error: 'tool broke' } });
    expect(rowFacts(reply, { ...ended, request })).toMatchObject({ status: 'failed', error: 'tool broke', requestSeq: 1 });
    expect(rowFacts(request, { ...ended, reply })).toMatchObject({ status: 'failed', error: 'tool broke', replySeq: 2, latencyMs: 5 });
  });

  it('marks the server’s 503 and the request that got it as no responders; a header-only reply names the requester from its inbox', () => {
    const r = recorder();
    const request = r.raw(0, 'agent.ghost.task', '{"task":"x"}', { reply: '_INBOX_caller.q.1' });
    const none = r.raw(1, '_INBOX_caller.q.1', '', { headers: { 'NATS/1.0 503': [] } });
    expect(rowFacts(request, { ...ended, reply: none })).toMatchObject({ from: 'caller', to: 'ghost', status: 'no_responders', error: 'no responders on agent.ghost.task', replySeq: 2 });
    expect(rowFacts(none, { ...ended, request })).toMatchObject({ from: 'ghost', to: 'caller', status: 'no_responders', error: 'no responders on agent.ghost.task', requestSeq: 1, latencyMs: 1 });
  });

  it('marks a cut payload truncated and a non-AgentMessage on an agent subject invalid; other payloads are fine', () => {
    const r = recorder();
    expect(rowFacts(r.raw(0, 'agents.direct.b', '{"message_type":"dir', { truncated: true }), ended)).toMatchObject({ status: 'truncated', error: 'payload cut at 20 of 200 bytes' });
    expect(rowFacts(r.raw(0, 'agents.request.b', 'hello'), ended)).toMatchObject({ status: 'invalid', error: 'not an AgentMessage: content is missing', type: null, to: 'b' });
    expect(rowFacts(r.raw(0, 'metrics.cpu', '42'), ended)).toMatchObject({ status: 'ok', from: null, to: null, type: null });
    // A seed-001 TaskResponse answering a TaskRequest is not an AgentMessage, and need not be.
    const task = r.raw(0, 'agent.worker.task', '{"task":"x"}', { reply: '_INBOX_boss.t.1' });
    expect(rowFacts(r.raw(3, '_INBOX_boss.t.1', '{"status":"completed"}'), { ...ended, request: task })).toMatchObject({ status: 'ok', from: 'worker', to: 'boss' });
    expect(rowFacts(r.raw(4, '_INBOX_boss.t.1', '{"status":"failed","error":"disk full"}'), { ...ended, request: task })).toMatchObject({ status: 'failed', error: 'disk full' });
  });

  it('gives events their agent, name and failure', () => {
    const r = recorder();
    expect(rowFacts(r.event(0, 'ooda.phase', 'bot'), ended)).toEqual({ seq: 1, from: 'bot', to: null, type: 'ooda.phase', status: 'ok', error: null, replySeq: null, requestSeq: null, latencyMs: null });
    expect(rowFacts(r.event(0, 'message.invalid', 'bot', { reason: 'not JSON' }), ended)).toMatchObject({ status: 'invalid', error: 'not JSON' });
    expect(rowFacts(r.event(0, 'handler.failed', 'bot', { error: 'boom' }), ended)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(rowFacts(r.event(0, 'llm.call', 'bot', { error: 'rate limited' }), ended)).toMatchObject({ status: 'failed', error: 'rate limited' });
    expect(rowFacts(r.event(0, 'tool.result', 'bot', { refused: 'not_allowed' }), ended)).toMatchObject({ status: 'failed', error: 'refused: not_allowed' });
    expect(rowFacts(r.event(0, 'budget.exceeded', 'bot', { budget: 'max_turns', limit: 3, used: 4 }), ended)).toMatchObject({ status: 'failed', error: 'max_turns budget exceeded (4 of 3)' });
    expect(rowFacts(r.event(0, 'llm.call', 'bot'), ended)).toMatchObject({ status: 'ok', error: null });
  });
});

describe('latency when one tap read brought request and reply', () => {
  it("takes the agents' own timestamps when the recorder's times are equal, in the table and in correlation", () => {
    const r = recorder();
    const request = r.message(10, 'agents.request.weather', { message_type: 'request', from_agent: 'coord', to_agent: 'weather', message_id: 'q1' }, { reply: '_INBOX_coord.abc.1' });
    const reply = r.message(10, '_INBOX_coord.abc.1', { message_type: 'response', from_agent: 'weather', to_agent: 'coord', message_id: 'a1', in_reply_to: 'q1', timestamp: new Date(T0 + 17).toISOString() });
    expect(rowFacts(request, { ...ended, reply }).latencyMs).toBe(7);
    expect(rowFacts(reply, { ...ended, request }).latencyMs).toBe(7);
    expect(correlate([request, reply]).pairs[0]).toMatchObject({ status: 'answered', latencyMs: 7 });
    // Apart in the trace: the trace's times stand, whatever the agents' clocks say.
    const later = { ...reply, seq: 3, mono: 12.5 };
    expect(rowFacts(request, { ...ended, reply: later }).latencyMs).toBe(2.5);
    // A reply that is not an AgentMessage has no timestamp: the trace's 0 stands.
    const bare = r.raw(10, '_INBOX_coord.abc.1', 'ok');
    expect(rowFacts(request, { ...ended, reply: bare }).latencyMs).toBe(0);
  });
});

describe('the reply index', () => {
  it('pairs a request with the first message on its reply subject, both ways', () => {
    const ix = new ReplyIndex();
    ix.add(1, 'agents.request.b', '_INBOX_a.x.1');
    ix.add(2, 'agents.all', null);
    ix.add(3, '_INBOX_a.x.1', null);
    ix.add(4, '_INBOX_a.x.1', null); // a second reply: the requester took the first
    expect(ix.replyOf(1, '_INBOX_a.x.1')).toBe(3);
    expect(ix.requestOf(3, '_INBOX_a.x.1')).toBe(1);
    expect(ix.requestOf(4, '_INBOX_a.x.1')).toBeNull();
    expect(ix.requestOf(2, 'agents.all')).toBeNull();
    expect(ix.replyOf(1, '_INBOX_a.x.2')).toBeNull();
  });

  it('skips JetStream acks, lets the latest request on a reused inbox take the reply, and a reply that is itself a request is both', () => {
    const ix = new ReplyIndex();
    ix.add(1, 'kv.put', '$JS.ACK.x.1');
    ix.add(2, 'svc.a', 'reply.shared');
    ix.add(3, 'svc.a', 'reply.shared');
    ix.add(4, 'reply.shared', 'reply.back');
    ix.add(5, 'reply.back', null);
    expect(ix.size).toBe(3);
    expect(ix.replyOf(2, 'reply.shared')).toBeNull();
    expect(ix.replyOf(3, 'reply.shared')).toBe(4);
    expect(ix.requestOf(4, 'reply.shared')).toBe(3);
    expect(ix.replyOf(4, 'reply.back')).toBe(5);
  });

  it('keeps every pair while it grows, at 12 bytes a slot and at most 32 a request', () => {
    const ix = new ReplyIndex();
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      ix.add(2 * i + 1, `agents.request.b${i % 7}`, `_INBOX_a.${i}`);
      ix.add(2 * i + 2, `_INBOX_a.${i}`, null);
    }
    for (const i of [0, 1, 4095, 50_000, N - 1]) {
      expect(ix.replyOf(2 * i + 1, `_INBOX_a.${i}`)).toBe(2 * i + 2);
      expect(ix.requestOf(2 * i + 2, `_INBOX_a.${i}`)).toBe(2 * i + 1);
    }
    expect(ix.size).toBe(N);
    expect(ix.allocatedBytes / N).toBeLessThanOrEqual(32);
  });
});
