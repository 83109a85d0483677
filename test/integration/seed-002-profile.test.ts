// Seed 002 as a profile, on a real nats-server: the seed-002-ops template (with a second network
// specialist added) answers its example offline; a raw NATS client speaking only the guide's
// envelope gets an answer by capability, by name and on its replyTo; capability routing gives each
// task to exactly one of the two capable agents; an invalid envelope is recorded and skipped;
// status and discovery speak seed 002 and Switchboard's own discovery reads them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { Seed002MessageSchema, type Seed002MessageInput } from '../../agents/protocol/seed-002.js';
import { discoverAgents } from '../../agents/interop/discovery/discover.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { eventsNamed, runTemplate, type TemplateRun } from '../helpers/template-network.js';
import { until } from '../helpers/until.js';

let nats: TestServer;
let run: TemplateRun;
let client: NatsConnection;
const statuses: { subject: string; status: unknown }[] = [];

/** A task exactly as the guide writes one, from a client that knows nothing of Switchboard. */
const task = (text: string, extra: Partial<Seed002MessageInput> = {}): Seed002MessageInput => ({
  id: randomUUID(),
  timestamp: Date.now() / 1000,
  version: '1.0',
  type: 'task',
  source: { id: 'ops-cli', type: 'agent' },
  target: null,
  correlationId: null,
  context: { conversationId: 'incident-7', metadata: {} },
  payload: { content: { text } },
  routing: { priority: 5, capabilities: ['network'], timeout: 10_000 },
  ...extra,
});

const ask = async (subject: string, body: unknown) => {
  const reply = await client.request(subject, JSON.stringify(body), { timeout: 15_000 });
  return Seed002MessageSchema.parse(reply.json());
};

beforeAll(async () => {
  nats = await startTestServer();
  client = await connect({ ...nats.connection, name: 'ops-cli' });
  client.subscribe('agents.prod.status.*', {
    callback: (_e, msg) => {
      statuses.push({ subject: msg.subject, status: msg.json<{ payload: { content: { status?: unknown } } }>().payload.content.status });
    },
  });
  await client.flush();
  run = await runTemplate(nats.connection, 'seed-002-ops', {
    // A second agent having the `network` capability: capability routing must pick one of the two.
    change: (t) => {
      const net = t.spec.agents.find((a) => a.name === 'net_ops')!;
      t.spec.agents.push({ ...net, name: 'net_ops_2', script: { rules: [], fallback: 'net_ops_2: checked.' } });
    },
  });
}, 60_000);

afterAll(async () => {
  await run?.stop();
  await client?.close();
  await nats?.stop();
});

describe('seed-002 profile on the wire', () => {
  it('the template answers its example offline, routed by capability', async () => {
    const example = run.topology.metadata.example!;
    const reply = await run.user.request(example.to, example.input, { timeoutMs: 20_000 });
    expect(reply.metadata['status']).toBe('completed');
    expect(reply.content).toMatch(/^net_ops(_2)?: /);
    const database = await run.user.request('ops_desk', 'replication lag on the orders database', { timeoutMs: 20_000 });
    expect(database.content).toMatch(/^db_ops: /);
  });

  it('a raw client speaking only the guide’s envelope gets a result correlated to its task', async () => {
    const sent = task('DNS lookups fail for api.example.com');
    const result = await ask('agents.prod.task.network.any', sent);
    expect(result).toMatchObject({ type: 'result', correlationId: sent.id, target: 'ops-cli' });
    expect(['net_ops', 'net_ops_2']).toContain(result.source.id);
    expect(result.payload.content).toMatchObject({ text: expect.stringMatching(/^net_ops/) });
  });

  it('gives each capability task to exactly one of the two capable agents, never both', async () => {
    const ids = Array.from({ length: 12 }, (): string => randomUUID());
    const before = eventsNamed(run, 'message.received').length;
    const results = await Promise.all(ids.map((id) => ask('agents.prod.task.network.any', task('packet loss?', { id }))));
    expect(results.map((r) => r.correlationId)).toEqual(ids);
    const received = eventsNamed(run, 'message.received').slice(before).filter((e) => ids.includes(e.message.message_id));
    expect(received).toHaveLength(ids.length); // one receipt per task
    for (const id of ids) expect(received.filter((e) => e.message.message_id === id)).toHaveLength(1);
    expect(new Set(received.map((e) => e.agent))).toEqual(new Set(results.map((r) => r.source.id)));
    expect(received.every((e) => e.agent === 'net_ops' || e.agent === 'net_ops_2')).toBe(true);
  });

  it('a task addressed by name reaches that agent, whatever its task type', async () => {
    const result = await ask('agents.prod.task.diagnose.net_ops_2', task('is the VPN up?', { target: 'net_ops_2' }));
    expect(result.source.id).toBe('net_ops_2');
    expect(result.payload.content).toEqual({ text: 'net_ops_2: checked.' });
  });

  it('answers on replyTo when the task came without a reply inbox', async () => {
    const replyTo = 'agents.prod.result.ops-cli.network';
    const sub = client.subscribe(replyTo, { max: 1, timeout: 15_000 });
    const sent = task('latency spikes in eu-west', { replyTo });
    client.publish('agents.prod.task.network.any', JSON.stringify(sent));
    for await (const msg of sub) {
      expect(Seed002MessageSchema.parse(msg.json())).toMatchObject({ type: 'result', correlationId: sent.id });
    }
  });

  it('records an invalid envelope as message.invalid, answers it as failed, and keeps working', async () => {
    const before = eventsNamed(run, 'message.invalid').length;
    const reply = await client.request('agents.prod.task.database.any', JSON.stringify({ ...task('x'), type: 'shout' }), { timeout: 10_000 });
    const failed = Seed002MessageSchema.parse(reply.json());
    expect(failed.payload.content).toMatchObject({ error: expect.stringMatching(/invalid message: not a seed-002 message.*type/s) });
    const invalid = eventsNamed(run, 'message.invalid').slice(before);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ agent: 'db_ops', subject: 'agents.prod.task.database.any' });
    const next = await ask('agents.prod.task.database.any', task('locks?', { routing: { priority: 5, capabilities: ['database'] } }));
    expect(next.source.id).toBe('db_ops');
  });

  it('publishes status on start, and answers discovery so that Switchboard’s discovery lists every agent as seed-002', async () => {
    await until(() => ['ops_desk', 'net_ops', 'net_ops_2', 'db_ops'].every((a) => statuses.some((s) => s.subject === `agents.prod.status.${a}` && s.status === 'available')), 'every agent’s status');
    const inbox = createInbox();
    const answers: string[] = [];
    const sub = client.subscribe(inbox, {
      callback: (_e, msg) => {
        answers.push(Seed002MessageSchema.parse(msg.json()).source.id);
      },
    });
    const query = { ...task('who is there?'), type: 'query', routing: { priority: 5, capabilities: [] } };
    client.publish('agents.prod.discovery.requests', JSON.stringify(query), { reply: inbox });
    await until(() => answers.length >= 4, 'four discovery answers');
    sub.unsubscribe();
    expect(answers.sort()).toEqual(['db_ops', 'net_ops', 'net_ops_2', 'ops_desk']);
    const found = await discoverAgents(client, { waitMs: 800, seed002Envs: ['prod'] });
    const seed002 = found.filter((a) => a.protocol === 'seed-002');
    expect(seed002.map((a) => a.name).sort()).toEqual(expect.arrayContaining(['db_ops', 'net_ops', 'net_ops_2', 'ops_desk']));
    expect(seed002.find((a) => a.name === 'net_ops')).toMatchObject({ capabilities: ['network'], status: 'available' });
  });
});
