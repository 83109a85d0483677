// `switchboard trace FILE.ndjson` as a user runs it: a real process over NDJSON files on disk, with
// exit codes, stdout, stderr, -o, a bad line reported by number, and a large file streamed through.
// The built CLI runs (the integration project builds dist/ first: test/helpers/global-build.ts).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { parseMermaidSequence } from '../helpers/mermaid-sequence.js';
import { validateOtlp, type OtlpExport } from '../../agents/trace/otlp-schema.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import { eventRecord, messageRecord, type PayloadFields } from '../helpers/trace-events.js';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let tmp: string;

beforeAll(async () => {
  tmp = await makeTempDir('trace-cli');
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** Runs `switchboard trace ARGS` to completion. */
const switchboardTrace = (args: string[]) => runCli(['trace', ...args], { cwd: repoRoot, timeoutMs: 60_000 });

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const HEADER = { format: 'switchboard.trace/v1', run: 'run-42', startedAt: new Date(T0).toISOString(), topology: null };

/** Records of a request/reply exchange, a handoff and a request nobody answers. */
function exchange(): TraceRecord[] {
  let seq = 0;
  const message = (mono: number, subject: string, fields: Pick<AgentMessage, 'message_type' | 'from_agent' | 'to_agent' | 'message_id'> & Partial<AgentMessage>, reply: string | null = null): TraceRecord => {
    const m: AgentMessage = { content: '', metadata: {}, timestamp: new Date(T0 + mono).toISOString(), in_reply_to: null, priority: 2, ...fields };
    const payload = JSON.stringify(m);
    return { seq: ++seq, time: new Date(T0 + mono).toISOString(), mono, kind: 'message', subject, reply, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message: m } };
  };
  const event = <N extends RuntimeEventName>(mono: number, name: N, agent: string, fields: PayloadFields<N>): TraceRecord => eventRecord({ seq: ++seq, time: new Date(T0 + mono).toISOString(), mono }, name, agent, fields);
  return [
    message(0, 'agents.request.coordinator', { message_type: 'request', from_agent: 'user', to_agent: 'coordinator', message_id: 'u1', content: 'Weather in Paris?' }, '_INBOX_user.a.1'),
    event(1, 'run.started', 'coordinator', { runId: 'r1', message: { message_id: 'u1' } }),
    message(10, 'agents.request.specialist', { message_type: 'request', from_agent: 'coordinator', to_agent: 'specialist', message_id: 'c1', content: 'forecast; Paris' }, '_INBOX_coordinator.b.1'),
    message(30, '_INBOX_coordinator.b.1', { message_type: 'response', from_agent: 'specialist', to_agent: 'coordinator', message_id: 's1', in_reply_to: 'c1', content: 'Sunny' }),
    event(
      35,
      'llm.call',
      'coordinator',
      { runId: 'r1', turn: 1, provider: 'scripted', model: 'm', request: { model: 'm', system: '', messages: [], tools: [] }, response: { text: '', toolCalls: [], usage: { inputTokens: 11, outputTokens: 7 }, stopReason: 'stop', model: 'm' }, error: null, latencyMs: 5 },
    ),
    message(40, 'agents.direct.finisher', { message_type: 'handoff', from_agent: 'coordinator', to_agent: 'finisher', message_id: 'h1', content: 'write it up' }),
    event(49, 'run.completed', 'coordinator', { runId: 'r1', status: 'completed', reply: 'Sunny', error: null, turns: 1, tokens: 18 }),
    message(50, '_INBOX_user.a.1', { message_type: 'response', from_agent: 'coordinator', to_agent: 'user', message_id: 'c2', in_reply_to: 'u1', content: 'Sunny in Paris' }),
    message(60, 'agents.request.archivist', { message_type: 'request', from_agent: 'finisher', to_agent: 'archivist', message_id: 'f1', content: 'file it' }, '_INBOX_finisher.c.1'),
    message(70, 'debug.dump', { message_type: 'direct', from_agent: 'finisher', to_agent: 'finisher', message_id: 'd1', content: 'state' }),
  ];
}

const ndjson = (lines: unknown[]) => `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;

async function traceFile(name: string, lines: unknown[]): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, ndjson(lines));
  return file;
}

const TOPOLOGY = `apiVersion: switchboard.dev/v1
kind: Topology
metadata:
  name: weather
spec:
  agents:
    - { name: coordinator, llm: offline }
    - { name: specialist, llm: offline }
    - { name: finisher, llm: offline }
  externalAgents:
    - { name: archivist }
  edges:
    - { from: coordinator, to: specialist, kind: request }
    - { from: coordinator, to: finisher, kind: handoff }
    - { from: finisher, to: archivist, kind: request }
    - { from: specialist, to: finisher, kind: direct }
`;

describe('switchboard trace', () => {
  it('prints a summary (exit 0), with designed vs observed from --topology', async () => {
    const file = await traceFile('good.ndjson', [HEADER, ...exchange()]);
    const topology = path.join(tmp, 'weather.yaml');
    await writeFile(topology, TOPOLOGY);
    const out = await switchboardTrace([file, '--format', 'summary', '--topology', topology]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Trace run-42 (started 2025-01-01T00:00:00.000Z): 10 records — 7 messages, 3 events — over 70 ms');
    expect(out.stdout).toContain('Requests: 3 (2 answered, 0 failed, 1 timed out, 0 no responders); latency p50 20 ms, p95 50 ms, max 50 ms');
    expect(out.stdout).toContain('LLM calls: 1 (0 failed); tokens 11 in, 7 out');
    expect(out.stdout).toMatch(/Undeclared subjects: 1\n\s+debug\.dump {2}1 message from finisher/);
    expect(out.stdout).toMatch(/Edges never used: 1\n\s+direct specialist -> finisher/);
    expect(out.stdout).toMatch(/Requests with no responder: 1\n\s+seq 9 finisher -> archivist on agents\.request\.archivist/);
  });

  it('writes a Mermaid diagram with -o that parses back into the messages', async () => {
    const file = await traceFile('mermaid.ndjson', [HEADER, ...exchange()]);
    const target = path.join(tmp, 'out.mmd');
    const out = await switchboardTrace([file, '-f', 'mermaid', '-o', target]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`wrote ${target}`);
    expect(parseMermaidSequence(await readFile(target, 'utf8'))).toEqual([
      { from: 'user', to: 'coordinator', arrow: '->>', label: 'Weather in Paris?' },
      { from: 'coordinator', to: 'specialist', arrow: '->>', label: 'forecast; Paris' },
      { from: 'specialist', to: 'coordinator', arrow: '-->>', label: 'Sunny' },
      { from: 'coordinator', to: 'finisher', arrow: '-x', label: 'write it up' },
      { from: 'coordinator', to: 'user', arrow: '-->>', label: 'Sunny in Paris' },
      { from: 'finisher', to: 'archivist', arrow: '->>', label: 'file it' },
      { from: 'finisher', to: 'finisher', arrow: '-)', label: 'state' },
    ]);
  });

  it('prints OTLP/JSON on stdout that validates', async () => {
    const file = await traceFile('otlp.ndjson', [HEADER, ...exchange()]);
    const out = await switchboardTrace([file, '--format', 'otlp']);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as OtlpExport;
    const checked = validateOtlp(json);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    const names = json.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))).sort();
    expect(names).toEqual(
      [
        'chat m',
        'handoff agents.direct.finisher',
        'direct debug.dump',
        'ooda run',
        'process agents.request.coordinator',
        'process agents.request.specialist',
        'request agents.request.archivist',
        'request agents.request.coordinator',
        'request agents.request.specialist',
      ].sort(),
    );
  });

  it('reports bad lines by number, skips them, and exits 1', async () => {
    const records = exchange();
    const lines: unknown[] = [HEADER, ...records];
    lines.splice(3, 0, '{"seq": 3, "kind": "message", "subject": "truncated');
    lines.splice(6, 0, { seq: 99, time: 'x', mono: -1, kind: 'message' });
    lines.splice(8, 0, '');
    const file = await traceFile('bad.ndjson', lines);
    const out = await switchboardTrace([file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${file}:4: not JSON`);
    expect(out.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: not a trace record \\(mono: `));
    expect(out.stderr).toContain('invalid trace: 2 bad lines skipped, 10 records read.');
    expect(out.stdout).toContain('10 records');
  });

  it('refuses a file without a header (exit 1), an unreadable file and bad usage (exit 2)', async () => {
    const headless = await traceFile('headless.ndjson', exchange());
    const noHeader = await switchboardTrace([headless]);
    expect(noHeader.code).toBe(1);
    expect(noHeader.stderr).toContain(':1: invalid trace: a record where the header belongs');
    expect(noHeader.stdout).toBe('');

    const empty = await switchboardTrace([await traceFile('empty.ndjson', [])]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('empty: no switchboard.trace/v1 header line');

    const missing = await switchboardTrace([path.join(tmp, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    expect((await switchboardTrace([tmp])).code).toBe(2);

    const usage = await switchboardTrace([headless, '--format', 'png']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--format must be one of summary, mermaid, otlp');
    expect((await switchboardTrace([headless, '--format', 'otlp', '--topology', 'x.yaml'])).code).toBe(2);
    expect((await switchboardTrace(['--help'])).stdout).toContain('Usage: switchboard trace FILE.ndjson');
  });

  it('keeps what --infrastructure and --errors keep, as the Trace view filters them; bad values are usage errors', async () => {
    let seq = 0;
    const base = (mono: number) => ({ seq: ++seq, time: new Date(T0 + mono).toISOString(), mono });
    const agentMessage = (fields: Partial<AgentMessage>): AgentMessage => ({ message_type: 'request', from_agent: 'coordinator', to_agent: 'specialist', content: 'x', metadata: {}, timestamp: HEADER.startedAt, message_id: `m${seq + 1}`, in_reply_to: null, priority: 2, ...fields });
    const message = (mono: number, subject: string, m: AgentMessage, reply: string | null = null) => messageRecord(base(mono), subject, JSON.stringify(m), { reply, parsed: { ok: true, message: m } });
    const records: TraceRecord[] = [
      message(0, 'agents.request.specialist', agentMessage({}), '_INBOX_coordinator.q.1'), // 1: failed by its reply
      messageRecord(base(1), '$JS.API.STREAM.INFO.KV_registry', '', { reply: '_INBOX.js.1' }), // 2: infrastructure
      messageRecord(base(2), '_INBOX.js.1', '{"type":"io.nats.jetstream.api.v1.stream_info_response"}'), // 3: its reply, infrastructure too
      message(5, '_INBOX_coordinator.q.1', agentMessage({ message_type: 'response', from_agent: 'specialist', to_agent: 'coordinator', in_reply_to: 'm1', metadata: { status: 'failed', error: 'no forecast' } })), // 4
      eventRecord(base(6), 'handler.failed', 'specialist', { messageId: 'm1', error: 'no forecast' }), // 5
      message(7, 'agents.direct.finisher', agentMessage({ message_type: 'direct', to_agent: 'finisher' })), // 6
    ];
    const file = await traceFile('filters.ndjson', [HEADER, ...records]);
    const summary = async (...flags: string[]) => {
      const out = await switchboardTrace([file, ...flags]);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      return out.stdout.split('\n')[0];
    };
    expect(await summary()).toContain(': 6 records — 5 messages, 1 event —');
    expect(await summary('--infrastructure', 'show')).toContain(': 6 records — 5 messages, 1 event —');
    expect(await summary('--errors')).toContain(': 3 records — 2 messages, 1 event —'); // the request its failed reply marked, the reply, the event
    expect(await summary('--infrastructure', 'hide')).toContain(': 4 records — 3 messages, 1 event —');
    expect(await summary('--infrastructure', 'only')).toContain(': 2 records — 2 messages, 0 events —');
    expect(await summary('--infrastructure', 'only', '--errors')).toContain(': 0 records');
    const mermaid = path.join(tmp, 'errors.mmd');
    const written = await switchboardTrace([file, '--errors', '--format', 'mermaid', '-o', mermaid]);
    expect(written.stderr).toBe(`wrote ${mermaid} (mermaid of 3 of 6 records)\n`);
    expect(parseMermaidSequence(await readFile(mermaid, 'utf8')).map((m) => `${m.from} ${m.arrow} ${m.to}`)).toEqual(['coordinator ->> specialist', 'specialist --x coordinator']); // a failed reply

    const bad = await switchboardTrace([file, '--infrastructure', 'all']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--infrastructure must be one of show, hide, only (not "all")');
    expect(bad.stdout).toBe('');
    const valued = await switchboardTrace([file, '--errors=yes']);
    expect(valued.code).toBe(2);
    expect(valued.stderr).toContain("--errors' does not take an argument");
  });

  it('streams a large trace through', async () => {
    const file = path.join(tmp, 'large.ndjson');
    const lines: string[] = [JSON.stringify(HEADER)];
    const n = 25_000;
    for (let i = 0; i < n; i++) {
      const request: AgentMessage = { message_type: 'request', from_agent: 'a', to_agent: 'b', content: 'x'.repeat(40), metadata: {}, timestamp: HEADER.startedAt, message_id: `q${i}`, in_reply_to: null, priority: 2 };
      const reply: AgentMessage = { ...request, message_type: 'response', from_agent: 'b', to_agent: 'a', message_id: `a${i}`, in_reply_to: `q${i}` };
      for (const [k, m, subject, replyTo] of [
        [0, request, 'agents.request.b', `_INBOX_a.x.${i}`],
        [1, reply, `_INBOX_a.x.${i}`, null],
      ] as const) {
        const payload = JSON.stringify(m);
        lines.push(JSON.stringify({ seq: 2 * i + k + 1, time: HEADER.startedAt, mono: 2 * i + k, kind: 'message', subject, reply: replyTo, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message: m } }));
      }
    }
    await writeFile(file, `${lines.join('\n')}\n`);
    const out = await switchboardTrace([file]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`${2 * n} records`);
    expect(out.stdout).toContain(`Requests: ${n} (${n} answered, 0 failed, 0 timed out, 0 no responders); latency p50 1 ms, p95 1 ms`);
  });
});
