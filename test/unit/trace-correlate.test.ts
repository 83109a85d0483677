// Trace correlation: request ↔ reply through the reply subject, timeouts, "no responders",
// failed replies, handoff chains, conversations, and the incremental class against the batch function.
import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { correlate, Correlator } from '../../agents/trace/correlate.js';
import { expectsReply, inboxAgent, isNoResponders, requestSubjectAgent } from '../../agents/trace/message-facts.js';
import type { EventRecord, MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import { eventRecord, type PayloadFields } from '../helpers/trace-events.js';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** Builds records with rising seqs; mono is given, time follows it. */
function recorder() {
  let seq = 0;
  const base = (mono: number) => ({ seq: ++seq, time: new Date(T0 + mono).toISOString(), mono });
  const message = (
    mono: number,
    subject: string,
    fields: Pick<AgentMessage, 'message_type' | 'from_agent' | 'to_agent' | 'message_id'> & Partial<AgentMessage>,
    extra: { reply?: string; headers?: Record<string, string[]> } = {},
  ): MessageRecord => {
    const m: AgentMessage = { content: '', metadata: {}, timestamp: new Date(T0 + mono).toISOString(), in_reply_to: null, priority: 2, ...fields };
    const payload = JSON.stringify(m);
    return { ...base(mono), kind: 'message', subject, reply: extra.reply ?? null, headers: extra.headers ?? null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message: m } };
  };
  const raw = (mono: number, subject: string, payload: string, extra: { reply?: string; headers?: Record<string, string[]> } = {}): MessageRecord => ({
    ...base(mono),
    kind: 'message',
    subject,
    reply: extra.reply ?? null,
    headers: extra.headers ?? null,
    size: payload.length,
    payload,
    encoding: 'utf8',
    truncated: false,
    parsed: { ok: false, reason: 'not an AgentMessage' },
  });
  const event = <N extends RuntimeEventName>(mono: number, name: N, agent: string, fields: PayloadFields<N> = {}): EventRecord => eventRecord(base(mono), name, agent, fields);
  return { message, raw, event };
}

describe('request ↔ reply pairing', () => {
  it('pairs a request with the reply on its inbox, with latency from mono', () => {
    const r = recorder();
    const records = [
      r.message(10, 'agents.request.specialist', { message_type: 'request', from_agent: 'coordinator', to_agent: 'specialist', message_id: 'q1' }, { reply: '_INBOX_coordinator.abc.1' }),
      r.message(20, 'agents.all', { message_type: 'heartbeat', from_agent: 'specialist', to_agent: null, message_id: 'hb' }),
      r.message(52.5, '_INBOX_coordinator.abc.1', { message_type: 'response', from_agent: 'specialist', to_agent: 'coordinator', message_id: 'a1', in_reply_to: 'q1', content: 'sunny' }),
    ];
    const { pairs } = correlate(records);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ status: 'answered', from: 'coordinator', to: 'specialist', latencyMs: 42.5, replySubject: '_INBOX_coordinator.abc.1' });
    expect(pairs[0]!.request.seq).toBe(1);
    expect(pairs[0]!.reply!.seq).toBe(3);
  });

  it('marks a request timed out once a later record passes its deadline, and at the end of the trace', () => {
    const r = recorder();
    const correlator = new Correlator({ timeoutMs: 1000 });
    const first = r.message(0, 'agents.request.ghost', { message_type: 'request', from_agent: 'a', to_agent: 'ghost', message_id: 'q1' }, { reply: '_INBOX_a.x.1' });
    expect(correlator.add(first).expired).toEqual([]);
    // Exactly at the deadline the request is still waiting; just past it, it is timed out.
    expect(correlator.add(r.event(1000, 'ooda.phase', 'a', {})).expired).toEqual([]);
    const step = correlator.add(r.event(1000.5, 'ooda.phase', 'a', {}));
    expect(step.expired.map((p) => p.request.messageId)).toEqual(['q1']);
    expect(correlator.pairOfRequest('q1')).toMatchObject({ status: 'timed_out', timedOutBy: 'timeout', waitedMs: 1000 });

    correlator.add(r.message(1100, 'agents.request.ghost', { message_type: 'request', from_agent: 'a', to_agent: 'ghost', message_id: 'q2' }, { reply: '_INBOX_a.x.2' }));
    correlator.add(r.event(1400, 'ooda.phase', 'a', {}));
    expect(correlator.pairOfRequest('q2')!.status).toBe('pending');
    const { pairs } = correlator.finish();
    expect(pairs[1]).toMatchObject({ status: 'timed_out', timedOutBy: 'trace_end', waitedMs: 300 });
  });

  it('times a request out after its own timeout (metadata.timeout_ms) when it carries one', () => {
    const r = recorder();
    const correlator = new Correlator({ timeoutMs: 30_000 });
    correlator.add(r.message(0, 'agents.request.ghost', { message_type: 'request', from_agent: 'a', to_agent: 'ghost', message_id: 'q1', metadata: { timeout_ms: 2000 } }, { reply: '_INBOX_a.x.1' }));
    expect(correlator.add(r.event(1999, 'ooda.phase', 'a', {})).expired).toEqual([]);
    expect(correlator.add(r.event(2001, 'ooda.phase', 'a', {})).expired.map((p) => p.request.messageId)).toEqual(['q1']);
    expect(correlator.pairOfRequest('q1')).toMatchObject({ status: 'timed_out', timedOutBy: 'timeout', waitedMs: 2000 });
    // Held behind a longer one until the trace ends: still timed out by its own timeout.
    correlator.add(r.message(3000, 'agents.request.ghost', { message_type: 'request', from_agent: 'a', to_agent: 'ghost', message_id: 'q2', metadata: { timeout_ms: 60_000 } }, { reply: '_INBOX_a.x.2' }));
    correlator.add(r.message(3001, 'agents.request.ghost', { message_type: 'request', from_agent: 'a', to_agent: 'ghost', message_id: 'q3', metadata: { timeout_ms: 1000 } }, { reply: '_INBOX_a.x.3' }));
    correlator.add(r.event(5000, 'ooda.phase', 'a', {}));
    const { pairs } = correlator.finish();
    expect(pairs[1]).toMatchObject({ status: 'timed_out', timedOutBy: 'trace_end', waitedMs: 2000 });
    expect(pairs[2]).toMatchObject({ status: 'timed_out', timedOutBy: 'timeout', waitedMs: 1000 });
  });

  it("keeps a reply past a request's own timeout as late, also while a longer one holds it in the queue", () => {
    const r = recorder();
    const correlator = new Correlator({ timeoutMs: 30_000 });
    correlator.add(r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'long' }, { reply: '_INBOX_a.x.1' }));
    correlator.add(r.message(10, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'short', metadata: { timeout_ms: 3000 } }, { reply: '_INBOX_a.x.2' }));
    // The requester gave up at 3010 ms (a node was lost meanwhile); the answer comes at 8 s.
    const step = correlator.add(r.message(8000, '_INBOX_a.x.2', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a2', in_reply_to: 'short' }));
    expect(step.resolved).toBeNull();
    expect(step.expired.map((p) => p.request.messageId)).toEqual(['short']);
    expect(correlator.pairOfRequest('short')).toMatchObject({ status: 'timed_out', timedOutBy: 'timeout', waitedMs: 3000, reply: null, lateReply: { seq: 3 } });
    expect(correlator.pairOfRequest('long')!.status).toBe('pending');
  });

  it('expires a short-timeout request at its own deadline while a longer one before it still waits (live view)', () => {
    const r = recorder();
    const correlator = new Correlator({ timeoutMs: 30_000 });
    correlator.add(r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'long' }, { reply: '_INBOX_a.x.1' }));
    correlator.add(r.message(10, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'mid', metadata: { timeout_ms: 5000 } }, { reply: '_INBOX_a.x.2' }));
    correlator.add(r.message(20, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'short', metadata: { timeout_ms: 3000 } }, { reply: '_INBOX_a.x.3' }));
    expect(correlator.add(r.event(3020, 'ooda.phase', 'a', {})).expired).toEqual([]);
    // Past 'short' (3020) only; 'mid' (5010) and 'long' (30 000) wait on.
    expect(correlator.add(r.event(3021, 'ooda.phase', 'a', {})).expired.map((p) => p.request.messageId)).toEqual(['short']);
    expect(correlator.pairOfRequest('short')).toMatchObject({ status: 'timed_out', timedOutBy: 'timeout', waitedMs: 3000 });
    expect(correlator.add(r.event(6000, 'ooda.phase', 'a', {})).expired.map((p) => p.request.messageId)).toEqual(['mid']);
    expect(correlator.pairOfRequest('long')!.status).toBe('pending');
    expect(correlator.add(r.event(30_001, 'ooda.phase', 'a', {})).expired.map((p) => p.request.messageId)).toEqual(['long']);
  });

  it('expires many requests of mixed timeouts each at its own deadline, in deadline order', () => {
    const r = recorder();
    const correlator = new Correlator({ timeoutMs: 30_000 });
    const timeouts = [7000, 1000, 30_000, 2500, 1000, 12_000, 500, 2500];
    timeouts.forEach((timeout, i) =>
      correlator.add(r.message(i, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: `q${i}`, metadata: { timeout_ms: timeout } }, { reply: `_INBOX_a.x.${i}` })),
    );
    // q1 is answered in time: it leaves the heap at its deadline without being reported.
    correlator.add(r.message(100, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1' }));
    const seen: string[] = [];
    for (let t = 0; t <= 40_000; t += 250) for (const p of correlator.add(r.event(t + 8, 'ooda.phase', 'a', {})).expired) seen.push(`${p.request.messageId}@${t + 8}`);
    expect(seen).toEqual(['q6@508', 'q4@1008', 'q3@2508', 'q7@2508', 'q0@7008', 'q5@12008', 'q2@30008']);
  });

  it('counts a reply exactly at the deadline as answered and keeps a later one as a late reply', () => {
    const r = recorder();
    const { pairs } = correlate(
      [
        r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1' }, { reply: '_INBOX_a.x.1' }),
        r.message(5, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q2' }, { reply: '_INBOX_a.x.2' }),
        r.message(100, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1' }),
        r.message(200, '_INBOX_a.x.2', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a2', in_reply_to: 'q2' }),
      ],
      { timeoutMs: 100 },
    );
    expect(pairs[0]).toMatchObject({ status: 'answered', latencyMs: 100 });
    expect(pairs[1]).toMatchObject({ status: 'timed_out', timedOutBy: 'timeout', reply: null });
    expect(pairs[1]!.lateReply!.seq).toBe(4);
  });

  it('marks the server 503 status on the inbox as no responders', () => {
    const r = recorder();
    const noResponders = r.raw(3, '_INBOX_a.x.1', '', { headers: { Status: ['503'] } });
    expect(isNoResponders(noResponders)).toBe(true);
    expect(isNoResponders(r.raw(3, '_INBOX_a.x.1', '', { headers: { Status: ['200'] } }))).toBe(false);
    expect(isNoResponders(r.raw(3, '_INBOX_a.x.1', '', { headers: { 'NATS/1.0 503': [] } }))).toBe(true);
    const { pairs } = correlate([r.message(0, 'agents.request.nobody', { message_type: 'request', from_agent: 'a', to_agent: 'nobody', message_id: 'q1' }, { reply: '_INBOX_a.x.1' }), noResponders]);
    expect(pairs[0]).toMatchObject({ status: 'no_responders', latencyMs: 3 });
  });

  it('marks failed replies with their error, AgentMessage and seed 001 TaskResponse alike', () => {
    const r = recorder();
    const { pairs } = correlate([
      r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1' }, { reply: '_INBOX_a.x.1' }),
      r.message(5, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1', metadata: { status: 'failed', error: 'model down' } }),
      r.raw(10, 'agent.weather.task', '{"task_id":"t1","task_type":"ask","payload":{}}', { reply: '_INBOX_cli.y.1' }),
      r.raw(30, '_INBOX_cli.y.1', '{"task_id":"t1","status":"failed","result":null,"error":"boom"}'),
    ]);
    expect(pairs[0]).toMatchObject({ status: 'failed', error: 'model down' });
    expect(pairs[1]).toMatchObject({ status: 'failed', error: 'boom', from: 'cli', to: 'weather', latencyMs: 20 });
  });

  it('ignores JetStream ack and flow-control replies but pairs JetStream API requests (with no addressee)', () => {
    const r = recorder();
    const delivery = r.raw(0, '_INBOX_a.kv.1', '{}', { reply: '$JS.ACK.KV_x.c.1.1.1.1.0' });
    expect(expectsReply(delivery)).toBe(false);
    const { pairs } = correlate([delivery, r.raw(1, '$KV.switchboard_agents.a.i1', '{}', { reply: '_INBOX_a.p.1' }), r.raw(2, '_INBOX_a.p.1', '{"stream":"KV_switchboard_agents","seq":1}')]);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ status: 'answered', from: 'a', to: null });
  });

  it('counts stream frames for their request', () => {
    const r = recorder();
    const frame = (mono: number, type: 'stream.begin' | 'stream.chunk' | 'stream.end', id: string) =>
      r.message(mono, 'agents.response.b.q1', { message_type: type, from_agent: 'b', to_agent: 'a', message_id: id, in_reply_to: 'q1' });
    const { pairs } = correlate([
      r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1', metadata: { stream: true } }, { reply: '_INBOX_a.x.1' }),
      frame(1, 'stream.begin', 'f1'),
      frame(2, 'stream.chunk', 'f2'),
      frame(3, 'stream.end', 'f3'),
      r.message(4, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1' }),
    ]);
    expect(pairs[0]).toMatchObject({ status: 'answered', frames: 3 });
  });

  it('handles many requests and still times out those left pending among thousands answered', () => {
    const r = recorder();
    // A long timeout keeps thousands of answered requests in the deadline heap beside the unanswered ones.
    const correlator = new Correlator({ timeoutMs: 40_000 });
    const n = 20_000;
    const unanswered = new Set([5_000, n - 10]);
    for (let i = 0; i < n; i++) {
      correlator.add(r.message(i, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: `q${i}` }, { reply: `_INBOX_a.x.${i}` }));
      if (!unanswered.has(i)) correlator.add(r.message(i + 0.5, `_INBOX_a.x.${i}`, { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: `a${i}`, in_reply_to: `q${i}` }));
    }
    expect(correlator.add(r.event(45_001, 'ooda.phase', 'a', {})).expired.map((p) => p.request.messageId)).toEqual(['q5000']);
    const { pairs } = correlator.finish();
    expect(pairs.filter((p) => p.status === 'answered')).toHaveLength(n - 2);
    expect(pairs.filter((p) => p.status === 'timed_out').map((p) => [p.request.messageId, p.timedOutBy])).toEqual([
      ['q5000', 'timeout'],
      [`q${n - 10}`, 'trace_end'],
    ]);
  }, 30_000); // 40,000 records: ~2.7 s on a loaded 2-core machine, too close to the default 5 s
});

describe('handoff chains', () => {
  it('follows A→B→C once per handoff (the tracking copy is the same hop)', () => {
    const r = recorder();
    const handoff = (mono: number, from: string, to: string, id: string, extra: Partial<AgentMessage> = {}) => [
      r.message(mono, `agents.direct.${to}`, { message_type: 'handoff', from_agent: from, to_agent: to, message_id: id, ...extra }),
      r.message(mono + 0.1, `agents.handoff.${from}.to.${to}`, { message_type: 'handoff', from_agent: from, to_agent: to, message_id: id, ...extra }),
    ];
    const { chains } = correlate([...handoff(0, 'a', 'b', 'h1'), ...handoff(10, 'b', 'c', 'h2'), ...handoff(20, 'x', 'y', 'h3')]);
    expect(chains.map((c) => c.agents)).toEqual([
      ['a', 'b', 'c'],
      ['x', 'y'],
    ]);
    expect(chains[0]!.hops.map((h) => h.messageId)).toEqual(['h1', 'h2']);
  });

  it('keeps chains of different conversations apart and forks on a reply to an earlier hop', () => {
    const r = recorder();
    const handoff = (mono: number, from: string, to: string, id: string, extra: Partial<AgentMessage> = {}) =>
      r.message(mono, `agents.direct.${to}`, { message_type: 'handoff', from_agent: from, to_agent: to, message_id: id, ...extra });
    const { chains } = correlate([
      handoff(0, 'a', 'b', 'h1', { metadata: { conversation_id: 'c1' } }),
      handoff(1, 'b', 'c', 'h2', { metadata: { conversation_id: 'c2' } }), // another task: a new chain
      handoff(2, 'b', 'd', 'h3', { metadata: { conversation_id: 'c1' } }), // continues h1
      handoff(3, 'b', 'e', 'h4', { in_reply_to: 'h1' }), // h1 already went on to d: a fork
    ]);
    expect(chains.map((c) => [c.id, c.agents, c.parent])).toEqual([
      ['h1', ['a', 'b', 'd'], null],
      ['h2', ['b', 'c'], null],
      ['h4', ['b', 'e'], 'h1'],
    ]);
  });
});

describe('conversations', () => {
  it('threads by in_reply_to, conversation and session ids, and reply inboxes; presence stays out', () => {
    const r = recorder();
    const records: TraceRecord[] = [
      r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1' }, { reply: '_INBOX_a.x.1' }),
      r.event(1, 'run.started', 'b', { agent: 'b', runId: 'run-1', message: { message_id: 'q1' } }),
      r.message(2, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1' }),
      r.message(3, 'agents.direct.c', { message_type: 'direct', from_agent: 'a', to_agent: 'c', message_id: 'd1', metadata: { conversation_id: 'conv-9' } }),
      r.message(4, 'agents.all', { message_type: 'heartbeat', from_agent: 'c', to_agent: null, message_id: 'hb1' }),
      r.message(5, 'agents.direct.a', { message_type: 'direct', from_agent: 'c', to_agent: 'a', message_id: 'd2', metadata: { conversation_id: 'conv-9' } }),
      r.message(6, 'agents.direct.d', { message_type: 'direct', from_agent: 'a', to_agent: 'd', message_id: 'd3', metadata: { session_id: 's-1' } }),
      r.raw(7, 'agent.d.task', '{"task_id":"t1","task_type":"x","payload":{}}', { reply: '_INBOX_a.y.1' }),
      r.raw(8, '_INBOX_a.y.1', '{"task_id":"t1","status":"completed","result":{},"error":null}'),
      // A reply that arrives before the message it answers still joins it.
      r.message(9, 'agents.direct.a', { message_type: 'direct', from_agent: 'e', to_agent: 'a', message_id: 'late', in_reply_to: 'early' }),
      r.message(10, 'agents.direct.e', { message_type: 'direct', from_agent: 'a', to_agent: 'e', message_id: 'early', metadata: { session_id: 's-1' } }),
    ];
    const correlator = new Correlator();
    for (const record of records) correlator.add(record);
    const { conversations } = correlator.finish();
    expect(conversations.map((c) => [c.id, c.seqs])).toEqual([
      ['q1', [1, 3]],
      ['conv-9', [4, 6]],
      ['s-1', [7, 10, 11]],
    ]);
    expect(conversations[0]!.runs).toEqual(['run-1']);
    expect(conversations[0]!.agents.sort()).toEqual(['a', 'b']);
    expect(correlator.conversationOf('late')!.id).toBe('s-1');
    expect(correlator.conversationIdOf('a1')).toBe('q1');
    expect(correlator.conversationOf('hb1')).toBeUndefined();
  });

  it('gives the same result fed one record at a time as all at once', () => {
    const r = recorder();
    const records: TraceRecord[] = [];
    for (let i = 0; i < 200; i++) {
      records.push(r.message(i * 3, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: `q${i}`, metadata: { conversation_id: `c${i % 7}` } }, { reply: `_INBOX_a.x.${i}` }));
      if (i % 5 !== 0) records.push(r.message(i * 3 + 1, `_INBOX_a.x.${i}`, { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: `a${i}`, in_reply_to: `q${i}` }));
    }
    const batch = correlate(records, { timeoutMs: 10 });
    const live = new Correlator({ timeoutMs: 10 });
    const resolved: string[] = [];
    for (const record of records) {
      const step = live.add(record);
      if (step.resolved) resolved.push(step.resolved.request.messageId!);
    }
    expect(live.finish()).toEqual(batch);
    expect(batch.conversations).toHaveLength(7);
    expect(resolved).toHaveLength(160);
    expect(() => live.add(records[0]!)).toThrow(/after finish/);
  });
});

describe('subject helpers', () => {
  it('names inbox owners and request addressees', () => {
    expect(inboxAgent('_INBOX_task-coordinator.abc.1')).toBe('task-coordinator');
    expect(inboxAgent('_INBOX.abc.1')).toBeNull();
    expect(requestSubjectAgent('agents.request.weather_bot')).toBe('weather_bot');
    expect(requestSubjectAgent('agent.weather_bot.task')).toBe('weather_bot');
    expect(requestSubjectAgent('agents.direct.weather_bot')).toBeNull();
  });
});
