// Discovery on a real nats-server: seed-000 and seed-001 agents of our runtime (announcements and the
// registry bucket), a seed-002 status publisher that answers discovery requests, and a Synadia
// protocol agent built with the protocol's own agent SDK; agents that stop read offline or are gone;
// on a 3-node cluster each agent names the node it is connected to; a server without the registry
// bucket does not get one.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverAgents } from '../../agents/interop/discovery/discover.js';
import type { DiscoveredAgent } from '../../agents/protocol/discovered-agent.js';
import { profileFor, SEED_001_PROFILE } from '../../agents/protocol/subjects.js';
import { Agent } from '../../agents/runtime/agent.js';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { startTestCluster, startTestServer, type TestServer } from '../helpers/nats-server.js';
import { until } from '../helpers/until.js';

let nats: TestServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startTestServer();
  nc = await connect({ ...nats.connection, name: 'discovery-test' });
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

const find = (agents: DiscoveredAgent[], protocol: string, name: string) => agents.find((a) => a.protocol === protocol && a.name === name);

/** A seed-002 agent: status on `agents.test.status.{id}`, answers `agents.test.discovery.requests`. */
async function seed002Agent(id: string): Promise<{ publishStatus: (status: string) => void; stop: () => Promise<void> }> {
  const conn = await connect({ ...nats.connection, name: id });
  let current = 'online';
  const body = (status: string) => JSON.stringify({ id: `m-${Date.now()}`, timestamp: Date.now() / 1000, version: '1.0', type: 'event', source: { id, type: 'agent' }, payload: { content: { status, agent_type: 'worker', capabilities: ['analysis', 'processing'] } } });
  conn.subscribe('agents.test.discovery.requests', {
    callback: (_e, msg) => {
      const reply = JSON.parse(msg.string()) as { replyTo?: string };
      // NATS request/reply (the agents-cli test covers answers on the responses subject).
      conn.publish(msg.reply ?? reply.replyTo ?? 'agents.test.discovery.responses', body(current));
    },
  });
  await conn.flush();
  return {
    publishStatus: (status) => {
      current = status;
      conn.publish(`agents.test.status.${id}`, body(status));
    },
    stop: () => conn.close(),
  };
}

describe('discoverAgents', () => {
  it('lists seed-000, seed-001, seed-002 and Synadia agents with their protocol, capabilities or endpoints, and status; stopped ones read offline or are gone', async () => {
    const s0 = new Agent({ name: 'weather_bot', description: 'forecasts', capabilities: ['weather'], connection: nats.connection, heartbeatMs: 0 });
    const s1 = new Agent({ name: 'llm_agent', capabilities: ['generate_text'], profile: SEED_001_PROFILE, connection: nats.connection, heartbeatMs: 0 });
    await s0.start();
    await s1.start();
    const s2 = await seed002Agent('worker-001');
    const synNc = await connect({ ...nats.connection, name: 'synadia-agent' });
    const synadia = new AgentService({ nc: synNc, agent: 'echo', owner: 'tests', name: 'echo1', description: 'echoes', heartbeatIntervalS: 30 });
    synadia.onPrompt((envelope, response) => response.send(envelope.prompt));
    await synadia.start();
    try {
      const agents = await discoverAgents(nc, { waitMs: 600, seed002Envs: ['test'] });
      expect(find(agents, 'seed-000', 'weather_bot')).toMatchObject({ status: 'available', capabilities: ['weather'], description: 'forecasts', instances: 1, endpoints: [{ name: 'request', subject: 'agents.request.weather_bot' }] });
      expect(find(agents, 'seed-000', 'weather_bot')?.node).toBe(nc.info?.server_name); // the one server's name
      expect(find(agents, 'seed-001', 'llm_agent')?.endpoints).toEqual([{ name: 'request', subject: 'agent.llm_agent.task' }]);
      expect(find(agents, 'seed-002', 'worker-001')).toMatchObject({ status: 'available', capabilities: ['analysis', 'processing'], description: 'worker agent', endpoints: [{ name: 'control', subject: 'agents.test.control.worker-001' }] });
      const echo = find(agents, 'synadia', 'echo1');
      expect(echo).toMatchObject({ status: 'available', description: 'echoes', synadia: { agent: 'echo', owner: 'tests', name: 'echo1' }, instances: 1 });
      expect(echo?.endpoints.map((e) => e.subject)).toContain('agents.prompt.echo.tests.echo1');
      expect(echo?.lastSeen).not.toBeNull();

      // Status messages fold in as they come: a busy seed-002 agent reads busy.
      const busy = discoverAgents(nc, { waitMs: 600, seed002Envs: [] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      s2.publishStatus('busy');
      expect(find(await busy, 'seed-002', 'worker-001')?.status).toBe('busy');
    } finally {
      await s0.stop(200);
      await synadia.stop();
      await synNc.close();
      await s2.stop();
    }
    const after = await discoverAgents(nc, { waitMs: 400, seed002Envs: ['test'] });
    expect(find(after, 'seed-000', 'weather_bot')).toMatchObject({ status: 'offline', instances: 0 });
    expect(find(after, 'synadia', 'echo1')).toBeUndefined();
    expect(find(after, 'seed-002', 'worker-001')).toBeUndefined();
    await s1.stop(200);
  });

  it('on a 3-node cluster: each agent shows the node it is connected to, replicas on two nodes fold, a Synadia agent on another node answers', async () => {
    const cluster = await startTestCluster(3);
    const started: Agent[] = [];
    const conns: NatsConnection[] = [];
    try {
      await cluster.routed();
      const names: string[] = [];
      for (const node of cluster.nodes) {
        const c = await connect({ ...node.connection, name: 'probe' });
        names.push(c.info!.server_name);
        conns.push(c);
      }
      expect(new Set(names).size).toBe(3);
      // Announcements only (no JetStream here), beating fast so the window hears them.
      const on = (node: number, name: string) => new Agent({ name, capabilities: ['x'], connection: cluster.nodes[node]!.connection, heartbeatMs: 100, registryBucket: null });
      started.push(on(0, 'alpha'), on(1, 'beta'), on(1, 'gamma'), on(2, 'gamma'));
      await Promise.all(started.map((a) => a.start()));
      const synadia = new AgentService({ nc: conns[2]!, agent: 'echo', owner: 'tests', name: 'far', heartbeatIntervalS: 30 });
      synadia.onPrompt((envelope, response) => response.send(envelope.prompt));
      await synadia.start();
      // Interest crosses the routes asynchronously: on a loaded machine one window may miss a beat
      // from another node, so listen again (bounded) until every agent has been heard once.
      let agents: DiscoveredAgent[] = [];
      const heard = () => ['alpha', 'beta'].every((n) => find(agents, 'seed-000', n)) && find(agents, 'seed-000', 'gamma')?.instances === 2 && !!find(agents, 'synadia', 'far');
      await until(async () => ((agents = await discoverAgents(conns[0]!, { waitMs: 600 })), heard()), 'discovery to hear every agent of the cluster', 15_000);
      await synadia.stop();
      expect(find(agents, 'seed-000', 'alpha')?.node).toBe(names[0]);
      expect(find(agents, 'seed-000', 'beta')?.node).toBe(names[1]);
      expect(find(agents, 'seed-000', 'gamma')).toMatchObject({ instances: 2, node: [names[1], names[2]].sort().join(', ') });
      expect(find(agents, 'synadia', 'far')?.status).toBe('available');
    } finally {
      await Promise.all(started.map((a) => a.stop(200)));
      await Promise.all(conns.map((c) => c.close()));
      await cluster.stop();
    }
  });

  it("leaves out a run's clients (the app's sender, a protocol's client): they announce themselves, as agents do, but answer nothing", async () => {
    const seed002 = profileFor('seed-002', 'test')!;
    const started = [
      new Agent({ name: 'worker_bot', connection: nats.connection, heartbeatMs: 0, registryBucket: null }),
      new Agent({ name: 'switchboard_app', connection: nats.connection, heartbeatMs: 0, registryBucket: null, client: true }),
      new Agent({ name: 'planner', profile: seed002, connection: nats.connection, heartbeatMs: 0, registryBucket: null }),
      new Agent({ name: 'a2a_client', profile: seed002, connection: nats.connection, heartbeatMs: 0, registryBucket: null, client: true }),
    ];
    // They announce only when they start (no heartbeats, no registry): started while discovery listens.
    const listing = discoverAgents(nc, { waitMs: 800, seed002Envs: [], bucket: null });
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      for (const agent of started) await agent.start();
      const names = (await listing).map((a) => `${a.protocol}:${a.name}`).sort();
      expect(names).toEqual(['seed-000:worker_bot', 'seed-002:planner']);
    } finally {
      for (const agent of started) await agent.stop(0);
    }
  });

  it('reads the registry bucket only where it exists: discovery creates none', async () => {
    const bare = await startTestServer();
    const conn = await connect({ ...bare.connection, name: 'discovery-bare' });
    try {
      expect(await discoverAgents(conn, { waitMs: 300 })).toEqual([]);
      const jsm = await jetstreamManager(conn);
      const names: string[] = [];
      for await (const s of jsm.streams.list()) names.push(s.config.name);
      expect(names).toEqual([]);
    } finally {
      await conn.close();
      await bare.stop();
    }
  });
});
