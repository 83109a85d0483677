// A seed-002 topology's exported nats-server config on a real nats-server: agents logging in with
// their own nkeys ask by name and by capability along the request edge, publish their status and
// answer discovery and replyTo results; what the edges do not allow (asking without an edge,
// publishing another agent's status, taking another agent's tasks, an agent probing discovery) is refused.
import { createInbox } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFor } from '../../agents/protocol/subjects.js';
import { Agent } from '../../agents/runtime/agent.js';
import { answerSeed002Discovery } from '../../agents/runtime/seed-002-discovery.js';
import { refusal, startConfServer, subscribeVerdict, topology, violations, type ConfServer } from '../helpers/nats-conf-server.js';
import { until } from '../helpers/until.js';

const spec = topology({
  profile: 'seed-002',
  environment: 'prod',
  registry: 'announcements',
  agents: [
    { name: 'desk', llm: 'offline' },
    { name: 'net', llm: 'offline', capabilities: ['network'] },
    { name: 'bystander', llm: 'offline' },
  ],
  edges: [{ from: 'desk', to: 'net', kind: 'request' }],
});
const profile = profileFor('seed-002', 'prod')!;

let server: ConfServer;
const started: Agent[] = [];
const undo: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startConfServer(spec);
  for (const agent of spec.spec.agents) {
    const running = new Agent({
      name: agent.name,
      capabilities: agent.capabilities,
      profile,
      connection: await server.login(agent.name),
      registryBucket: null,
      heartbeatMs: 0,
      handler: async (m) => `${agent.name} did: ${m.content}`,
    });
    started.push(running);
    await running.start();
    undo.push(answerSeed002Discovery(running, profile.discovery!));
  }
}, 30_000);

afterAll(async () => {
  for (const step of undo) await step();
  await Promise.all(started.map((a) => a.stop(500)));
  await server?.stop();
});

describe('a seed-002 topology exported with least privilege', () => {
  it('carries the request edge by name and by capability, and refuses asks without an edge', async () => {
    const [desk, , bystander] = started;
    expect((await desk!.request('net', 'trace route', { timeoutMs: 5000 })).content).toBe('net did: trace route');
    const byCapability = await desk!.request('@network', 'check dns', { timeoutMs: 5000 });
    expect(byCapability).toMatchObject({ from_agent: 'net', content: 'net did: check dns' });
    expect((await refusal(bystander!.request('net', 'x', { timeoutMs: 5000 }))).message).toMatch(/Publish to "agents\.prod\.task\.chat\.net"/);
    expect((await refusal(bystander!.request('@network', 'x', { timeoutMs: 5000 }))).message).toMatch(/Publish to "agents\.prod\.task\.network\.any"/);
  });

  it('lets an agent publish only its own status, and take only its own and its capabilities’ tasks', async () => {
    const nc = await server.connectAs('bystander');
    const seen = violations(nc);
    nc.publish('agents.prod.status.bystander', '{}'); // its own: allowed
    nc.publish('agents.prod.status.net', '{}'); // another's: refused
    await nc.flush();
    await until(() => seen.length > 0, 'the refusal');
    expect(seen.map((v) => [v.operation, v.subject])).toEqual([['publish', 'agents.prod.status.net']]);
    expect((await subscribeVerdict(nc, 'agents.prod.task.network.any')).refused).toMatchObject({ operation: 'subscription' });
    expect((await subscribeVerdict(nc, 'agents.prod.task.*.net')).refused).toMatchObject({ operation: 'subscription' });
    expect((await subscribeVerdict(nc, 'agents.prod.task.*.bystander')).refused).toBeNull();
    expect((await subscribeVerdict(nc, 'agents.prod.status.*')).refused).toBeNull();
  });

  it('lets the observer ask who is there, every agent answer on its inbox, and no agent ask', async () => {
    const observer = await server.connectAs('switchboard');
    const inbox = createInbox('_INBOX_switchboard');
    const answers: string[] = [];
    observer.subscribe(inbox, {
      callback: (_e, msg) => {
        answers.push(msg.json<{ source: { id: string } }>().source.id);
      },
    });
    const query = { id: 'q-1', timestamp: Date.now() / 1000, type: 'query', source: { id: 'switchboard' }, payload: { content: { query: 'discover' } } };
    observer.publish('agents.prod.discovery.requests', JSON.stringify(query), { reply: inbox });
    await until(() => answers.length === 3, 'three answers');
    expect(answers.sort()).toEqual(['bystander', 'desk', 'net']);
    const net = await server.connectAs('net');
    const seen = violations(net);
    net.publish('agents.prod.discovery.requests', '{}');
    await net.flush();
    await until(() => seen.length > 0, 'the refusal');
    expect(seen[0]).toMatchObject({ operation: 'publish', subject: 'agents.prod.discovery.requests' });
  });
});
