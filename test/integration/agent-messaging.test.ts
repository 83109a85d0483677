// Seed 000's flows between real agents on a real nats-server: presence and heartbeat, direct,
// request/reply, handoff, broadcast, replicas in a queue group, discovery of agents that only
// announce themselves, invalid messages, handler failures, no responders and timeouts; and the
// seed 001 profile.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { SEED_001_PROFILE } from '../../agents/protocol/subjects.js';
import { Agent, AgentRequestError, type AgentOptions, type MessageHandler } from '../../agents/runtime/agent.js';
import { RuntimeEventBus, type RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { CapabilityRegistry } from '../../agents/runtime/registry.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { until } from '../helpers/until.js';

let nats: TestServer;
const started: Agent[] = [];
const clients: NatsConnection[] = [];
const stoppers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  nats = await startTestServer();
});
afterAll(async () => {
  await nats.stop();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.stop(500)));
  for (const stop of stoppers.splice(0)) await stop();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

let counter = 0;
/** A unique agent name per test, so tests sharing the server never see each other's agents. */
const unique = (base: string) => `${base}_${++counter}`;

async function startAgent(options: Omit<AgentOptions, 'connection'>): Promise<Agent> {
  const agent = new Agent({ heartbeatMs: 0, ...options, connection: nats.connection });
  started.push(agent);
  await agent.start();
  return agent;
}

async function client(): Promise<NatsConnection> {
  const nc = await connect({ ...nats.connection, name: 'test-client' });
  clients.push(nc);
  return nc;
}

async function registry(options: Partial<ConstructorParameters<typeof CapabilityRegistry>[0]> = {}): Promise<CapabilityRegistry> {
  const reg = new CapabilityRegistry({ connection: await client(), ...options });
  await reg.start();
  stoppers.push(() => reg.stop());
  return reg;
}

/** Collects runtime events of one kind. */
function collect<E extends keyof RuntimeEvents>(events: RuntimeEventBus, name: E): RuntimeEvents[E][] {
  const seen: RuntimeEvents[E][] = [];
  events.on(name, (payload) => seen.push(payload));
  return seen;
}

const echo: MessageHandler = async (message) => `echo: ${message.content}`;

describe('presence and the registry', () => {
  it('registers, announces, heartbeats, and goes offline on stop', async () => {
    const reg = await registry({ heartbeatMs: 100 });
    const name = unique('weather_bot');
    const agent = await startAgent({ name, capabilities: ['weather_lookup'], description: 'Weather', handler: echo, heartbeatMs: 100 });
    await reg.waitFor((r) => r.get(name)?.status === 'available');
    expect(reg.lookup('weather_lookup')).toContainEqual({ agent: name, subject: `agents.request.${name}` });
    const seenAt = reg.get(name)!.instances[agent.instance]!;
    await until(() => (reg.get(name)?.instances[agent.instance] ?? 0) > seenAt); // a heartbeat arrived

    await agent.stop();
    await reg.waitFor((r) => r.get(name)?.status === 'offline');
    expect(reg.lookup('weather_lookup').map((e) => e.agent)).not.toContain(name);
  });

  it('finds an agent written with another client that only announces itself, and marks it offline when it goes silent', async () => {
    const reg = await registry({ heartbeatMs: 50, missedBeats: 3, bucket: null });
    const nc = await client();
    const now = new Date().toISOString();
    const announcement = newMessage({
      message_type: 'announcement',
      from_agent: 'py_agent',
      to_agent: null,
      content: 'hello',
      metadata: { agent: { name: 'py_agent', capabilities: ['translation'], status: 'available', registered_at: now, last_heartbeat: now } },
    });
    nc.publish('agents.all', JSON.stringify(announcement));
    await reg.waitFor((r) => r.get('py_agent')?.status === 'available');
    expect(reg.get('py_agent')).toMatchObject({ source: 'announcement', capabilities: ['translation'], requestSubject: 'agents.request.py_agent' });
    // It never beats again: after three missed beats it is gone.
    await reg.waitFor((r) => r.get('py_agent')?.status === 'offline', 2000);
  });

  it("does not learn a run's client (another process's sender): it announces itself but is no peer", async () => {
    const reg = await registry({ heartbeatMs: 0, bucket: null });
    const nc = await client();
    const now = new Date().toISOString();
    for (const [name, extra] of [['switchboard_cli', { client: true }], ['ts_agent', {}]] as const) {
      const metadata = { agent: { name, capabilities: [], status: 'available', registered_at: now, last_heartbeat: now }, ...extra };
      nc.publish('agents.all', JSON.stringify(newMessage({ message_type: 'announcement', from_agent: name, to_agent: null, content: 'hello', metadata })));
    }
    await reg.waitFor((r) => r.get('ts_agent')?.status === 'available');
    expect(reg.get('switchboard_cli')).toBeUndefined();
    expect(reg.describe()).not.toContain('switchboard_cli');
  });
});

describe('seed 000 flows', () => {
  it('request/reply answers with a response that points at the request', async () => {
    const b = await startAgent({ name: unique('b'), handler: echo });
    const a = await startAgent({ name: unique('a') });
    const reply = await a.request(b.name, 'status?');
    expect(reply).toMatchObject({ message_type: 'response', from_agent: b.name, to_agent: a.name, content: 'echo: status?' });
    expect(reply.metadata['status']).toBe('completed');
    expect(reply.in_reply_to).toBeTruthy();
  });

  it('direct is fire-and-forget, and the receiver reports back on the sender’s direct subject', async () => {
    const got: AgentMessage[] = [];
    const b = await startAgent({ name: unique('b'), handler: async (m) => `done: ${m.content}` });
    const a = await startAgent({ name: unique('a'), handler: async (m) => void got.push(m) });
    const sent = await a.send(b.name, 'do this task');
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({ message_type: 'direct', from_agent: b.name, content: 'done: do this task', in_reply_to: sent.message_id });
  });

  it('handoff arrives at high priority, with a tracking copy on agents.handoff.{from}.to.{to}', async () => {
    const got: AgentMessage[] = [];
    const b = await startAgent({ name: unique('spec'), handler: async (m) => void got.push(m) });
    const a = await startAgent({ name: unique('coord') });
    const tracked: AgentMessage[] = [];
    const watcher = await client();
    watcher.subscribe(`agents.handoff.${a.name}.to.${b.name}`, { callback: (_e, msg) => void tracked.push(msg.json()) });
    await watcher.flush(); // the server has the subscription before the handoff is sent
    const sent = await a.handoff(b.name, 'take over', { ticket: 7 });
    await until(() => got.length === 1 && tracked.length === 1);
    expect(got[0]).toMatchObject({ message_type: 'handoff', priority: 3, content: 'take over', metadata: { ticket: 7 } });
    expect(tracked[0]!.message_id).toBe(sent.message_id);
  });

  it('broadcast reaches every other agent, not the sender', async () => {
    const heard = new Map<string, string[]>();
    const listener = (name: string): MessageHandler => async (m) => void heard.set(name, [...(heard.get(name) ?? []), m.content]);
    const names = [unique('x'), unique('y'), unique('z')];
    const agents = await Promise.all(names.map((name) => startAgent({ name, handler: listener(name) })));
    await agents[0]!.broadcast('all hands');
    await until(() => (heard.get(names[1]!)?.length ?? 0) === 1 && (heard.get(names[2]!)?.length ?? 0) === 1);
    expect(heard.get(names[0]!)).toBeUndefined();
  });

  it('replicas share requests through a queue group: each request handled exactly once', async () => {
    const name = unique('worker');
    const handledBy = new Map<string, number>();
    const replicas = await Promise.all(
      ['r1', 'r2', 'r3'].map((instance) =>
        startAgent({ name, instance, handler: async () => (handledBy.set(instance, (handledBy.get(instance) ?? 0) + 1), instance) }),
      ),
    );
    const caller = await startAgent({ name: unique('caller') });
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => caller.request(name, `job ${i}`)));
    expect(replies).toHaveLength(60);
    const total = [...handledBy.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(60);
    // The queue group spreads work: with 60 requests every replica gets some.
    for (const r of replicas) expect(handledBy.get(r.instance) ?? 0).toBeGreaterThan(0);
  });
});

describe('failures', () => {
  it('records and skips an invalid message, answers it as failed, and keeps serving', async () => {
    const events = new RuntimeEventBus();
    const invalid = collect(events, 'message.invalid');
    const b = await startAgent({ name: unique('b'), handler: echo, events });
    const nc = await client();
    const raw = await nc.request(`agents.request.${b.name}`, '{"hello": "not an AgentMessage"}', { timeout: 2000 });
    expect(raw.json<AgentMessage>().metadata).toMatchObject({ status: 'failed', error_code: 'invalid_message' });
    const notJson = await nc.request(`agents.request.${b.name}`, 'garbage', { timeout: 2000 });
    expect(notJson.json<AgentMessage>().metadata['error']).toMatch(/not JSON/);
    expect(invalid.map((e) => e.reason)).toEqual([expect.stringMatching(/not a valid message/), expect.stringMatching(/not JSON/)]);
    expect(invalid[0]!.preview).toContain('not an AgentMessage');

    const a = await startAgent({ name: unique('a') });
    expect((await a.request(b.name, 'still there?')).content).toBe('echo: still there?');
  });

  it('answers a handler error with a failed reply and keeps serving', async () => {
    const events = new RuntimeEventBus();
    const failures = collect(events, 'handler.failed');
    let calls = 0;
    const b = await startAgent({
      name: unique('flaky'),
      events,
      handler: async (m) => {
        if (++calls === 1) throw new Error('tool crashed');
        return `ok: ${m.content}`;
      },
    });
    const a = await startAgent({ name: unique('a') });
    const error = await a.request(b.name, 'first').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentRequestError);
    expect(error).toMatchObject({ code: 'failed', message: expect.stringContaining('tool crashed') });
    expect((error as AgentRequestError).reply?.metadata).toMatchObject({ status: 'failed', error_code: 'handler_error' });
    expect(failures).toHaveLength(1);
    expect((await a.request(b.name, 'second')).content).toBe('ok: second');
  });

  it('reports no responders at once, and a timeout after the timeout', async () => {
    const a = await startAgent({ name: unique('a') });
    await expect(a.request('nobody_home', 'hi')).rejects.toMatchObject({ code: 'no_responders' });
    let answer = (_text: string) => {};
    const slow = await startAgent({ name: unique('slow'), handler: () => new Promise<string>((r) => (answer = r)) });
    await expect(a.request(slow.name, 'hi', { timeoutMs: 100 })).rejects.toMatchObject({ code: 'timeout' });
    answer('late'); // only now: the handler answers after the request gave up
  });
});

describe('the seed 001 profile', () => {
  it('serves agent.{name}.task with TaskRequest/TaskResponse', async () => {
    const b = await startAgent({ name: unique('llm_agent'), profile: SEED_001_PROFILE, handler: async (m) => `story about ${m.content}` });
    const nc = await client();
    const reply = await nc.request(
      `agent.${b.name}.task`,
      JSON.stringify({ task_id: 't-1', task_type: 'generate_text', payload: { prompt: 'an AI agent', max_tokens: 200 }, priority: 'normal' }),
      { timeout: 2000 },
    );
    expect(reply.json()).toEqual({ task_id: 't-1', status: 'completed', result: { content: 'story about an AI agent', from_agent: b.name }, error: null });

    const a = await startAgent({ name: unique('orchestrator'), profile: SEED_001_PROFILE });
    const answer = await a.request(b.name, 'a robot');
    expect(answer).toMatchObject({ message_type: 'response', content: 'story about a robot', metadata: { status: 'completed' } });
  });

  it('answers an invalid TaskRequest with a failed TaskResponse', async () => {
    const b = await startAgent({ name: unique('llm_agent'), profile: SEED_001_PROFILE, handler: echo });
    const nc = await client();
    const reply = await nc.request(`agent.${b.name}.task`, JSON.stringify({ task_type: 'x' }), { timeout: 2000 });
    expect(reply.json()).toMatchObject({ status: 'failed', error: expect.stringContaining('task_id') });
  });
});
