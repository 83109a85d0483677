// Record flags: which records are NATS infrastructure (by subject, by JetStream delivery, and inbox
// replies by what their request was) and which are errors; the query predicate's `infrastructure`
// and `errors` filters; the index's line reader and the recorder's formatter agreeing with them.
import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { correlate } from '../../agents/trace/correlate.js';
import { isNoResponders } from '../../agents/trace/message-facts.js';
import { matchesQuery, TraceQuerySchema, type TraceQuery } from '../../agents/trace/query.js';
import type { EventRecord, MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import {
  factsOf,
  FLAG_ERROR,
  FLAG_FAILED,
  FLAG_INFRASTRUCTURE,
  FLAG_INVALID,
  FLAG_NO_RESPONDERS,
  FLAG_TIMED_OUT,
  FLAG_TRUNCATED,
  headerStatus,
  isAgentMessageSubject,
  isFailureEvent,
  isFailureEventJson,
  isInfrastructureSubject,
  RecordClassifier,
  recordFlags,
  REMEMBERED_REQUESTS,
  runFlags,
} from '../../agents/trace/record-flags.js';
import { RecordFormatter } from '../../main/host/trace/record-line.js';
import { indexFieldsOf } from '../../main/host/trace/trace-index.js';
import { eventRecord, messageRecord, type PayloadFields } from '../helpers/trace-events.js';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** Builds records with rising seqs. */
function recorder() {
  let seq = 0;
  const base = () => ({ seq: ++seq, time: new Date(T0 + seq).toISOString(), mono: seq });
  const message = (subject: string, fields: Partial<AgentMessage> = {}, extra: Partial<MessageRecord> = {}): MessageRecord => {
    const m: AgentMessage = { message_type: 'request', from_agent: 'a', to_agent: 'b', content: '', metadata: {}, timestamp: new Date(T0).toISOString(), message_id: `m${seq + 1}`, in_reply_to: null, priority: 2, ...fields };
    const payload = JSON.stringify(m);
    return { ...base(), kind: 'message', subject, reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message: m }, ...extra };
  };
  const raw = (subject: string, payload: string, extra: Partial<MessageRecord> = {}): MessageRecord => messageRecord(base(), subject, payload, extra);
  const event = <N extends RuntimeEventName>(name: N, fields: PayloadFields<N> = {}): EventRecord => eventRecord(base(), name, 'a', fields);
  return { message, raw, event };
}

const has = (flags: number, flag: number) => (flags & flag) !== 0;

describe('infrastructure', () => {
  it('knows JetStream, KV, object store and system subjects, and nothing else by subject', () => {
    for (const s of ['$JS.API.STREAM.INFO.KV_x', '$JS.ACK.KV_x.c.1.2.3.4.0', '$JS.FC.x.y', '$KV.switchboard_agents.bot', '$SYS.ACCOUNT.x.CONNECT', '$O.store.C.abc']) expect(isInfrastructureSubject(s), s).toBe(true);
    for (const s of ['agents.request.b', '_INBOX.abc.1', '_INBOX_bot.x.1', '$JSX.foo', 'JS.API.x', '$KVS', '']) expect(isInfrastructureSubject(s), s).toBe(false);
  });

  it('classifies an inbox reply by its request: JetStream and KV API replies hidden, agent replies kept', () => {
    const r = recorder();
    const records: TraceRecord[] = [
      r.raw('$JS.API.STREAM.INFO.KV_switchboard_agents', '', { reply: '_INBOX_bot.k1.1' }),
      r.message('agents.request.b', {}, { reply: '_INBOX_a.q.1' }),
      r.raw('_INBOX_bot.k1.1', '{"type":"io.nats.jetstream.api.v1.stream_info_response"}'),
      r.message('_INBOX_a.q.1', { message_type: 'response', from_agent: 'b', to_agent: 'a' }),
      r.raw('$KV.switchboard_agents.bot', '{"name":"bot"}', { reply: '_INBOX.x.7' }), // a KV put, acked on an inbox
      r.raw('_INBOX.x.7', '{"stream":"KV_switchboard_agents","seq":3}'),
      r.raw('_INBOX_bot.w.1', '{"name":"bot"}', { reply: '$JS.ACK.KV_switchboard_agents.c.1.3.3.0.0' }), // a watcher's delivery
      r.raw('_INBOX_bot.w.1', '', { headers: { Status: ['100'], Description: ['Idle Heartbeat'] } }),
      r.raw('_INBOX.unknown.1', 'hello'), // nobody asked: a plain message
    ];
    const flags = runFlags(records);
    expect(flags.map((f) => has(f, FLAG_INFRASTRUCTURE))).toEqual([true, false, true, false, true, true, true, true, false]);
    // Alone, an inbox reply cannot be told apart: the run's order is what classifies it.
    expect(has(recordFlags(records[2]!), FLAG_INFRASTRUCTURE)).toBe(false);
  });

  it('forgets the oldest requests past its bound, so memory stays flat', () => {
    const r = recorder();
    const classifier = new RecordClassifier();
    const at = { mono: 0 }; // all at once: nothing expires, only the bound forgets
    classifier.add(r.raw('$JS.API.INFO', '', { reply: '_INBOX.first', ...at }));
    classifier.add(r.raw('$JS.API.INFO', '', { reply: '_INBOX.second', ...at }));
    for (let i = 0; i < REMEMBERED_REQUESTS - 1; i++) classifier.add(r.message('agents.request.b', {}, { reply: `_INBOX.n.${i}`, ...at }));
    expect(has(classifier.add(r.raw('_INBOX.first', '{}', at)), FLAG_INFRASTRUCTURE)).toBe(false); // forgotten
    expect(has(classifier.add(r.raw('_INBOX.second', '{}', at)), FLAG_INFRASTRUCTURE)).toBe(true); // still known
  }, 30_000); // tens of thousands of records: ~2.7 s on a loaded 2-core machine, too close to the default 5 s
});

describe('one record of the requests for flags and pairing', () => {
  it("pairs every request with its reply as it classifies (the store's reply index), late replies too, and times out an earlier request on a reused inbox", () => {
    const r = recorder();
    const records: TraceRecord[] = [
      r.message('agents.request.b', {}, { reply: '_INBOX_a.q.1', mono: 0 }), // 1: answered after its timeout
      r.message('agents.request.c', {}, { reply: '_INBOX_a.q.2', mono: 10 }), // 2: its inbox is asked on again before it is answered
      r.message('agents.request.c', {}, { reply: '_INBOX_a.q.2', mono: 20 }), // 3: takes the reply
      r.message('_INBOX_a.q.2', { message_type: 'response', metadata: { status: 'failed' } }, { mono: 30 }), // 4
      r.message('agents.all', { message_type: 'heartbeat' }, { mono: 30_050 }), // 5: past every timeout
      r.message('_INBOX_a.q.1', { message_type: 'response', metadata: { status: 'failed' } }, { mono: 30_060 }), // 6: too late to mark request 1 failed
    ];
    const flags: number[] = [];
    const classifier = new RecordClassifier((at, more) => (flags[at]! |= more));
    for (const record of records) flags.push(classifier.add(record));
    expect(flags).toEqual([FLAG_TIMED_OUT, FLAG_TIMED_OUT, FLAG_FAILED, FLAG_FAILED, 0, FLAG_FAILED]);
    expect(runFlags(records)).toEqual(flags);
    const ix = classifier.replies;
    expect(ix.size).toBe(3);
    expect(ix.replyOf(1, '_INBOX_a.q.1')).toBe(6); // the late reply still pairs (the table shows it, with its latency)
    expect(ix.requestOf(6, '_INBOX_a.q.1')).toBe(1);
    expect(ix.replyOf(2, '_INBOX_a.q.2')).toBeNull();
    expect(ix.replyOf(3, '_INBOX_a.q.2')).toBe(4);
  });
});

describe('errors', () => {
  it('flags failed replies and marks their request, no responders, truncated and invalid messages', () => {
    const r = recorder();
    const records: TraceRecord[] = [
      r.message('agents.request.b', {}, { reply: '_INBOX_a.q.1' }), // 0: its reply failed
      r.message('_INBOX_a.q.1', { message_type: 'response', metadata: { status: 'failed', error: 'boom' } }),
      r.message('agents.request.ghost', {}, { reply: '_INBOX_a.q.2' }), // 2: nobody listens
      r.raw('_INBOX_a.q.2', '', { headers: { Status: ['503'] } }),
      r.raw('agent.b.task', '{"task":"x"}', { reply: '_INBOX.t.1' }), // 4: seed 001, not an AgentMessage by design
      r.raw('_INBOX.t.1', '{"status":"failed","error":"no"}'),
      r.raw('agents.request.b', 'not json'), // 6: invalid
      r.raw('other.subject', 'not json'), // 7: not an agent subject: not invalid
      r.raw('$JS.API.INFO', 'x'), // 8: NATS internals are never invalid
      r.message('agents.all', {}, { truncated: true }),
      r.message('agents.request.b', {}, { reply: '_INBOX_a.q.3' }), // 10: answered fine
      r.message('_INBOX_a.q.3', { message_type: 'response' }),
      r.message('_INBOX_a.q.3', { message_type: 'response', metadata: { status: 'failed' } }), // 12: a second reply does not mark the request
      r.message('agents.request.b', {}, { reply: '_INBOX_a.q.4' }),
      r.raw('_INBOX_a.q.4', 'oops'), // 14: an AgentMessage request's reply that is not one
    ];
    const flags = runFlags(records);
    expect(flags.map((f, i) => [i, f])).toEqual(
      [FLAG_FAILED, FLAG_FAILED, FLAG_NO_RESPONDERS, FLAG_NO_RESPONDERS, FLAG_FAILED, FLAG_FAILED, FLAG_INVALID, 0, FLAG_INFRASTRUCTURE, FLAG_TRUNCATED, 0, 0, FLAG_FAILED, 0, FLAG_INVALID].map((f, i) => [i, f]),
    );
  });

  it('marks a request timed out once a record comes past the timeout without its reply, as the correlator does', () => {
    const r = recorder();
    const records: TraceRecord[] = [
      r.message('agents.request.b', {}, { reply: '_INBOX_a.q.1', mono: 0 }), // 0: answered too late
      r.message('agents.request.c', {}, { reply: '_INBOX_a.q.2', mono: 10 }),
      r.message('_INBOX_a.q.2', { message_type: 'response' }, { mono: 20 }),
      r.raw('$JS.API.CONSUMER.MSG.NEXT.S.C', '{"batch":1,"expires":60000000000}', { reply: '_INBOX.f.1', mono: 25 }), // 3: a long poll
      r.message('agents.all', { message_type: 'heartbeat' }, { mono: 30_001 }), // the first record past request 0's timeout
      r.message('_INBOX_a.q.1', { message_type: 'response' }, { mono: 30_002 }),
      r.message('agents.all', { message_type: 'heartbeat' }, { mono: 40_000 }),
      r.raw('_INBOX.f.1', '', { headers: { Status: ['408'], Description: ['Request Timeout'] }, mono: 40_001 }), // 7: the poll ends
      r.message('agents.request.d', {}, { reply: '_INBOX_a.q.3', mono: 40_002 }), // 8: the trace ends first
    ];
    const flags = runFlags(records);
    expect(flags).toEqual([FLAG_TIMED_OUT, 0, 0, FLAG_INFRASTRUCTURE, 0, 0, 0, FLAG_INFRASTRUCTURE, 0]);
    const byCorrelator = correlate(records).pairs.filter((p) => p.timedOutBy === 'timeout' && !p.request.subject.startsWith('$')).map((p) => p.request.seq);
    expect(records.filter((_, i) => has(flags[i]!, FLAG_TIMED_OUT)).map((rec) => rec.seq)).toEqual(byCorrelator);
  });

  it('knows the runtime failure events, from the record and from its JSON alike', () => {
    const r = recorder();
    const events: [EventRecord, boolean][] = [
      [r.event('handler.failed'), true],
      [r.event('budget.exceeded'), true],
      [r.event('message.invalid'), true],
      [r.event('run.completed', { status: 'failed', error: 'x' }), true],
      [r.event('run.completed', { status: 'completed' }), false],
      [r.event('llm.call', { error: 'rate limited' }), true],
      [r.event('llm.call', { error: null }), false],
      [r.event('tool.result', { isError: true }), true],
      [r.event('tool.result', { isError: false, refused: 'not_allowed' }), true],
      [r.event('tool.result', { isError: false, refused: null, result: '"error":"quoted, not an error"' }), false],
      [r.event('ooda.phase'), false],
    ];
    for (const [record, failed] of events) {
      expect(isFailureEvent(record), record.name).toBe(failed);
      expect(isFailureEventJson(record.name, JSON.stringify(record.payload)), record.name).toBe(failed);
      expect(has(recordFlags(record), FLAG_ERROR)).toBe(failed);
    }
  });

  it('reads a status in every spelling isNoResponders accepts', () => {
    const r = recorder();
    const spellings: Record<string, string[]>[] = [{ Status: ['503'] }, { ':status': ['503 No Responders'] }, { 'Nats-Status': [' 503'] }, { 'NATS/1.0 503': [] }];
    for (const headers of spellings) {
      expect(headerStatus(headers)).toBe(503);
      expect(isNoResponders(r.raw('_INBOX.x.1', '', { headers }))).toBe(true);
    }
    expect(headerStatus({ Status: ['100'], Description: ['Idle Heartbeat'] })).toBe(100);
    expect(headerStatus({ 'X-Trace': ['503'] })).toBeNull();
    expect(headerStatus(null)).toBeNull();
  });

  it('names the AgentMessage subjects of the shipped profiles only', () => {
    for (const s of ['agents.all', 'agents.request.b', 'agents.direct.b', 'agents.response.b.m1', 'agents.handoff.a.to.b']) expect(isAgentMessageSubject(s), s).toBe(true);
    for (const s of ['agents', 'agents.request', 'agents.request.b.c', 'agent.b.task', 'platform.events.agents', '_INBOX_a.x']) expect(isAgentMessageSubject(s), s).toBe(false);
  });
});

describe('the predicate', () => {
  const r = recorder();
  const records: TraceRecord[] = [
    r.raw('$JS.API.CONSUMER.CREATE.KV_x', '{}', { reply: '_INBOX_a.j.1' }),
    r.raw('_INBOX_a.j.1', '{"type":"io.nats.jetstream.api.v1.consumer_create_response"}'),
    r.message('agents.request.b', {}, { reply: '_INBOX_a.q.1' }),
    r.message('_INBOX_a.q.1', { message_type: 'response', metadata: { status: 'failed' } }),
    r.raw('$JS.API.INFO', '', { headers: { Status: ['503'] } }),
    r.event('llm.call', { error: 'down' }),
    r.event('ooda.phase'),
  ];
  const flags = runFlags(records);
  const seqs = (q: TraceQuery) => records.filter((rec, i) => matchesQuery(rec, TraceQuerySchema.parse(q), flags[i])).map((rec) => rec.seq);

  it('shows infrastructure by default, and hides it or keeps it alone when asked', () => {
    expect(seqs({})).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seqs({ infrastructure: 'hide' })).toEqual([3, 4, 6, 7]);
    expect(seqs({ infrastructure: 'only' })).toEqual([1, 2, 5]);
  });

  it('keeps only errors, and composes with the other filters', () => {
    expect(seqs({ errors: true })).toEqual([3, 4, 5, 6]);
    expect(seqs({ errors: true, infrastructure: 'hide' })).toEqual([3, 4, 6]);
    expect(seqs({ errors: true, kind: 'event' })).toEqual([6]);
    expect(seqs({ errors: true, subject: 'agents.>' })).toEqual([3]);
  });

  it('classifies a record alone when no flags are given', () => {
    const q = TraceQuerySchema.parse({ infrastructure: 'hide' });
    expect(matchesQuery(records[1]!, q)).toBe(true); // alone, the JetStream reply looks like any inbox message
    expect(matchesQuery(records[1]!, q, flags[1])).toBe(false);
  });

  it('refuses filter values it does not know, with a clear error', () => {
    expect(() => TraceQuerySchema.parse({ infrastructure: 'hidden' })).toThrow(/infrastructure|hide/);
    expect(() => TraceQuerySchema.parse({ errors: false })).toThrow(/errors|true/);
  });
});

describe('the index line reader and the recorder agree with the record', () => {
  const enc = new TextEncoder();
  const format = new RecordFormatter(64);
  const cases: [string, string | null, string | null, string][] = [
    ['agents.request.b', '_INBOX_a.q.1', null, JSON.stringify({ message_type: 'request', from_agent: 'a', to_agent: 'b', content: 'hi', timestamp: 't', message_id: 'q1' })],
    ['_INBOX_a.q.1', null, null, JSON.stringify({ message_type: 'response', from_agent: 'b', to_agent: 'a', content: 'no', metadata: { status: 'failed', error: 'x' }, timestamp: 't', message_id: 'r1' })],
    ['_INBOX.t.1', null, null, '{"status":"failed","error":"no"}'],
    ['_INBOX_a.q.2', null, 'NATS/1.0 503\r\n\r\n', ''],
    ['_INBOX_bot.w.1', null, 'NATS/1.0 100 Idle Heartbeat\r\n\r\n', ''],
    ['$KV.b.k', '_INBOX.x.7', null, '{"name":"bot"}'],
    ['agents.all', null, null, 'x'.repeat(100)],
    ['big', null, null, JSON.stringify({ message_type: 'broadcast', from_agent: 'a', to_agent: null, content: 'y'.repeat(80), timestamp: 't', message_id: 'b1' })],
  ];

  it('gives the facts factsOf gives for the stored record', () => {
    cases.forEach(([subject, reply, headers, payload], i) => {
      const m = format.message(i + 1, T0, i, subject, reply, headers === null ? null : enc.encode(headers), enc.encode(payload));
      const record = JSON.parse(m.line) as MessageRecord;
      expect(m.facts, subject).toEqual(factsOf(record));
      const fields = indexFieldsOf(m.line);
      if (fields) expect(fields.facts, subject).toEqual(factsOf(record)); // null: the whole line is parsed instead
    });
  });

  it('reads event facts from a stored event line', () => {
    const r = recorder();
    for (const record of [r.event('run.completed', { status: 'failed', error: 'x' }), r.event('tool.result', { isError: false, refused: null }), r.event('handler.failed')]) {
      expect(indexFieldsOf(JSON.stringify(record))?.facts).toEqual(factsOf(record));
    }
  });
});
