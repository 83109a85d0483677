// The tests' own nats-server launcher: random ports from the ports file, ready on /healthz, the
// per-launch nkey enforced, restart on the same port, and a 3-node cluster on loopback that carries
// messages between nodes and heals after a node is killed and restarted.
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCluster, startTestServer, type TestCluster, type TestServer } from '../helpers/nats-server.js';

const running: (TestServer | TestCluster)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

describe('startTestServer', () => {
  it('starts on a random port with its nkey user, and comes back on the same port after a crash', async () => {
    const server = await startTestServer();
    running.push(server);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect((await fetch(`${server.monitorUrl}/healthz`)).ok).toBe(true);
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/Authorization Violation/i);

    const nc = await connect({ ...server.connection, reconnectTimeWait: 50, maxReconnectAttempts: -1 });
    const reconnected = (async () => {
      for await (const status of nc.status()) if (status.type === 'reconnect') return status.server;
    })();
    const pid = server.pid;
    await server.kill();
    expect(server.running).toBe(false);
    await server.restart();
    expect(server.running).toBe(true);
    expect(server.pid).not.toBe(pid);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(await reconnected).toContain(`127.0.0.1:${server.port}`); // the same address again
    await nc.flush();
    await nc.close();
  });

  it('takes extra config lines and fails with the reason on a bad one', async () => {
    const open = await startTestServer({ nkey: false, jetstream: false, config: ['max_payload: 2048'] });
    running.push(open);
    const nc = await connect({ servers: open.url });
    expect(nc.info?.max_payload).toBe(2048);
    await nc.close();
    await expect(startTestServer({ config: ['this is not { valid'] })).rejects.toThrow(/exited before it was ready[\s\S]*\S/);
  });
});

describe('startTestCluster', () => {
  it('routes 3 nodes on loopback, and heals after a node is killed and restarted', async () => {
    const cluster = await startTestCluster(3);
    running.push(cluster);
    const [a, b, c] = cluster.nodes;
    const pub = await connect({ ...cluster.connection, servers: a!.url });
    const sub = await connect({ ...cluster.connection, servers: c!.url });
    const got = sub.subscribe('across', { max: 1 });
    await sub.flush();
    await cluster.routed(); // interest propagates over the routes
    pub.publish('across', 'hello');
    for await (const m of got) expect(m.string()).toBe('hello');

    await b!.kill();
    await cluster.routed(); // the two left still route to each other
    await b!.restart();
    await cluster.routed();
    const routez = (await (await fetch(`${b!.monitorUrl}/routez`)).json()) as { num_routes: number };
    expect(routez.num_routes).toBeGreaterThanOrEqual(2);
    await pub.close();
    await sub.close();
  });

  it('runs clustered JetStream when asked: a KV bucket written on one node reads on another', async () => {
    const cluster = await startTestCluster(3, { jetstream: true });
    running.push(cluster);
    const a = await connect({ ...cluster.connection, servers: cluster.nodes[0]!.url });
    const c = await connect({ ...cluster.connection, servers: cluster.nodes[2]!.url });
    const kv = await new Kvm(a).create('launcher', { replicas: 3 });
    await kv.put('k', 'v');
    expect((await (await new Kvm(c).open('launcher')).get('k'))?.string()).toBe('v');
    await a.close();
    await c.close();
  });
});
