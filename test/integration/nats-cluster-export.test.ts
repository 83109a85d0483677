// `switchboard export --cluster 3` on real nats-servers: every node file passes `nats-server -t`;
// the three nodes started from the exported folder as is (loopback ports chosen with the export's
// own flags) route to each other with the exported route credentials and refuse a wrong password;
// agents logging in with the exported nkeys on different nodes answer a request across the
// cluster, the least-privilege permissions still hold, and a KV bucket is created with 3 replicas.
// The compose export is checked for shape and `nats-server -t` of what it mounts (no docker here).
import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agents/runtime/agent.js';
import { askUntilAnswered } from '../helpers/ask.js';
import { runCli } from '../helpers/cli.js';
import { natsServerBinary } from '../helpers/nats-binary.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { accepts, freePort } from '../helpers/ports.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const TOPOLOGY = `apiVersion: switchboard.dev/v1
kind: Topology
metadata:
  name: cluster export
spec:
  registry: kv
  llms:
    offline: { provider: scripted }
  agents:
    - { name: asker, llm: offline, blackboards: [board] }
    - { name: answerer, llm: offline }
  blackboards:
    - { name: board }
  edges:
    - { from: asker, to: answerer, kind: request }
`;
const NODES = ['nats-1', 'nats-2', 'nats-3'];

/** `nats-server -t -c file`: its verdict. */
function checkConfig(file: string): { status: number | null; output: string } {
  const check = spawnSync(natsServerBinary(), ['-t', '-c', file], { encoding: 'utf8' });
  return { status: check.status, output: check.stderr + check.stdout };
}

/**
 * A first port of `count` consecutive ones that were free a moment ago: routes need ports known
 * before the servers start (the client and monitoring ports are -1, picked by each server).
 */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    if (first + count > 65535) continue;
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => accepts(first + i + 1)));
    if (rest.every((busy) => !busy) && (await Promise.all(rest.map((_, i) => canBind(first + i + 1)))).every(Boolean)) return first;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** What a node's route port answers a route that logs in with `password`. */
function routeLogin(port: number, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let seen = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer from the route port: ${seen}`))), 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.startsWith('INFO') && !seen.includes('CONNECT_SENT')) {
        seen += 'CONNECT_SENT\n';
        socket.write(`CONNECT {"verbose":false,"pedantic":false,"user":"route","pass":${JSON.stringify(password)},"name":"intruder"}\r\nPING\r\n`);
      }
      if (/-ERR|PONG/.test(seen)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(seen);
      }
    });
    socket.once('error', (error) => (clearTimeout(timer), reject(error)));
  });
}

/** Distinct servers a node routes to, from its `/routez`. */
async function routedTo(server: TestServer): Promise<number> {
  const response = await fetch(`${server.monitorUrl}/routez`).catch(() => null);
  if (!response?.ok) return 0;
  const routez = (await response.json()) as { routes?: { remote_id: string }[] };
  return new Set((routez.routes ?? []).map((r) => r.remote_id)).size;
}

describe('export --format nats-conf --cluster 3, run on loopback', () => {
  let dir: string;
  let out: string;
  let clusterPort: number;
  const servers: TestServer[] = [];
  const agents: Agent[] = [];
  const clients: NatsConnection[] = [];

  /** Logs in as `user` with its exported seed, on node `node` first (the others listed after it). */
  const login = async (user: string, node: number): Promise<NodeConnectionOptions> => {
    const seed = (await readFile(path.join(out, `${user}.nk`), 'utf8')).trim();
    const urls = [...servers.slice(node), ...servers.slice(0, node)].map((s) => s.url);
    return { servers: urls, noRandomize: true, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) };
  };
  const connectAs = async (user: string, node: number) => {
    const nc = await connect({ ...(await login(user, node)), inboxPrefix: `_INBOX_${user}`, name: `test-${user}` });
    clients.push(nc);
    return nc;
  };

  beforeAll(async () => {
    dir = await makeTempDir('cluster-export');
    out = path.join(dir, 'cluster');
    const file = path.join(dir, 'team.yaml');
    await writeFile(file, TOPOLOGY);
    clusterPort = await freePortRun(NODES.length);
    const exported = await runCli([
      'export', file, '--format', 'nats-conf', '--cluster', '3', '-o', out,
      '--host', '127.0.0.1', '--port=-1', '--monitor-port=-1', '--cluster-port', String(clusterPort), '--store-dir', path.join(dir, 'jetstream'),
    ]);
    expect(exported.stderr).toContain('(secret, 0600)');
    expect(exported.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop(500)));
    await Promise.all(clients.map((nc) => nc.close().catch(() => undefined)));
    await Promise.all(servers.map((s) => s.stop()));
    if (dir) await removeTempDir(dir);
  });

  it('writes a config per node, the shared users file and the secrets (0600)', async () => {
    for (const node of NODES) expect((await stat(path.join(out, `${node}.conf`))).mode & 0o777).toBe(0o644);
    expect((await stat(path.join(out, 'nats-users.conf'))).mode & 0o777).toBe(0o644);
    for (const secret of ['nats-routes.conf', 'asker.nk', 'answerer.nk', 'switchboard.nk']) expect((await stat(path.join(out, secret))).mode & 0o777).toBe(0o600);
  });

  it('passes nats-server -t on every node file', () => {
    for (const node of NODES) {
      const check = checkConfig(path.join(out, `${node}.conf`));
      expect(check.output).toMatch(/valid/);
      expect(check.status).toBe(0);
    }
  });

  it('starts the three nodes as exported, routed to each other', async () => {
    // Clustered JetStream is ready only once a quorum elects a meta leader: start them together.
    servers.push(...(await Promise.all(NODES.map((node) => startTestServer({ configFile: path.join(out, `${node}.conf`), readyTimeoutMs: 30_000 })))));
    await until(async () => (await Promise.all(servers.map(routedTo))).every((n) => n === 2), 'three nodes routed to each other', 15_000);
    const varz = (await Promise.all(servers.map(async (s) => (await fetch(`${s.monitorUrl}/varz`)).json()))) as { server_name: string; cluster: { name: string } }[];
    expect(varz.map((v) => v.server_name)).toEqual(NODES);
    expect(new Set(varz.map((v) => v.cluster.name))).toEqual(new Set(['cluster-export']));
  }, 60_000);

  it('refuses a route with the wrong password', async () => {
    expect(await routeLogin(clusterPort + 1, 'not-the-password-0000')).toMatch(/-ERR 'Authorization Violation'/);
  });

  it('answers a request across nodes, agents logged in with their exported keys', async () => {
    // asker on nats-1, answerer on nats-2.
    for (const [i, name] of ['asker', 'answerer'].entries()) {
      const agent: Agent = new Agent({
        name,
        instance: 'i0',
        connection: await login(name, i),
        heartbeatMs: 0,
        handler: async (message): Promise<{ content: string }> => ({ content: `${name} on ${agent.connection.info?.server_name} answers: ${message.content}` }),
      });
      agents.push(agent);
      await agent.start(); // registers in the KV registry through the cluster
    }
    expect(agents.map((a) => a.connection.info?.server_name)).toEqual(['nats-1', 'nats-2']);
    // The answerer's subscription reaches nats-1 over a route a moment after it starts.
    const reply = await askUntilAnswered(agents[0]!, 'answerer', 'hello');
    expect(reply.content).toBe('answerer on nats-2 answers: hello');
  }, 60_000);

  it('keeps the least-privilege permissions on every node', async () => {
    // The answerer has no edge to the asker: it may not listen on the asker's request subject.
    const nc = await connectAs('answerer', 2);
    expect(nc.info?.server_name).toBe('nats-3');
    const sub = nc.subscribe('agents.request.asker');
    await nc.flush();
    const closed = await Promise.race([sub.closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 2000))]);
    expect(String(closed)).toMatch(/permissions violation/i);
  });

  it('creates a KV bucket with 3 replicas, written on one node and read on another', async () => {
    const asker = await connectAs('asker', 0);
    const board = await new Kvm(asker).create('board', { replicas: 3 });
    await board.put('plan', 'step one');
    const observer = await connectAs('switchboard', 2);
    const info = await (await jetstreamManager(observer)).streams.info('KV_board');
    expect(info.config.num_replicas).toBe(3);
    await until(async () => {
      const current = await (await jetstreamManager(observer)).streams.info('KV_board');
      return (current.cluster?.replicas ?? []).filter((r) => r.current).length === 2;
    }, 'both followers of KV_board current');
    const read = await new Kvm(observer).open('board');
    expect((await read.get('plan'))?.string()).toBe('step one');
  }, 30_000);
});

describe('export --format compose --cluster 3', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('cluster-compose');
  });
  afterAll(async () => {
    if (dir) await removeTempDir(dir);
  });

  it('mounts files that are all there and that nats-server accepts', async () => {
    const file = path.join(dir, 'team.yaml');
    await writeFile(file, TOPOLOGY);
    const out = path.join(dir, 'compose');
    const exported = await runCli(['export', file, '--format', 'compose', '--cluster', '3', '-o', out]);
    expect(exported.code).toBe(0);
    const compose = parse(await readFile(path.join(out, 'compose.yaml'), 'utf8')) as { services: Record<string, { command: string[]; volumes: string[] }> };
    expect(Object.keys(compose.services)).toEqual([...NODES, 'asker', 'answerer']);
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes.filter((v) => v.startsWith('./'))) await stat(path.join(out, volume.split(':')[0]!)); // throws if missing
    }
    for (const node of NODES) {
      expect(compose.services[node]!.command).toEqual(['-c', `/etc/nats/${node}.conf`]);
      const check = checkConfig(path.join(out, `${node}.conf`));
      expect(check.output).toMatch(/valid/);
      expect(check.status).toBe(0);
    }
    expect(compose.services['answerer']!.command).toContain('nats://nats-2:4222,nats://nats-3:4222,nats://nats-1:4222');
  });

  it('says what is wrong with a bad --cluster', async () => {
    const file = path.join(dir, 'team.yaml');
    const bad = await runCli(['export', file, '--format', 'compose', '--cluster', '12', '-o', path.join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cluster: "12" is not a number of nodes (1 to 9).');
    const conf = await runCli(['export', file, '--format', 'nats-conf', '--cluster', '3', '-o', path.join(dir, 'bad', 'nats.conf')]);
    expect(conf.code).toBe(2);
    expect(conf.stderr).toContain('give -o DIR (a folder), not a .conf file');
  });
});
