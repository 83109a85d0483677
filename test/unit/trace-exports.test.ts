// Trace exports and reports: the Mermaid sequence diagram (parsed back into the same messages),
// OTLP/JSON (validated, with the right parents and times), designed vs observed, and the summary.
import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { TopologySchema, type Topology, type TopologyInput } from '../../agents/topology/schema.js';
import { designedVsObserved, formatDesignedVsObserved } from '../../agents/trace/designed-vs-observed.js';
import { escapeMermaidText, exportMermaidSequence, MermaidSequenceBuilder, mermaidLabel } from '../../agents/trace/export-mermaid.js';
import { parseMermaidSequence, unescapeMermaidText } from '../helpers/mermaid-sequence.js';
import { exportOtlp, hashHex, otlpJsonChunks } from '../../agents/trace/export-otlp.js';
import { SPAN_KIND, STATUS_CODE, validateOtlp, type OtlpExport, type OtlpSpan } from '../../agents/trace/otlp-schema.js';
import type { EventRecord, MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import { eventRecord, type PayloadFields } from '../helpers/trace-events.js';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';
import { formatSummary, subjectGroup, summarizeTrace } from '../../agents/trace/summary.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const NS = 1_000_000n;

/** Builds records; seqs rise from `after` + 1, mono is given and time follows it. */
function recorder(after = 0) {
  let seq = after;
  const base = (mono: number) => ({ seq: ++seq, time: new Date(T0 + mono).toISOString(), mono });
  const message = (
    mono: number,
    subject: string,
    fields: Pick<AgentMessage, 'message_type' | 'from_agent' | 'to_agent' | 'message_id'> & Partial<AgentMessage>,
    reply: string | null = null,
  ): MessageRecord => {
    const m: AgentMessage = { content: '', metadata: {}, timestamp: new Date(T0 + mono).toISOString(), in_reply_to: null, priority: 2, ...fields };
    const payload = JSON.stringify(m);
    return { ...base(mono), kind: 'message', subject, reply, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message: m } };
  };
  const raw = (mono: number, subject: string, payload: string, reply: string | null = null, headers: Record<string, string[]> | null = null): MessageRecord => ({
    ...base(mono),
    kind: 'message',
    subject,
    reply,
    headers,
    size: payload.length,
    payload,
    encoding: 'utf8',
    truncated: false,
    parsed: { ok: false, reason: 'not an AgentMessage' },
  });
  const event = <N extends RuntimeEventName>(mono: number, name: N, agent: string, fields: PayloadFields<N> = {}): EventRecord => eventRecord(base(mono), name, agent, fields);
  return { message, raw, event };
}

const LONG = `It is sunny in Paris; 24 °C, light wind from the west #forecast "no rain" <b>today</b>\nand tomorrow ${'x'.repeat(100)}`;

const llmCall = (runId: string, model: string, latencyMs: number, tokens: [number, number], error: string | null = null) => ({
  runId,
  turn: 1,
  provider: 'scripted',
  model,
  request: { model, system: '', messages: [], tools: [] },
  response: error ? null : { text: 'ok', toolCalls: [], usage: { inputTokens: tokens[0], outputTokens: tokens[1] }, stopReason: 'stop', model },
  error,
  latencyMs,
});

/**
 * user → coordinator request; coordinator → specialist request and its reply; a handoff to the
 * finisher (direct plus tracking copy); a broadcast; coordinator's reply to user. Around them:
 * presence, a KV put with its ack, the runtime's events, and a request nobody answers.
 */
function exchange(): TraceRecord[] {
  const r = recorder();
  return [
    r.message(0, 'agents.request.coordinator', { message_type: 'request', from_agent: 'user', to_agent: 'coordinator', message_id: 'u1', content: 'What is the weather in Paris?' }, '_INBOX_user.a.1'),
    r.event(1, 'run.started', 'coordinator', { runId: 'r1', message: { message_id: 'u1' } }),
    r.event(5, 'ooda.phase', 'coordinator', { runId: 'r1', turn: 1, phase: 'observe', input: null, output: null, durationMs: 3 }),
    r.event(45, 'llm.call', 'coordinator', llmCall('r1', 'plan-model', 40, [100, 20])),
    r.message(50, 'agents.request.specialist', { message_type: 'request', from_agent: 'coordinator', to_agent: 'specialist', message_id: 'c1', content: 'forecast for Paris' }, '_INBOX_coordinator.b.1'),
    r.event(51, 'run.started', 'specialist', { runId: 'r2', message: { message_id: 'c1' } }),
    r.message(55, 'agents.all', { message_type: 'heartbeat', from_agent: 'specialist', to_agent: null, message_id: 'hb1', content: 'specialist is alive' }),
    r.raw(56, '$KV.switchboard_agents.specialist.i1', '{"name":"specialist"}', '_INBOX_specialist.kv.1'),
    r.raw(57, '_INBOX_specialist.kv.1', '{"stream":"KV_switchboard_agents","seq":7}'),
    r.event(85, 'llm.call', 'specialist', llmCall('r2', 'weather-model', 30, [60, 15])),
    r.event(89, 'run.completed', 'specialist', { runId: 'r2', status: 'completed', reply: 'Sunny; 24 °C', error: null, turns: 1, tokens: 75 }),
    r.message(90, '_INBOX_coordinator.b.1', { message_type: 'response', from_agent: 'specialist', to_agent: 'coordinator', message_id: 's1', in_reply_to: 'c1', content: 'Sunny; 24 °C', metadata: { status: 'completed' } }),
    r.message(100, 'agents.direct.finisher', { message_type: 'handoff', from_agent: 'coordinator', to_agent: 'finisher', message_id: 'h1', content: 'write it up' }),
    r.message(100.2, 'agents.handoff.coordinator.to.finisher', { message_type: 'handoff', from_agent: 'coordinator', to_agent: 'finisher', message_id: 'h1', content: 'write it up' }),
    r.message(110, 'agents.all', { message_type: 'broadcast', from_agent: 'coordinator', to_agent: null, message_id: 'b1', content: 'status: done #1 "ok"' }),
    r.event(119, 'run.completed', 'coordinator', { runId: 'r1', status: 'completed', reply: LONG, error: null, turns: 2, tokens: 120 }),
    r.message(120, '_INBOX_user.a.1', { message_type: 'response', from_agent: 'coordinator', to_agent: 'user', message_id: 'c2', in_reply_to: 'u1', content: LONG, metadata: { status: 'completed' } }),
    r.message(130, 'agents.request.archivist', { message_type: 'request', from_agent: 'finisher', to_agent: 'archivist', message_id: 'f1', content: 'file it' }, '_INBOX_finisher.c.1'),
    r.message(140, 'debug.dump', { message_type: 'direct', from_agent: 'finisher', to_agent: 'finisher', message_id: 'd1', content: 'state' }),
  ];
}

describe('Mermaid sequence diagram', () => {
  const clipped = mermaidLabel(LONG);

  it('parses back into the same message sequence', () => {
    const text = exportMermaidSequence(exchange());
    expect(parseMermaidSequence(text)).toEqual([
      { from: 'user', to: 'coordinator', arrow: '->>', label: 'What is the weather in Paris?' },
      { from: 'coordinator', to: 'specialist', arrow: '->>', label: 'forecast for Paris' },
      { from: 'specialist', to: 'coordinator', arrow: '-->>', label: 'Sunny; 24 °C' },
      { from: 'coordinator', to: 'finisher', arrow: '-x', label: 'write it up' },
      { from: 'coordinator', to: 'all agents', arrow: '--)', label: 'status: done #1 "ok"' },
      { from: 'coordinator', to: 'user', arrow: '-->>', label: clipped },
      { from: 'finisher', to: 'archivist', arrow: '->>', label: 'file it' },
      { from: 'finisher', to: 'finisher', arrow: '-)', label: 'state' },
    ]);
    expect(clipped).toBe('It is sunny in Paris; 24 °C, light wind from the west #fore…');
  });

  it('declares agents in first-appearance order and escapes every label', () => {
    const text = exportMermaidSequence(exchange());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    const participants = lines.map((l) => /^\s*participant \S+ as (.*)$/.exec(l)?.[1]).filter((name) => name !== undefined);
    expect(participants).toEqual(['user', 'coordinator', 'specialist', 'finisher', 'all agents', 'archivist']);
    for (const line of lines.slice(1)) {
      if (!line.includes(':')) continue;
      const label = line.slice(line.indexOf(':') + 1);
      expect(label).not.toMatch(/["'<>]/);
      // Every ";" and "#" left is part of an entity code.
      expect(label.replace(/#\d+;/g, '')).not.toMatch(/[;#]/);
    }
    expect(text).toContain('Note over n_coordinator,n_finisher: handoff');
    expect(text).toContain('Note over n_coordinator: broadcast on agents.all');
    expect(text).toMatch(/Note over n_finisher: no reply from archivist before the trace ended/);
  });

  it('draws failed replies with a cross, stops at maxMessages with a note, and can show presence', () => {
    const r = recorder();
    const records = [
      r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1', content: 'go' }, '_INBOX_a.x.1'),
      r.message(1, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1', content: 'boom', metadata: { status: 'failed' } }),
      r.message(2, 'agents.all', { message_type: 'announcement', from_agent: 'c', to_agent: null, message_id: 'an', content: 'c is available' }),
      r.message(3, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q2', content: 'again' }, '_INBOX_a.x.2'),
      r.raw(3.5, '_INBOX_a.x.2', '', null, { Status: ['503'] }),
    ];
    expect(parseMermaidSequence(exportMermaidSequence(records)).map((m) => m.arrow)).toEqual(['->>', '--x', '->>']);
    expect(exportMermaidSequence(records)).toContain('Note over n_a: no responders on agents.request.b');
    const builder = new MermaidSequenceBuilder({ presence: true, maxMessages: 2 });
    for (const record of records) builder.add(record);
    expect(builder.messages()).toHaveLength(2);
    expect(builder.toString()).toContain('… 2 more messages not shown');
    expect(parseMermaidSequence(exportMermaidSequence(records, { presence: true })).map((m) => m.to)).toEqual(['b', 'a', 'all agents', 'b']);
  });

  it('reads hand-written diagrams and refuses what is not one', () => {
    const text = ['%% a comment', 'sequenceDiagram', '  participant A as Alice', '  actor B', '  Note over A,B: hello', '  A->>+B: hi #59; there', '  B-->>-A: bye', '  loop every day', '  A-)B: ping', '  end'].join('\n');
    expect(parseMermaidSequence(text)).toEqual([
      { from: 'Alice', to: 'B', arrow: '->>', label: 'hi ; there' },
      { from: 'B', to: 'Alice', arrow: '-->>', label: 'bye' },
      { from: 'Alice', to: 'B', arrow: '-)', label: 'ping' },
    ]);
    expect(() => parseMermaidSequence('flowchart LR\n  a --> b')).toThrow(/Not a Mermaid sequence diagram/);
    expect(() => parseMermaidSequence('')).toThrow(/empty/);
  });

  it.each(['a;b', '#35;', 'say "hi" & <bye>', "it's `x` \\ {y}", 'plain', '😀 emoji'])('escapes %j reversibly', (text) => {
    const escaped = escapeMermaidText(text);
    expect(escaped).not.toMatch(/["'<>&`\\{}]/);
    expect(escaped.replace(/#\d+;/g, '')).not.toMatch(/[;#]/);
    expect(unescapeMermaidText(escaped)).toBe(text);
  });

  it('clips by code point, never inside a surrogate pair', () => {
    expect(mermaidLabel('😀'.repeat(10), 5)).toBe('😀😀😀😀…');
    expect(mermaidLabel('a\n\n b', 5)).toBe('a b');
  });
});

describe('OTLP/JSON', () => {
  const spans = (otlp: OtlpExport) => otlp.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, service: serviceOf(rs) }))));
  const serviceOf = (rs: OtlpExport['resourceSpans'][number]) => rs.resource.attributes.find((a) => a.key === 'service.name')?.value;
  const attr = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value;
  const find = (all: ReturnType<typeof spans>, name: string, kind: number) => {
    const found = all.filter((s) => s.name === name && s.kind === kind);
    expect(found, `${name} (kind ${kind})`).toHaveLength(1);
    return found[0]!;
  };
  const nanos = (ms: number) => (BigInt(T0) * NS + BigInt(Math.round(ms * 1e6))).toString();

  it('passes validateOtlp, survives a JSON round trip, and is the same every time', () => {
    const otlp = exportOtlp(exchange());
    const json = JSON.parse(JSON.stringify(otlp)) as unknown;
    const checked = validateOtlp(json);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    expect(exportOtlp(exchange())).toEqual(otlp);
    expect([...otlpJsonChunks(otlp)].join('')).toBe(`${JSON.stringify(otlp)}\n`);
    expect(otlp.resourceSpans.every((rs) => rs.scopeSpans.every((ss) => ss.scope.name === 'switchboard'))).toBe(true);
  });

  it('nests runs under the request that started them and LLM calls under runs, with times from mono', () => {
    const all = spans(exportOtlp(exchange()));
    const userClient = find(all, 'request agents.request.coordinator', SPAN_KIND.client);
    const coordServer = find(all, 'process agents.request.coordinator', SPAN_KIND.server);
    const coordClient = find(all, 'request agents.request.specialist', SPAN_KIND.client);
    const specServer = find(all, 'process agents.request.specialist', SPAN_KIND.server);
    const runs = all.filter((s) => s.name === 'ooda run');
    const runOf = (id: string) => runs.find((s) => JSON.stringify(attr(s, 'switchboard.run_id')) === JSON.stringify({ stringValue: id }))!;
    const [run1, run2] = [runOf('r1'), runOf('r2')];
    const llm1 = find(all, 'chat plan-model', SPAN_KIND.client);
    const llm2 = find(all, 'chat weather-model', SPAN_KIND.client);
    const handoff = find(all, 'handoff agents.direct.finisher', SPAN_KIND.producer);
    const phase = find(all, 'ooda.observe', SPAN_KIND.internal);

    expect(userClient.parentSpanId).toBeUndefined();
    expect(coordServer.parentSpanId).toBe(userClient.spanId);
    expect(run1.parentSpanId).toBe(coordServer.spanId);
    expect(llm1.parentSpanId).toBe(run1.spanId);
    expect(phase.parentSpanId).toBe(run1.spanId);
    expect(coordClient.parentSpanId).toBe(run1.spanId);
    expect(specServer.parentSpanId).toBe(coordClient.spanId);
    expect(run2.parentSpanId).toBe(specServer.spanId);
    expect(llm2.parentSpanId).toBe(run2.spanId);
    expect(handoff.parentSpanId).toBe(run1.spanId);
    // One trace for the whole exchange.
    expect(new Set([userClient, coordServer, run1, llm1, coordClient, specServer, run2, llm2, handoff, phase].map((s) => s.traceId)).size).toBe(1);

    expect(userClient.service).toEqual({ stringValue: 'user' });
    expect(coordServer.service).toEqual({ stringValue: 'coordinator' });
    expect([userClient.startTimeUnixNano, userClient.endTimeUnixNano]).toEqual([nanos(0), nanos(120)]);
    expect([coordClient.startTimeUnixNano, coordClient.endTimeUnixNano]).toEqual([nanos(50), nanos(90)]);
    expect([run2.startTimeUnixNano, run2.endTimeUnixNano]).toEqual([nanos(51), nanos(89)]);
    expect([llm1.startTimeUnixNano, llm1.endTimeUnixNano]).toEqual([nanos(5), nanos(45)]);
    expect([phase.startTimeUnixNano, phase.endTimeUnixNano]).toEqual([nanos(2), nanos(5)]);

    expect(attr(coordClient, 'messaging.system')).toEqual({ stringValue: 'nats' });
    expect(attr(coordClient, 'messaging.destination.name')).toEqual({ stringValue: 'agents.request.specialist' });
    expect(attr(coordClient, 'switchboard.from_agent')).toEqual({ stringValue: 'coordinator' });
    expect(attr(coordClient, 'switchboard.to_agent')).toEqual({ stringValue: 'specialist' });
    expect(attr(coordClient, 'switchboard.message_type')).toEqual({ stringValue: 'request' });
    expect(attr(llm2, 'gen_ai.usage.input_tokens')).toEqual({ intValue: '60' });
    expect(attr(run1, 'switchboard.run.tokens')).toEqual({ intValue: '120' });
    expect(userClient.status).toBeUndefined();
  });

  it('marks timed-out and failed requests as errors and leaves JetStream calls out', () => {
    const all = spans(exportOtlp(exchange()));
    const timedOut = find(all, 'request agents.request.archivist', SPAN_KIND.client);
    expect(timedOut.status).toEqual({ code: STATUS_CODE.error, message: 'no reply before the trace ended' });
    expect(all.filter((s) => s.name === 'process agents.request.archivist')).toEqual([]);
    expect(all.some((s) => s.name.includes('$KV'))).toBe(false);
    expect(spans(exportOtlp(exchange(), { includeSystem: true })).some((s) => s.name === 'request $KV.switchboard_agents.specialist.i1')).toBe(true);

    const r = recorder();
    const failed = spans(
      exportOtlp([
        r.message(0, 'agents.request.b', { message_type: 'request', from_agent: 'a', to_agent: 'b', message_id: 'q1' }, '_INBOX_a.x.1'),
        r.event(1, 'llm.call', 'b', llmCall('gone', 'm', 1, [1, 1], 'HTTP 500')),
        r.message(2, '_INBOX_a.x.1', { message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: 'a1', in_reply_to: 'q1', metadata: { status: 'failed', error: 'model down' } }),
      ]),
    );
    expect(find(failed, 'request agents.request.b', SPAN_KIND.client).status).toEqual({ code: STATUS_CODE.error, message: 'model down' });
    expect(find(failed, 'process agents.request.b', SPAN_KIND.server).status).toEqual({ code: STATUS_CODE.error, message: 'model down' });
    const orphan = find(failed, 'chat m', SPAN_KIND.client);
    expect(orphan.parentSpanId).toBeUndefined(); // its run is not in the selection
    expect(orphan.status?.code).toBe(STATUS_CODE.error);
  });

  it('validateOtlp refuses what OTLP/JSON does not allow', () => {
    const good = exportOtlp(exchange());
    const broken = (edit: (span: Record<string, unknown>) => void) => {
      const copy = JSON.parse(JSON.stringify(good)) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
      edit(copy.resourceSpans[0]!.scopeSpans[0]!.spans[0]!);
      return validateOtlp(copy).ok;
    };
    expect(broken(() => undefined)).toBe(true);
    expect(broken((s) => (s['traceId'] = '0'.repeat(32)))).toBe(false);
    expect(broken((s) => (s['spanId'] = 'ABCDEF0123456789'))).toBe(false);
    expect(broken((s) => (s['kind'] = 'SPAN_KIND_CLIENT'))).toBe(false);
    expect(broken((s) => (s['startTimeUnixNano'] = 1735689600000000000))).toBe(false);
    expect(broken((s) => (s['endTimeUnixNano'] = '1'))).toBe(false);
    expect(broken((s) => (s['attributes'] = [{ key: 'n', value: { intValue: 5 } }]))).toBe(false);
    expect(broken((s) => (s['trace_id'] = s['traceId']))).toBe(false);
    const twice = JSON.parse(JSON.stringify(good)) as OtlpExport;
    twice.resourceSpans[0]!.scopeSpans[0]!.spans.push(twice.resourceSpans[0]!.scopeSpans[0]!.spans[0]!);
    expect(validateOtlp(twice)).toMatchObject({ ok: false, errors: [expect.stringMatching(/used twice/)] });
  });

  it('hashes ids deterministically to lowercase hex of the asked length', () => {
    expect(hashHex('u1', 32)).toMatch(/^[0-9a-f]{32}$/);
    expect(hashHex('u1', 16)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashHex('u1', 16)).toBe(hashHex('u1', 16));
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => hashHex(`span:client:q${i}`, 16)));
    expect(ids.size).toBe(10_000);
  });
});

function topology(spec: TopologyInput['spec']): Topology {
  return TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 'weather' }, spec });
}

const design = topology({
  agents: ['coordinator', 'specialist', 'finisher'].map((name) => ({ name, llm: 'offline' })),
  externalAgents: [{ name: 'archivist' }],
  edges: [
    { from: 'coordinator', to: 'specialist', kind: 'request' },
    { from: 'coordinator', to: 'finisher', kind: 'handoff' },
    { from: 'coordinator', to: 'specialist', kind: 'broadcast' },
    { from: 'finisher', to: 'archivist', kind: 'request' },
    { from: 'specialist', to: 'finisher', kind: 'direct' },
    { from: 'specialist', to: 'finisher', kind: 'subscribe', subject: 'metrics.>' },
  ],
});

describe('designed vs observed', () => {
  it('finds undeclared subjects and flows, unused edges and requests with no responder', () => {
    const r = recorder(exchange().length);
    const records = [
      ...exchange(),
      r.message(200, 'agents.request.coordinator', { message_type: 'request', from_agent: 'specialist', to_agent: 'coordinator', message_id: 'x1' }, '_INBOX_specialist.d.1'),
      r.message(201, '_INBOX_specialist.d.1', { message_type: 'response', from_agent: 'coordinator', to_agent: 'specialist', message_id: 'x2', in_reply_to: 'x1' }),
      r.message(202, 'agents.direct.coordinator', { message_type: 'direct', from_agent: 'finisher', to_agent: 'coordinator', message_id: 'x3', in_reply_to: 'h1' }),
      r.message(203, 'agents.response.coordinator.u1', { message_type: 'stream.end', from_agent: 'coordinator', to_agent: 'user', message_id: 'x4', in_reply_to: 'u1' }),
      r.raw(204, '$JS.API.STREAM.INFO.KV_switchboard_agents', '', '_INBOX_finisher.e.1'),
      r.raw(205, '_INBOX_finisher.e.1', '{}'),
      r.message(206, 'debug.dump', { message_type: 'direct', from_agent: 'finisher', to_agent: 'finisher', message_id: 'd2', content: 'again' }),
    ];
    const result = designedVsObserved(design, records);
    expect(result.undeclaredSubjects.map((u) => [u.subject, u.count, u.senders])).toEqual([
      ['debug.dump', 2, ['finisher']],
      ['agents.request.coordinator', 1, ['specialist']],
    ]);
    expect(result.undeclaredFlows.map((f) => [f.kind, f.from, f.to, f.count])).toEqual([
      ['direct', 'finisher', 'finisher', 2],
      ['request', 'specialist', 'coordinator', 1],
    ]);
    expect(result.unusedEdges.map((e) => `${e.edge.kind} ${e.edge.from}->${e.edge.to}`)).toEqual(['direct specialist->finisher', 'subscribe specialist->finisher']);
    expect(result.edges.map((e) => e.count)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(result.noResponder.map((n) => [n.pair.request.messageId, n.pair.status, n.targetSeen])).toEqual([['f1', 'timed_out', false]]);

    const text = formatDesignedVsObserved(result).join('\n');
    expect(text).toContain('Undeclared subjects: 2');
    expect(text).toContain('seq 18 finisher -> archivist on agents.request.archivist: no reply (trace ended; archivist never appeared on the bus)');
  });

  it('tells an addressee that never appeared from one that is alive but silent, and reports 503s', () => {
    const r = recorder();
    const result = designedVsObserved(design, [
      r.message(0, 'agents.request.specialist', { message_type: 'request', from_agent: 'coordinator', to_agent: 'specialist', message_id: 'q1' }, '_INBOX_coordinator.x.1'),
      r.message(1, 'agents.all', { message_type: 'heartbeat', from_agent: 'specialist', to_agent: null, message_id: 'hb' }),
      r.message(2, 'agents.request.archivist', { message_type: 'request', from_agent: 'finisher', to_agent: 'archivist', message_id: 'q2' }, '_INBOX_finisher.x.1'),
      r.raw(3, '_INBOX_finisher.x.1', '', null, { Status: ['503'], Description: ['No Responders'] }),
      r.raw(4, '$JS.API.INFO', '', '_INBOX_finisher.x.2'),
      r.event(40_000, 'ooda.phase', 'coordinator', {}),
    ]);
    expect(result.noResponder.map((n) => [n.pair.request.messageId, n.pair.status, n.pair.timedOutBy, n.targetSeen])).toEqual([
      ['q1', 'timed_out', 'timeout', true],
      ['q2', 'no_responders', null, false],
    ]);
    const text = formatDesignedVsObserved(result).join('\n');
    expect(text).toContain('no reply (timed out; specialist is on the bus)');
    expect(text).toContain('agents.request.archivist: no responders');
  });

  it('counts a subscribe edge as used when a message matches its pattern', () => {
    const r = recorder();
    const result = designedVsObserved(design, [r.raw(0, 'metrics.cpu.load', '0.5')]);
    expect(result.unusedEdges.map((e) => e.edge.kind)).not.toContain('subscribe');
    expect(result.undeclaredSubjects).toEqual([]);
  });
});

describe('summary', () => {
  it('counts subjects, agents, requests, latencies, timeouts, failures and LLM use', () => {
    const r = recorder(exchange().length);
    const extra = [
      r.message(300, 'agents.request.specialist', { message_type: 'request', from_agent: 'coordinator', to_agent: 'specialist', message_id: 'c3' }, '_INBOX_coordinator.b.2'),
      r.event(301, 'handler.failed', 'specialist', { messageId: 'c3', error: 'tool crashed' }),
      r.message(310, '_INBOX_coordinator.b.2', { message_type: 'response', from_agent: 'specialist', to_agent: 'coordinator', message_id: 's3', in_reply_to: 'c3', metadata: { status: 'failed', error: 'tool crashed' } }),
      r.event(311, 'budget.exceeded', 'coordinator', { runId: 'r9', budget: 'max_turns', limit: 3, used: 3 }),
    ];
    const summary = summarizeTrace([...exchange(), ...extra]);
    expect(summary).toMatchObject({ records: 23, messages: 14, events: 9, durationMs: 311 });
    // Latencies of answered and failed agent requests: 120, 40, 10 → nearest rank p50 40, p95 120.
    expect(summary.requests).toEqual({ total: 4, answered: 2, failed: 1, timedOut: 1, noResponders: 0, latency: { count: 3, p50: 40, p95: 120, max: 120 } });
    expect(summary.otherRequests).toBe(1);
    expect(summary.timedOut.map((p) => p.request.messageId)).toEqual(['f1']);
    expect(summary.failures.count).toBe(3);
    expect(summary.llm).toEqual({ calls: 2, failed: 0, inputTokens: 160, outputTokens: 35, latency: { count: 2, p50: 30, p95: 40, max: 40 } });
    expect(summary.runs).toEqual({ started: 2, completed: 2, failed: 0 });
    expect(summary.handoffChains).toEqual([['coordinator', 'finisher']]);
    expect(summary.subjects.find((s) => s.subject === '_INBOX_coordinator.>')?.count).toBe(2);
    expect(summary.agents.find((a) => a.agent === 'coordinator')).toEqual({ agent: 'coordinator', sent: 6, received: 3, events: 5 });

    const text = formatSummary(summary, { header: { format: 'switchboard.trace/v1', run: 'run-7', startedAt: '2025-01-01T00:00:00.000Z', topology: null }, designed: designedVsObserved(design, exchange()) });
    expect(text).toContain('Trace run-7 (started 2025-01-01T00:00:00.000Z): 23 records — 14 messages, 9 events — over 311 ms');
    expect(text).toContain('Requests: 4 (2 answered, 1 failed, 1 timed out, 0 no responders); latency p50 40 ms, p95 120 ms, max 120 ms');
    expect(text).toContain('timed out: seq 18 finisher -> archivist on agents.request.archivist (trace ended after 181 ms)');
    expect(text).toContain('LLM calls: 2 (0 failed); tokens 160 in, 35 out');
    expect(text).toContain('coordinator ran out of max_turns (3 of 3) in run r9');
    expect(text).toContain('Designed vs observed:');
    expect(text).toContain('Edges never used: 2');
  });

  it('groups per-message subjects', () => {
    expect(subjectGroup('_INBOX_a.x.1')).toBe('_INBOX_a.>');
    expect(subjectGroup('_INBOX.x.1')).toBe('_INBOX.>');
    expect(subjectGroup('agents.response.weather_bot.3f1c')).toBe('agents.response.weather_bot.*');
    expect(subjectGroup('$JS.ACK.KV_x.c.1.2.3.4.0')).toBe('$JS.ACK.KV_x.>');
    expect(subjectGroup('agents.request.weather_bot')).toBe('agents.request.weather_bot');
  });
});
