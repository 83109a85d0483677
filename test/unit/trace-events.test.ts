// Runtime events typed end to end: every event's record schema, what an unknown or invalid event
// does on import, narrowing on `record.name` (checked by the compiler and at run time), the one
// typed emitter, and the CLI's one line per event kind.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { LlmResponse } from '../../agents/protocol/llm.js';
import { RUNTIME_EVENT_NAMES, RuntimeEventBus, isRuntimeEventName, type RuntimeEventName } from '../../agents/protocol/runtime-events.js';
import { TypedEmitter } from '../../agents/protocol/typed-emitter.js';
import { TRACE_FORMAT, TraceRecordSchema, type EventRecordOf, type TraceRecord } from '../../agents/trace/record.js';
import { summarize } from '../../main/commands/run-summary.js';
import { TraceImportError, TraceLibrary } from '../../main/host/trace/index.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { eventRecord, samplePayload, sampleMessage } from '../helpers/trace-events.js';

const base = (seq: number) => ({ seq, time: '2025-01-01T00:00:00.000Z', mono: seq });
const issuesOf = (value: unknown) => {
  const parsed = TraceRecordSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('event records', () => {
  it('has a record schema for every runtime event, and a record round-trips through JSON unchanged', () => {
    expect(RUNTIME_EVENT_NAMES).toHaveLength(36);
    for (const [i, name] of RUNTIME_EVENT_NAMES.entries()) {
      const record = eventRecord(base(i + 1), name, 'a');
      const line = JSON.stringify(record);
      expect(JSON.stringify(TraceRecordSchema.parse(JSON.parse(line)))).toBe(line);
    }
  });

  it('keeps a payload as written (key order and all), so export → import → export gives the same bytes', () => {
    const { metadata, in_reply_to, priority, ...rest } = sampleMessage({ message_type: 'announcement', to_agent: null });
    const line = JSON.stringify({ ...base(1), kind: 'event', name: 'message.sent', agent: 'a', payload: { agent: 'a', subject: 'agents.all', message: { metadata, in_reply_to, priority, ...rest } } });
    expect(JSON.stringify(TraceRecordSchema.parse(JSON.parse(line)))).toBe(line);
  });

  it('refuses an event name this version does not know, saying so (a newer trace), not just "invalid"', () => {
    expect(isRuntimeEventName('agent.teleported')).toBe(false);
    expect(issuesOf({ ...base(1), kind: 'event', name: 'agent.teleported', agent: 'a', payload: { agent: 'a' } })).toEqual([
      'name: unknown event "agent.teleported" (written by a newer Switchboard?)',
    ]);
    // A name that is not even a string gets zod's own message, which lists the known names.
    expect(issuesOf({ ...base(1), kind: 'event', name: 7, agent: 'a', payload: {} })[0]).toMatch(/^name: Invalid discriminator value/);
  });

  it('refuses a known event whose payload does not match, naming the field', () => {
    const call = samplePayload('llm.call');
    expect(issuesOf({ ...base(1), kind: 'event', name: 'llm.call', agent: 'a', payload: { ...call, response: { ...call.response, usage: 'lots' } } })).toEqual([
      'payload.response.usage: Invalid input: expected object, received string',
    ]);
    expect(issuesOf({ ...base(1), kind: 'event', name: 'run.completed', agent: 'a', payload: { ...samplePayload('run.completed'), status: 'maybe' } })).toHaveLength(1);
  });

  it('narrows the payload on the name, without a cast', () => {
    const records: TraceRecord[] = [eventRecord(base(1), 'llm.call', 'a', { latencyMs: 42 }), eventRecord(base(2), 'tool.result', 'a', { tool: 'search' })];
    const seen: string[] = [];
    for (const record of records) {
      if (record.kind !== 'event') continue;
      if (record.name === 'llm.call') {
        expectTypeOf(record.payload.response).toEqualTypeOf<LlmResponse | null>();
        seen.push(`llm ${record.payload.latencyMs} ${record.payload.response?.usage.inputTokens}`);
      } else if (record.name === 'tool.result') {
        expectTypeOf(record.payload.refused).toEqualTypeOf<'not_allowed' | 'rate_limited' | 'timeout' | null>();
        seen.push(`tool ${record.payload.tool}`);
      }
    }
    expect(seen).toEqual(['llm 42 1', 'tool search']);
    expectTypeOf<EventRecordOf<'run.started'>['payload']['message']['message_id']>().toEqualTypeOf<string>();
  });
});

describe('importing an NDJSON trace with events', () => {
  let dir = '';
  afterEach(async () => removeTempDir(dir));

  it('refuses an unknown event by line number and keeps nothing; known events come back typed', async () => {
    dir = await makeTempDir('trace-events');
    const header = JSON.stringify({ format: TRACE_FORMAT, run: 'r', startedAt: '2025-01-01T00:00:00.000Z', topology: null });
    const good = [eventRecord(base(1), 'run.started', 'a'), eventRecord(base(2), 'run.completed', 'a', { status: 'failed', error: 'boom' })];
    const file = path.join(dir, 'newer.ndjson');
    await writeFile(file, [header, ...good.map((r) => JSON.stringify(r)), JSON.stringify({ ...base(3), kind: 'event', name: 'agent.teleported', agent: 'a', payload: {} })].join('\n'));
    const library = new TraceLibrary(path.join(dir, 'traces'));
    const error = await library.importNdjson(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceImportError);
    expect((error as TraceImportError).problems).toEqual([{ line: 4, message: 'name: unknown event "agent.teleported" (written by a newer Switchboard?)' }]);

    const valid = path.join(dir, 'valid.ndjson');
    await writeFile(valid, [header, ...good.map((r) => JSON.stringify(r))].join('\n'));
    const store = await library.importNdjson(valid);
    try {
      const record = await store.get(2);
      expect(record?.kind === 'event' && record.name === 'run.completed' ? record.payload.error : null).toBe('boom');
    } finally {
      await store.close();
    }
  });
});

describe('TypedEmitter', () => {
  it('delivers to named and catch-all listeners, in order, and unsubscribes', () => {
    const bus = new TypedEmitter<{ 'a.happened': { n: number }; 'b.happened': { s: string } }>();
    const seen: string[] = [];
    expect(bus.wants('a.happened')).toBe(false);
    const offA = bus.on('a.happened', (p) => seen.push(`a ${p.n}`));
    expect(bus.wants('a.happened')).toBe(true);
    expect(bus.wants('b.happened')).toBe(false);
    const offAny = bus.onAny((name, payload) => seen.push(`any ${name} ${JSON.stringify(payload)}`));
    expect(bus.wants('b.happened')).toBe(true);
    bus.emit('a.happened', { n: 1 });
    bus.emit('b.happened', { s: 'x' });
    offA();
    offAny();
    bus.emit('a.happened', { n: 2 });
    expect(seen).toEqual(['a 1', 'any a.happened {"n":1}', 'any b.happened {"s":"x"}']);
    expect(bus.wants('a.happened')).toBe(false);
  });

  it('reports a failing listener and still delivers to the others', () => {
    const failures: string[] = [];
    const bus = new TypedEmitter<{ 'x.happened': number }>((name, error) => failures.push(`${name}: ${String(error)}`));
    const heard: number[] = [];
    bus.on('x.happened', () => {
      throw new Error('listener broke');
    });
    bus.on('x.happened', (n) => heard.push(n));
    bus.onAny((_name, n) => heard.push(n * 10));
    bus.emit('x.happened', 4);
    expect(heard).toEqual([4, 40]);
    expect(failures).toEqual(['x.happened: Error: listener broke']);
  });

  it('reports to the console by default (the runtime bus is the same class)', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const bus = new RuntimeEventBus();
      bus.on('agent.stopped', () => {
        throw new Error('no');
      });
      bus.emit('agent.stopped', samplePayload('agent.stopped'));
      expect(error).toHaveBeenCalledWith('switchboard: a listener of agent.stopped failed:', expect.any(Error));
    } finally {
      error.mockRestore();
    }
  });
});

describe('the CLI line of each event kind', () => {
  const now = new Date('2025-01-01T12:34:56.789Z');
  const line = <N extends RuntimeEventName>(name: N, fields: Parameters<typeof samplePayload<N>>[1] = {}) => summarize(name, samplePayload(name, fields), now);

  it('prints what a person watching a run wants to see, and nothing for chatty events', () => {
    const lines: Record<RuntimeEventName, string | null> = {
      'agent.started': line('agent.started', { subjects: ['agents.request.agent'] }),
      'agent.stopped': line('agent.stopped'),
      'agent.announced': line('agent.announced'),
      'message.received': line('message.received', { message: sampleMessage({ content: 'Weather\nin Paris?' }) }),
      'message.invalid': line('message.invalid'),
      'message.sent': line('message.sent'),
      'handler.failed': line('handler.failed', { error: 'tool crashed' }),
      'batch.formed': line('batch.formed', { runId: 'run-1234-5678', members: [{ messageId: 'm1', from: 'alice', subject: 's' }, { messageId: 'm2', from: 'bob', subject: 's' }, { messageId: 'm3', from: 'alice', subject: 's' }] }),
      'run.started': line('run.started'),
      'ooda.phase': line('ooda.phase', { phase: 'act', turn: 2, output: { reply: null, toolResults: [{ id: 't1', name: 'search', content: '', isError: true }] }, durationMs: 1.25 }),
      'ooda.paused': line('ooda.paused', { cause: { reason: 'condition', detail: 'tool search' } }),
      'ooda.resumed': line('ooda.resumed'),
      'llm.call': line('llm.call', { latencyMs: 12.4 }),
      'tool.invoked': line('tool.invoked'),
      'tool.result': line('tool.result'),
      'memory.consolidated': line('memory.consolidated'),
      'budget.exceeded': line('budget.exceeded'),
      'evaluation.judged': line('evaluation.judged', { verdict: 'fail', feedback: 'Name the day.', next: 'revise' }),
      'run.completed': line('run.completed', { status: 'failed', error: 'out of budget' }),
      'replay.diverged': line('replay.diverged'),
      'replay.forked': line('replay.forked'),
      'protocol.a2a.request': line('protocol.a2a.request'),
      'protocol.a2a.response': line('protocol.a2a.response'),
      'protocol.mcp.request': line('protocol.mcp.request'),
      'protocol.mcp.response': line('protocol.mcp.response'),
      'negotiation.proposed': line('negotiation.proposed'),
      'negotiation.answered': line('negotiation.answered', { from: 'b', accept: false, terms: null, reason: 'too busy', afterMs: 2100, late: true }),
      'negotiation.finished': line('negotiation.finished', { state: 'failed', reason: 'all-accept: not every agent accepted: b timed out', selected: [] }),
      'workflow.started': line('workflow.started'),
      'workflow.resumed': line('workflow.resumed'),
      'workflow.stepStarted': line('workflow.stepStarted'),
      'workflow.stepFinished': line('workflow.stepFinished', { status: 'failed', attempt: 2, result: null, error: 'down' }),
      'workflow.finished': line('workflow.finished'),
      'workflow.failed': line('workflow.failed'),
      'bus.disconnected': line('bus.disconnected'),
      'bus.reconnected': line('bus.reconnected'),
    };
    const agent = 'agent'.padEnd(18);
    expect(lines).toEqual({
      'agent.started': `12:34:56.789 ${agent} started (i1) on agents.request.agent`,
      'agent.stopped': `12:34:56.789 ${agent} stopped`,
      'agent.announced': null,
      'message.received': `12:34:56.789 ${agent} ← request from user: Weather in Paris?`,
      'message.invalid': `12:34:56.789 ${agent} ✗ invalid message on agents.request.agent: not JSON`,
      'message.sent': null,
      'handler.failed': `12:34:56.789 ${agent} ✗ failed: tool crashed`,
      'batch.formed': `12:34:56.789 ${agent} batch of 3 → one run run-1234 (from alice, bob)`,
      'run.started': null,
      'ooda.phase': `12:34:56.789 ${agent} act (turn 2) tools search ✗ 1.3 ms`,
      'ooda.paused': `12:34:56.789 ${agent} ⏸ paused before decide (turn 1, tool search)`,
      'ooda.resumed': null,
      'llm.call': `12:34:56.789 ${agent} llm scripted/m 1+1 tokens 12 ms`,
      'tool.invoked': null,
      'tool.result': null,
      'memory.consolidated': null,
      'budget.exceeded': `12:34:56.789 ${agent} ✗ budget max_turns exceeded (2 > 1)`,
      'evaluation.judged': `12:34:56.789 ${agent} ✗ evaluation round 1 by rules: fail (Name the day.) → revise`,
      'run.completed': `12:34:56.789 ${agent} ✗ run failed: out of budget`,
      'replay.diverged': `12:34:56.789 ${agent} ✗ replay diverged at decision 1`,
      'replay.forked': `12:34:56.789 ${agent} ⑂ forked at decision 1: edited`,
      // The protocol gateway's calls are in the trace, not the console.
      'protocol.a2a.request': null,
      'protocol.a2a.response': null,
      'protocol.mcp.request': null,
      'protocol.mcp.response': null,
      'negotiation.proposed': `12:34:56.789 ${agent} negotiation neg-1 (task_assignment, all-accept) proposed to a, b`,
      'negotiation.answered': `12:34:56.789 ${agent} negotiation neg-1: b declined: too busy (late, 2100 ms: not counted)`,
      'negotiation.finished': `12:34:56.789 ${agent} ✗ negotiation neg-1 failed: all-accept: not every agent accepted: b timed out`,
      // The recorder records these itself (the console gets its warning instead).
      'workflow.started': `12:34:56.789 switchboard-workflows workflow wf wf-1 started: a → b`,
      'workflow.resumed': `12:34:56.789 switchboard-workflows ↻ workflow wf wf-1 resumed at b (attempt 1, interrupted before); 1 step(s) already done: a`,
      'workflow.stepStarted': `12:34:56.789 ${agent} workflow wf wf-1: step a (attempt 1)`,
      'workflow.stepFinished': `12:34:56.789 ${agent} workflow wf wf-1: ✗ step a attempt 2: down`,
      'workflow.finished': `12:34:56.789 switchboard-workflows ✓ workflow wf wf-1 finished: done`,
      'workflow.failed': `12:34:56.789 switchboard-workflows ✗ workflow wf wf-1 failed: failed`,
      'bus.disconnected': null,
      'bus.reconnected': null,
    });
    expect(line('ooda.phase', { phase: 'decide' })).toBeNull();
    expect(line('ooda.phase', { phase: 'act', output: { reply: 'hi', toolResults: [] } })).toContain('act (turn 1) reply');
    expect(line('llm.call', { response: null, error: 'HTTP 500' })).toContain('llm scripted/m error: HTTP 500');
  });
});
