/**
 * Replica counts on a real 3-node JetStream cluster (and a single server): the registry bucket and
 * blackboards a network creates, the topology's setting, and a bucket that exists with other settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { Agent } from '../../agents/runtime/agent.js';
import { CapabilityRegistry } from '../../agents/runtime/registry.js';
import { JetStreamBuckets } from '../../agents/runtime/jetstream-buckets.js';
import { DEFAULT_REGISTRY_BUCKET } from '../../agents/protocol/subjects.js';
import { startTestCluster, startTestServer, type TestCluster } from '../helpers/nats-server.js';

let cluster: TestCluster;
let nc: NatsConnection;

beforeAll(async () => {
  cluster = await startTestCluster(3, { jetstream: true });
  nc = await connect({ ...cluster.connection, name: 'jetstream-buckets-test' });
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
});

async function streamOf(bucket: string) {
  return (await jetstreamManager(nc)).streams.info(`KV_${bucket}`);
}

describe('on a 3-node JetStream cluster', () => {
  it('a network makes its registry bucket and blackboards with 3 replicas by default', async () => {
    const network = new AgentNetwork({ connection: cluster.connection, agents: [{ name: 'echo', handler: async (m) => m.content }], heartbeatMs: 0 });
    await network.start();
    try {
      const registry = await streamOf(DEFAULT_REGISTRY_BUCKET);
      expect(registry.config.num_replicas).toBe(3);
      expect(registry.cluster?.replicas ?? []).toHaveLength(2); // leader + 2 followers
      // Gets go to the leader (no direct get from a replica that may lag): a value written is read back.
      expect(registry.config.allow_direct).toBe(false);
      const board = await network.buckets.open(network.agents[0]!.connection, 'board_default', { history: 5 });
      await board.put('k', 'v');
      expect((await streamOf('board_default')).config.num_replicas).toBe(3);
    } finally {
      await network.stop();
    }
  });

  it('a network started on a registry bucket made with one replica raises it, and says so once through its warn', async () => {
    await new Kvm(nc).create('old_registry', { history: 1, replicas: 1 });
    const warnings: string[] = [];
    const agents = ['one', 'two'].map((name) => ({ name, handler: async () => 'ok' }));
    const network = new AgentNetwork({ connection: cluster.connection, agents, heartbeatMs: 0, registryBucket: 'old_registry', warn: (m) => warnings.push(m) });
    await network.start();
    try {
      expect((await streamOf('old_registry')).config.num_replicas).toBe(3);
      expect(warnings).toEqual([expect.stringMatching(/old_registry had 1 replica.*raised to 3/)]);
    } finally {
      await network.stop();
    }
  });

  it('takes the topology’s replica count', async () => {
    const buckets = new JetStreamBuckets({ replicas: 2 });
    await buckets.open(nc, 'board_two', { history: 5 });
    expect((await streamOf('board_two')).config.num_replicas).toBe(2);
  });

  it('uses a bucket made earlier with one replica and another history: raised to 3, data kept, said once', async () => {
    const old = await new Kvm(nc).create('board_old', { history: 3, replicas: 1 });
    await old.put('note', 'written by an older build');
    const warnings: string[] = [];
    const buckets = new JetStreamBuckets({ warn: (m) => warnings.push(m) });
    const other = await connect({ ...cluster.connection, name: 'jetstream-buckets-test-2' });
    try {
      const [a, b] = await Promise.all([buckets.open(nc, 'board_old', { history: 5 }), buckets.open(other, 'board_old', { history: 5 })]);
      expect((await a.get('note'))?.string()).toBe('written by an older build');
      await b.put('note', 'after');
      const info = await streamOf('board_old');
      expect(info.config.num_replicas).toBe(3);
      expect(info.config.max_msgs_per_subject).toBe(3); // kept as it was
      await buckets.open(nc, 'board_old', { history: 5 });
      expect(warnings).toHaveLength(2);
      expect(warnings.join('\n')).toMatch(/board_old had 1 replica.*raised to 3/);
      expect(warnings.join('\n')).toMatch(/board_old keeps 3 value\(s\) per key.*used as it is/);
    } finally {
      await other.close();
    }
  });

  it('keeps a bucket that has more replicas than configured, without a word', async () => {
    await new Kvm(nc).create('board_more', { history: 5, replicas: 3 });
    const warnings: string[] = [];
    await new JetStreamBuckets({ replicas: 1, warn: (m) => warnings.push(m) }).open(nc, 'board_more', { history: 5 });
    expect((await streamOf('board_more')).config.num_replicas).toBe(3);
    expect(warnings).toEqual([]);
  });

  it('steps down, with a warning, when the cluster cannot place the configured count', async () => {
    const warnings: string[] = [];
    await new JetStreamBuckets({ replicas: 5, warn: (m) => warnings.push(m) }).open(nc, 'board_five', { history: 5 });
    expect((await streamOf('board_five')).config.num_replicas).toBe(3);
    expect(warnings).toEqual([expect.stringMatching(/could not place 5 replicas; created with 3/)]);
  });

  // Last in this cluster's tests: it leaves the cluster without a majority.
  it('an agent started on the cluster once it lost its majority fails once, by one deadline, saying what is wrong', async () => {
    await Promise.all([cluster.nodes[1]!.kill(), cluster.nodes[2]!.kill()]);
    const warnings: string[] = [];
    const agent = new Agent({ name: 'late', connection: { ...cluster.connection, servers: [cluster.nodes[0]!.url] }, handler: async (m) => m.content, heartbeatMs: 0, buckets: new JetStreamBuckets({ warn: (m) => warnings.push(m) }) });
    const started = Date.now();
    await expect(agent.start()).rejects.toThrow(/(no node took the write|no answer opening bucket).*no leader.*are most of the cluster's nodes up\?/);
    console.log(`[jetstream-buckets] an agent start on a 3-node cluster with 2 nodes killed failed after ${Date.now() - started} ms (one deadline of 30 s; it was one per step, ~56 s)`);
    expect(warnings).toEqual([expect.stringMatching(/^JetStream: no answer yet .*trying again for up to \d+ s/)]);
  }, 50_000);
});

describe('on a 3-node cluster that does not advertise its nodes (no_advertise)', () => {
  it('asks for 3 replicas all the same: INFO names the cluster but lists no URLs', async () => {
    const quiet = await startTestCluster(3, { jetstream: true, clusterConfig: ['no_advertise: true'] });
    const client = await connect({ ...quiet.connection, servers: [quiet.nodes[0]!.url], name: 'jetstream-buckets-no-advertise' });
    try {
      expect(client.info?.cluster).toBeTruthy();
      expect(client.info?.connect_urls ?? []).toEqual([]);
      await new JetStreamBuckets().open(client, 'board_quiet', { history: 5 });
      expect((await (await jetstreamManager(client)).streams.info('KV_board_quiet')).config.num_replicas).toBe(3);
    } finally {
      await client.close();
      await quiet.stop();
    }
  }, 60_000);
});

describe('on a single server', () => {
  it('makes buckets with one replica, saying once that a configured count needs a cluster', async () => {
    const server = await startTestServer();
    const single = await connect({ ...server.connection, name: 'jetstream-buckets-single' });
    try {
      const warnings: string[] = [];
      const buckets = new JetStreamBuckets({ replicas: 3, warn: (m) => warnings.push(m) });
      await buckets.open(single, 'board_a', { history: 5 });
      await buckets.open(single, 'board_b', { history: 5 });
      const jsm = await jetstreamManager(single);
      expect((await jsm.streams.info('KV_board_a')).config.num_replicas).toBe(1);
      expect(warnings).toEqual([expect.stringMatching(/replicas is 3, but the NATS server is not clustered/)]);
    } finally {
      await single.close();
      await server.stop();
    }
  });
});

describe('on a server without JetStream', () => {
  it('an agent that registers in the KV registry fails at once, saying what to change', async () => {
    const server = await startTestServer({ jetstream: false });
    const network = new AgentNetwork({ connection: server.connection, agents: [{ name: 'echo', handler: async (m) => m.content }], heartbeatMs: 0 });
    try {
      await expect(network.start()).rejects.toThrow(/the NATS server has no JetStream, which the registry \(spec\.registry: kv\) needs: .*spec\.registry: announcements/);
      // Announcements only: the same agent starts on the same server.
      const announcing = new AgentNetwork({ connection: server.connection, agents: [{ name: 'echo', handler: async (m) => m.content }], heartbeatMs: 0, registryBucket: null });
      await announcing.start();
      await announcing.stop();
    } finally {
      await server.stop();
    }
  });
});

describe('the registry when its bucket cannot be opened', () => {
  it('says it follows announcements only (a cluster without a leader answers 503 until the retries end)', async () => {
    const server = await startTestServer();
    const connection = await connect({ ...server.connection, name: 'jetstream-buckets-registry' });
    // What JetStreamBuckets throws once its retries through an election are spent.
    const leaderless = { deadline: () => Date.now(), open: () => Promise.reject(new Error('JetStream system temporarily unavailable')) } as unknown as JetStreamBuckets;
    const warnings: string[] = [];
    const registry = new CapabilityRegistry({ connection, buckets: leaderless, heartbeatMs: 0, warn: (m) => warnings.push(m) });
    try {
      await registry.start();
      expect(warnings).toEqual(['registry: not following the JetStream bucket switchboard_agents (JetStream system temporarily unavailable); agents are known from their announcements only.']);
    } finally {
      await registry.stop();
      await connection.close();
      await server.stop();
    }
  });

  it('leaves a server without JetStream to the agents, which say what to change', async () => {
    const server = await startTestServer({ jetstream: false });
    const connection = await connect({ ...server.connection, name: 'jetstream-buckets-registry-nojs' });
    const warnings: string[] = [];
    const registry = new CapabilityRegistry({ connection, heartbeatMs: 0, warn: (m) => warnings.push(m) });
    try {
      await registry.start();
      expect(warnings).toEqual([]);
    } finally {
      await registry.stop();
      await connection.close();
      await server.stop();
    }
  });
});
