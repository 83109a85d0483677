/**
 * The run timeline: spans from phases, model and tool calls (start = end − duration), arrows from
 * bus messages (sender → receiver, received when the receiver took it in, replies with their
 * latency), lanes in topology order with `outside` for clients, ranges and the item cap; and the
 * host's cache over a real store: only the needed records read, a second call reads only new ones.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRACE_FORMAT, type MessageRecord, type TraceRecord } from '../../agents/trace/record.js';
import { assembleTimeline, OUTSIDE_LANE, TimelineFacts, TimelineInputSchema, type TimelineInput } from '../../agents/trace/timeline.js';
import type { CachedRuns } from '../../main/host/trace/run-read-cache.js';
import { TimelineCache } from '../../main/host/trace/timeline-cache.js';
import { TraceStore } from '../../main/host/trace/trace-store.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { eventRecord, messageRecord, sampleMessage } from '../helpers/trace-events.js';

const T0 = Date.UTC(2025, 0, 1, 12);
const TOPOLOGY = ['task_coordinator', 'weather_bot', 'general_assistant'];
const base = (seq: number, mono: number) => ({ seq, time: new Date(T0 + Math.floor(mono)).toISOString(), mono });

/** A bus message carrying an AgentMessage. */
function bus(seq: number, mono: number, subject: string, reply: string | null, fields: Parameters<typeof sampleMessage>[0]): MessageRecord {
  const message = sampleMessage(fields);
  return messageRecord(base(seq, mono), subject, JSON.stringify(message), { reply, parsed: { ok: true, message } });
}

/** The trio's conversation as recorded: the CLI asks the coordinator, which asks the weather bot through a tool. */
function trio(): TraceRecord[] {
  let seq = 0;
  const at = (mono: number) => base(++seq, mono);
  const next = () => seq + 1;
  const records: TraceRecord[] = [
    messageRecord(at(90), '$JS.API.INFO', '{}', { reply: '_INBOX_task_coordinator.j.1' }),
    bus(next(), 95, 'agents.all', null, { message_type: 'announcement', from_agent: 'task_coordinator', to_agent: null, message_id: 'a1' }),
  ];
  seq++;
  records.push(bus(next(), 100, 'agents.request.task_coordinator', '_INBOX_switchboard_cli.x.1', { from_agent: 'switchboard_cli', to_agent: 'task_coordinator', content: 'weather in Paris?', message_id: 'q1' }));
  seq++;
  records.push(
    eventRecord(at(100.5), 'message.received', 'task_coordinator', { message: { from_agent: 'switchboard_cli', to_agent: 'task_coordinator', message_id: 'q1' } }),
    eventRecord(at(100.7), 'ooda.phase', 'task_coordinator', { phase: 'observe', durationMs: 0.1 }),
    eventRecord(at(101), 'ooda.phase', 'task_coordinator', { phase: 'orient', durationMs: 0.2 }),
    eventRecord(at(101.6), 'llm.call', 'task_coordinator', { latencyMs: 0.5 }),
    eventRecord(at(101.8), 'ooda.phase', 'task_coordinator', { phase: 'decide', durationMs: 0.8 }),
  );
  // The weather bot's receipt is recorded before the tap's copy of the request.
  records.push(eventRecord(at(102.3), 'message.received', 'weather_bot', { message: { from_agent: 'task_coordinator', to_agent: 'weather_bot', message_id: 'q2' } }));
  records.push(bus(next(), 102, 'agents.request.weather_bot', '_INBOX_task_coordinator.y.1', { from_agent: 'task_coordinator', to_agent: 'weather_bot', content: 'Paris', message_id: 'q2' }));
  seq++;
  records.push(
    eventRecord(at(102.6), 'ooda.phase', 'weather_bot', { phase: 'observe', durationMs: 0.2 }),
    eventRecord(at(103), 'tool.result', 'weather_bot', { tool: 'get_weather', durationMs: 0.4 }),
  );
  records.push(bus(next(), 103.5, '_INBOX_task_coordinator.y.1', null, { message_type: 'response', from_agent: 'weather_bot', to_agent: 'task_coordinator', content: '18°C', message_id: 'r2' }));
  seq++;
  records.push(
    eventRecord(at(103.6), 'tool.result', 'task_coordinator', { tool: 'delegate', durationMs: 1.6, refused: null }),
    eventRecord(at(103.7), 'ooda.phase', 'task_coordinator', { phase: 'act', durationMs: 2 }),
  );
  records.push(bus(next(), 104, '_INBOX_switchboard_cli.x.1', null, { message_type: 'response', from_agent: 'task_coordinator', to_agent: 'switchboard_cli', content: 'It is 18°C', message_id: 'r1' }));
  seq++;
  records.push(eventRecord(at(110), 'agent.stopped', 'general_assistant'));
  return records;
}

/** Feeds records to facts as the host does: infrastructure left out, a reply with its request. */
function factsOf(records: TraceRecord[]): TimelineFacts {
  const facts = new TimelineFacts();
  for (const record of records) {
    if (record.kind === 'message' && record.subject.startsWith('$JS.')) continue;
    const request = record.kind === 'message' ? (records.find((r): r is MessageRecord => r.kind === 'message' && r.reply === record.subject) ?? null) : null;
    facts.add(record, request);
  }
  return facts;
}

const range = (input: Omit<TimelineInput, 'runId'> = {}) => {
  const { runId: _, ...parsed } = TimelineInputSchema.parse({ runId: 'r1', ...input });
  return parsed;
};

describe('assembleTimeline', () => {
  const timeline = assembleTimeline(factsOf(trio()), range(), TOPOLOGY);

  it('has a lane per agent in topology order and the outside lane for the CLI', () => {
    expect(timeline.lanes).toEqual([...TOPOLOGY, OUTSIDE_LANE]);
  });

  it('makes spans of phases, model calls and tool calls, each ending at its record and lasting its duration', () => {
    expect(timeline.spans.map((s) => [s.lane, s.kind, s.seq])).toEqual([
      ['task_coordinator', 'observe', 5],
      ['task_coordinator', 'orient', 6],
      ['task_coordinator', 'llm', 7],
      ['task_coordinator', 'decide', 8],
      ['weather_bot', 'observe', 11],
      ['weather_bot', 'tool', 12],
      ['task_coordinator', 'tool', 14],
      ['task_coordinator', 'act', 15],
    ]);
    const act = timeline.spans.find((s) => s.kind === 'act')!;
    // Epoch ms keep a quarter of a µs.
    expect(act.end).toBeCloseTo(T0 + 103.7, 3);
    expect(act.end - act.start).toBeCloseTo(2, 3);
    expect(act.label).toBe('act · turn 1');
    expect(timeline.spans.find((s) => s.kind === 'tool' && s.lane === 'weather_bot')!.label).toBe('tool get_weather');
    expect(timeline.spans.find((s) => s.kind === 'llm')!.label).toBe('model scripted/m · turn 1 · 2 tokens');
  });

  it('draws messages between lanes, received when the receiver took them in (before or after the tap), replies with their latency', () => {
    expect(timeline.messages.map((m) => [m.from, m.to, m.type, m.reply, m.seq])).toEqual([
      [OUTSIDE_LANE, 'task_coordinator', 'request', false, 3],
      ['task_coordinator', 'weather_bot', 'request', false, 10],
      ['weather_bot', 'task_coordinator', 'response', true, 13],
      ['task_coordinator', OUTSIDE_LANE, 'response', true, 16],
    ]);
    const [ask, delegate, answer, reply] = timeline.messages;
    expect(ask!.received! - ask!.sent).toBeCloseTo(0.5, 3);
    expect(delegate!.received! - delegate!.sent).toBeCloseTo(0.3, 3);
    expect(answer!.received).toBeNull();
    expect(answer!.label).toContain('reply after 1.5 ms');
    expect(delegate!.label).toContain('answered in 1.5 ms');
    expect(reply!.label).toMatch(/^task_coordinator → switchboard_cli: response “It is 18°C” · reply after 4 ms$/);
  });

  it('gives the run bounds from its first to its last item and leaves presence out', () => {
    expect(timeline.from).toBeCloseTo(T0 + 100, 3);
    expect(timeline.to).toBeCloseTo(T0 + 104, 3);
    expect(timeline.total).toBe(12);
    expect(timeline.truncated).toBe(false);
  });

  it('keeps what overlaps a range', () => {
    const part = assembleTimeline(factsOf(trio()), range({ from: T0 + 102.1, to: T0 + 102.5 }), TOPOLOGY);
    // The weather bot's observe (102.4 … 102.6) ends past it; the coordinator's tool call and act phase span it; the delegate request arrives in it.
    expect(part.spans.map((s) => s.seq)).toEqual([11, 14, 15]);
    expect(part.messages.map((m) => m.seq)).toEqual([10]);
    expect(part.from).toBe(timeline.from);
  });

  it('past maxItems keeps the longest spans and a sample of the messages, and says so', () => {
    const facts = new TimelineFacts();
    for (let i = 1; i <= 300; i++) facts.add(eventRecord(base(2 * i - 1, i * 10), 'ooda.phase', 'a', { durationMs: i % 7 }));
    for (let i = 1; i <= 100; i++) facts.add(bus(600 + i, 3000 + i, 'agents.request.b', null, { from_agent: 'a', to_agent: 'b', message_id: `m${i}` }));
    const cut = assembleTimeline(facts, range({ maxItems: 40 }), []);
    expect(cut.truncated).toBe(true);
    expect(cut.total).toBe(400);
    expect(cut.spans).toHaveLength(30);
    expect(cut.messages).toHaveLength(10);
    expect(cut.spans.every((s) => s.end - s.start >= 5)).toBe(true); // 6s and 5s: 43 + 43 of 300 are that long
    expect(cut.messages.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, k) => 601 + k * 10));
    expect(cut.lanes).toEqual(['a', OUTSIDE_LANE]); // b has no events of its own
  });

  it('refuses a range that ends before it starts and more items than it serves', () => {
    expect(() => range({ from: 2, to: 1 })).toThrow(/must not be after/);
    expect(() => range({ maxItems: 1_000_000 })).toThrow();
  });
});

describe('trace.getTimeline on a real store', () => {
  let root: string;
  let store: TraceStore;
  let live = true;
  let opened = 0;
  const runs: CachedRuns = { isLive: () => live, withStore: async (_runId, use) => (opened++, use(store)) };

  beforeEach(async () => {
    root = await makeTempDir('timeline');
    const topology = readFileSync('templates/seed-000-trio.yaml', 'utf8');
    store = await TraceStore.create(root, { format: TRACE_FORMAT, run: 'r1', startedAt: new Date(T0).toISOString(), topology });
    live = true;
    opened = 0;
  });
  afterEach(async () => {
    await store.close();
    await removeTempDir(root);
  });

  it('answers as the facts of the same records, reads only the records it draws, and only new ones next time', async () => {
    const records = trio();
    for (const record of records.slice(0, 9)) store.append(record);
    const cache = new TimelineCache();
    const first = await cache.get('r1', range(), runs);
    expect(first).toEqual(assembleTimeline(factsOf(records.slice(0, 9)), range(), TOPOLOGY));
    // Not read: the JetStream call and the announcement.
    expect(cache.peek('r1')!.reads).toBe(7);
    for (const record of records.slice(9)) store.append(record);
    const whole = await cache.get('r1', range(), runs);
    expect(whole).toEqual(assembleTimeline(factsOf(records), range(), TOPOLOGY));
    expect(whole.messages.find((m) => m.seq === 13)!.from).toBe('weather_bot');
    // 7 more drawn records, and the two requests the two replies answer; never agent.stopped.
    expect(cache.peek('r1')!.reads).toBe(7 + 7 + 2);

    live = false;
    await cache.get('r1', range(), runs); // read again once as a finished run
    const before = opened;
    const part = await cache.get('r1', range({ from: T0 + 103.55, to: T0 + 110 }), runs);
    expect(opened).toBe(before); // a finished run is answered without its store
    expect(part.spans.map((s) => s.seq)).toEqual([14, 15]);
  });
});
