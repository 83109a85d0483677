// Seed 002 as a profile: envelope <-> AgentMessage both ways, subject templates with {env}, the
// request subscriptions (addressed and by capability), and the trace reading seed-002 traffic
// (parsePayload) so replies correlate by correlationId.
import { describe, expect, it } from 'vitest';
import { messageToSeed002, seed002ToMessage } from '../../agents/protocol/seed-002-envelope.js';
import { Seed002MessageSchema } from '../../agents/protocol/seed-002.js';
import { broadcastPattern, broadcastSubject, profileFor, requestListens, SEED_000_PROFILE, SEED_002_PROFILE } from '../../agents/protocol/subjects.js';
import { decodeReply, decodeRequest, encodeReply, encodeRequest, newMessage } from '../../agents/runtime/wire.js';
import { requestSubjectAgent } from '../../agents/trace/message-facts.js';
import { correlate } from '../../agents/trace/correlate.js';
import { parsePayload } from '../../main/host/trace/record-line.js';
import { TraceRecordSchema, type MessageRecord } from '../../agents/trace/record.js';
import { TopologySchema } from '../../agents/topology/schema.js';
import { validateTopology } from '../../agents/topology/validate.js';
import { loadTopology } from '../../agents/topology/load.js';
import { connectionSubject } from '../../renderer/src/design/model/subjects.js';
import { subjectAgent } from '../../renderer/src/live/overlays.js';
import { readFileSync } from 'node:fs';

// The guide's example message, as a third party writes it.
const guideTask = {
  id: 'task-1',
  timestamp: 1234567890.123,
  version: '1.0',
  type: 'task',
  source: { id: 'analyst-client', type: 'agent' },
  target: null,
  replyTo: 'agents.prod.result.analyst-client.analysis',
  correlationId: null,
  context: { conversationId: 'conv-9', metadata: { user: 'u1' } },
  payload: { content: { text: 'analyse the logs' } },
  routing: { priority: 5, capabilities: ['analysis'], timeout: 30000 },
};

describe('seed-002 envelope <-> AgentMessage', () => {
  it('reads the guide’s task as a request with its timeout, replyTo and conversation', () => {
    const decoded = decodeRequest('seed-002', JSON.stringify(guideTask), 'analyst');
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value).toMatchObject({
      message_type: 'request',
      from_agent: 'analyst-client',
      to_agent: 'analyst',
      content: 'analyse the logs',
      message_id: 'task-1',
      priority: 2,
      metadata: { user: 'u1', timeout_ms: 30000, reply_to: guideTask.replyTo, conversation_id: 'conv-9', capabilities: ['analysis'], seed002_type: 'task' },
    });
    expect(decoded.value.timestamp).toBe(new Date(1234567890123).toISOString());
  });

  it('answers with a result whose correlationId is the request’s id', () => {
    const decoded = decodeRequest('seed-002', JSON.stringify(guideTask), 'analyst');
    if (!decoded.ok) throw new Error(decoded.reason);
    const reply = newMessage({ message_type: 'response', from_agent: 'analyst', to_agent: 'analyst-client', content: 'all good', in_reply_to: decoded.value.message_id, metadata: { status: 'completed' } });
    const wire = Seed002MessageSchema.parse(JSON.parse(encodeReply('seed-002', reply)));
    expect(wire).toMatchObject({ type: 'result', correlationId: 'task-1', source: { id: 'analyst' }, target: 'analyst-client', payload: { content: { text: 'all good' } } });
    const back = decodeReply('seed-002', JSON.stringify(wire), decoded.value);
    expect(back).toMatchObject({ ok: true, value: { message_type: 'response', in_reply_to: 'task-1', content: 'all good' } });
  });

  it('carries a failure as {error} and reads it back as failed', () => {
    const reply = newMessage({ message_type: 'response', from_agent: 'a', to_agent: 'b', content: 'boom', in_reply_to: 'x', metadata: { status: 'failed', error: 'boom' } });
    const wire = JSON.parse(encodeReply('seed-002', reply)) as { payload: { content: unknown } };
    expect(wire.payload.content).toEqual({ error: 'boom' });
    const request = newMessage({ message_type: 'request', from_agent: 'b', to_agent: 'a', content: 'q' });
    expect(decodeReply('seed-002', JSON.stringify(wire), request)).toMatchObject({ ok: true, value: { metadata: { status: 'failed', error: 'boom' } } });
  });

  it('round-trips a request with its metadata, priority and timeout', () => {
    const request = newMessage({ message_type: 'request', from_agent: 'desk', to_agent: 'net', content: 'ping?', priority: 3, metadata: { timeout_ms: 5000, task_type: 'chat' } });
    const wire = JSON.parse(encodeRequest('seed-002', request)) as Record<string, unknown>;
    expect(wire).toMatchObject({ type: 'task', id: request.message_id, routing: { priority: 7, timeout: 5000 }, context: { metadata: { task_type: 'chat' } } });
    const back = decodeRequest('seed-002', JSON.stringify(wire), 'net');
    expect(back).toMatchObject({ ok: true, value: { ...request, metadata: { task_type: 'chat', timeout_ms: 5000, seed002_type: 'task' } } });
  });

  it('keeps presence readable: status and capabilities in the content, the type in context.metadata', () => {
    const agent = { name: 'net', description: 'd', capabilities: ['network'], tools: [], status: 'available', model: '', version: '1.0.0', registered_at: 't', last_heartbeat: 't' };
    const beat = newMessage({ message_type: 'heartbeat', from_agent: 'net', to_agent: null, content: 'net is alive', metadata: { agent, instance: 'r1', node: null } });
    const wire = messageToSeed002(beat);
    expect(wire).toMatchObject({ type: 'event', payload: { content: { agent_id: 'net', status: 'available', capabilities: ['network'], instance: 'r1' } }, context: { metadata: { message_type: 'heartbeat' } } });
    expect(seed002ToMessage(wire)).toMatchObject({ message_type: 'heartbeat', from_agent: 'net', metadata: { agent } });
  });

  it('describes an invalid envelope instead of throwing', () => {
    const decoded = decodeRequest('seed-002', JSON.stringify({ ...guideTask, source: undefined }), 'analyst');
    expect(decoded).toMatchObject({ ok: false });
    if (!decoded.ok) expect(decoded.reason).toMatch(/not a seed-002 message.*source/s);
    expect(decodeRequest('seed-002', 'not json', 'analyst')).toMatchObject({ ok: false });
  });
});

describe('seed-002 subjects', () => {
  it('fills {env} once; the other profiles come back unchanged', () => {
    const profile = profileFor('seed-002', 'prod')!;
    expect(profile).toMatchObject({ request: 'agents.prod.task.chat.{agent}', broadcast: 'agents.prod.status.{agent}', discovery: 'agents.prod.discovery.requests' });
    expect(profileFor('seed-000', 'prod')).toBe(SEED_000_PROFILE);
    expect(profileFor('nope', 'prod')).toBeUndefined();
    expect(() => profileFor('seed-002', 'a.b')).toThrow(/\{env\}/);
    expect(SEED_002_PROFILE.request).toContain('{env}');
  });

  it('subscribes to tasks addressed to the agent and to each capability in a queue group of its own', () => {
    const profile = profileFor('seed-002', 'dev')!;
    expect(requestListens(profile, 'net', ['network', 'dns'])).toEqual([
      ['agents.dev.task.*.net', 'net'],
      ['agents.dev.task.network.any', 'capability.network'],
      ['agents.dev.task.dns.any', 'capability.dns'],
    ]);
    expect(requestListens(SEED_000_PROFILE, 'net', ['network'])).toEqual([['agents.request.net', 'net']]);
    expect(broadcastSubject(profile, 'net')).toBe('agents.dev.status.net');
    expect(broadcastPattern(profile)).toBe('agents.dev.status.*');
    expect(broadcastPattern(SEED_000_PROFILE)).toBe('agents.all');
  });

  it('names the addressed agent of a task subject, and none for capability routing', () => {
    expect(requestSubjectAgent('agents.prod.task.chat.net')).toBe('net');
    expect(requestSubjectAgent('agents.prod.task.network.any')).toBeNull();
    expect(requestSubjectAgent('agents.request.net')).toBe('net');
  });
});

describe('the trace reads seed-002 traffic', () => {
  const record = (seq: number, subject: string, reply: string | null, body: unknown): MessageRecord => {
    const payload = JSON.stringify(body);
    const parsed = JSON.parse(parsePayload(payload).json) as unknown;
    return TraceRecordSchema.parse({ seq, time: new Date(seq).toISOString(), mono: seq, kind: 'message', subject, reply, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed }) as MessageRecord;
  };

  it('parses a task and its result as request and response, paired by correlationId', () => {
    const task = record(1, 'agents.prod.task.network.any', '_INBOX_x.1', guideTask);
    const result = record(2, '_INBOX_x.1', null, { ...guideTask, id: 'r-1', type: 'result', source: { id: 'net' }, target: 'analyst-client', replyTo: null, correlationId: 'task-1', payload: { content: { text: 'fine' } } });
    expect(task.parsed).toMatchObject({ ok: true, message: { message_type: 'request', message_id: 'task-1' } });
    expect(result.parsed).toMatchObject({ ok: true, message: { message_type: 'response', in_reply_to: 'task-1', from_agent: 'net' } });
    const { pairs } = correlate([task, result]);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ status: 'answered' });
  });

  it('records an invalid seed-002 message as not ok, with the reason', () => {
    const bad = record(1, 'agents.prod.task.network.any', null, { ...guideTask, type: 'shout' });
    expect(bad.parsed).toMatchObject({ ok: false });
    if (!bad.parsed.ok) expect(bad.parsed.reason).toMatch(/seed-002.*type/);
  });
});

describe('the trace pairs a task sent with replyTo and no inbox', () => {
  const record = (seq: number, subject: string, body: unknown): MessageRecord => {
    const payload = JSON.stringify(body);
    return TraceRecordSchema.parse({ seq, time: new Date(seq).toISOString(), mono: seq, kind: 'message', subject, reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: JSON.parse(parsePayload(payload).json) as unknown }) as MessageRecord;
  };
  const result = (id: string, correlationId: string) => ({ ...guideTask, id, type: 'result', source: { id: 'net' }, target: 'analyst-client', replyTo: null, correlationId, payload: { content: { text: `answer to ${correlationId}` } } });

  it('by correlationId, also when two tasks share the replyTo subject and are answered out of order', () => {
    const replyTo = guideTask.replyTo;
    const records = [
      record(1, 'agents.prod.task.network.any', { ...guideTask, id: 't-1' }),
      record(2, 'agents.prod.task.network.any', { ...guideTask, id: 't-2' }),
      record(3, replyTo, result('r-2', 't-2')),
      record(4, replyTo, result('r-1', 't-1')),
      record(5, 'agents.prod.result.other.network', result('r-x', 't-1')), // not where t-1 asked: no pair
    ];
    const { pairs } = correlate(records);
    expect(pairs.map((p) => [p.request.messageId, p.status, p.reply?.seq, p.replySubject])).toEqual([
      ['t-1', 'answered', 4, replyTo],
      ['t-2', 'answered', 3, replyTo],
    ]);
  });

  it('a task without replyTo and without inbox expects nothing', () => {
    const { pairs } = correlate([record(1, 'agents.prod.task.network.any', { ...guideTask, id: 't-3', replyTo: null })]);
    expect(pairs).toEqual([]);
  });
});

describe('seed-002 topology validation', () => {
  const problems = (agents: { name: string; capabilities?: string[] }[]) => {
    const topology = TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 't' }, spec: { profile: 'seed-002', llms: { offline: { provider: 'scripted' } }, agents: agents.map((a) => ({ llm: 'offline', ...a })) } });
    return validateTopology(topology).map((p) => `${p.severity} ${p.path.join('.')}: ${p.message}`);
  };
  it('refuses an agent named any, and warns of a capability that cannot be a subject token', () => {
    const found = problems([{ name: 'any' }, { name: 'net', capabilities: ['network ops', 'dns'] }]);
    expect(found).toEqual([
      expect.stringMatching(/^error spec\.agents\.0\.name: "any" is seed 002's capability-routing specificity/),
      expect.stringMatching(/^warning spec\.agents\.1\.capabilities\.0: "network ops" cannot be routed to/),
    ]);
  });
  it('accepts the same names under seed-000', () => {
    const topology = TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 't' }, spec: { llms: { offline: { provider: 'scripted' } }, agents: [{ name: 'any', llm: 'offline', capabilities: ['network ops'] }] } });
    expect(validateTopology(topology)).toEqual([]);
  });
});

describe('the canvas reads seed-002 subjects', () => {
  const ops = loadTopology(readFileSync('templates/seed-002-ops.yaml', 'utf8'), 'seed-002-ops.yaml').topology!;
  it('labels lines with the environment filled in, and finds the agent a task subject addresses', () => {
    expect(connectionSubject(ops, { kind: 'request', from: 'ops_desk', to: 'net_ops' })).toBe('agents.prod.task.chat.net_ops');
    expect(connectionSubject(ops, { kind: 'broadcast', from: 'ops_desk', to: 'net_ops' })).toBe('agents.prod.status.ops_desk');
    expect(subjectAgent(ops, 'agents.prod.task.chat.net_ops')).toBe('net_ops');
  });
});
