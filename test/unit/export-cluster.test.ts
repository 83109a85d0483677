// The cluster exports' shapes: one config per node (ports, routes, JetStream store, includes), the
// users and permissions in one shared file (the same block the one-server config holds), the route
// credentials in a secret file, compose services per node with the agents spread over them, and
// the CLI flags' errors. What a real nats-server makes of the files is
// test/integration/nats-cluster-export.test.ts.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { exportTopology, type ExportedFile, type ExportOptions } from '../../agents/topology/export/index.js';
import { exportNatsCluster } from '../../agents/topology/export/nats-cluster.js';
import type { NkeyPair } from '../../agents/topology/export/nats-conf.js';
import { TopologySchema, type Topology } from '../../agents/topology/schema.js';
import { clusterFlags } from '../../main/commands/export-cluster-flags.js';

/** Deterministic stand-in for nkeys.createUser(): well-formed, numbered keys. */
function fakeKeys(): () => NkeyPair {
  let n = 0;
  return () => {
    const tag = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n++]!;
    return { publicKey: `U${tag.repeat(55)}`, seed: `SU${tag.repeat(56)}` };
  };
}
const PASSWORD = 'p4ssw0rd_for-routes-0123';
const secrets = (): Pick<ExportOptions, 'createUser' | 'createPassword'> => ({ createUser: fakeKeys(), createPassword: () => PASSWORD });

const team: Topology = TopologySchema.parse({
  apiVersion: 'switchboard.dev/v1',
  kind: 'Topology',
  metadata: { name: 'My Team' },
  spec: {
    registry: 'kv',
    llms: { offline: { provider: 'scripted' }, gpt: { provider: 'openai', model: 'gpt-4o' } },
    agents: [
      { name: 'planner', llm: 'gpt', blackboards: ['notes'] },
      { name: 'coder', llm: 'offline', replicas: 2 },
      { name: 'tester', llm: 'offline' },
      { name: 'nats-2', llm: 'offline' },
    ],
    blackboards: [{ name: 'notes' }],
    edges: [
      { from: 'planner', to: 'coder', kind: 'request' },
      { from: 'coder', to: 'tester', kind: 'direct' },
    ],
  },
});

const byName = (files: ExportedFile[]) => new Map(files.map((f) => [f.name, f]));
const content = (files: ExportedFile[], name: string) => byName(files).get(name)?.content ?? '';
/** The config's `authorization { users: [...] }` block, as text. */
const usersBlock = (config: string) => config.slice(config.indexOf('authorization {'), config.lastIndexOf('}') + 1);

describe('nats-conf as a cluster', () => {
  const files = exportTopology(team, 'nats-conf', { ...secrets(), clusterNodes: 3, nats: { host: '127.0.0.1', port: 14222, monitorPort: 18222, clusterPort: 16222, storeDir: '/var/js/' } }).files;

  it('writes one config per node, the shared users file, then the secrets', () => {
    expect(files.map((f) => [f.name, f.secret ?? false])).toEqual([
      ['nats-1.conf', false],
      ['nats-2.conf', false],
      ['nats-3.conf', false],
      ['nats-users.conf', false],
      ['nats-routes.conf', true],
      ['planner.nk', true],
      ['coder.nk', true],
      ['tester.nk', true],
      ['nats-2.nk', true],
      ['switchboard.nk', true],
    ]);
  });

  it('gives each node its name, ports one apart on one host, its own store, and the includes', () => {
    for (const i of [1, 2, 3]) {
      const conf = content(files, `nats-${i}.conf`);
      expect(conf).toContain(`server_name: "nats-${i}"`);
      expect(conf).toContain(`listen: "127.0.0.1:${14221 + i}"`);
      expect(conf).toContain(`http: "127.0.0.1:${18221 + i}"`);
      expect(conf).toContain(`jetstream {\n  store_dir: "/var/js/nats-${i}"\n}`);
      expect(conf).toContain('include "nats-users.conf"');
      expect(conf).toMatch(new RegExp(`cluster \\{\\n  name: "my-team"\\n  listen: "127.0.0.1:${16221 + i}"\\n.*\\n  include "nats-routes.conf"\\n\\}`));
      // Nothing secret in a node's file: no seeds, no password.
      expect(conf).not.toContain(PASSWORD);
      expect(conf).not.toMatch(/SU[A-Z]{56}/);
    }
  });

  it('keeps the one-server permissions, stated once for every node', () => {
    const single = exportTopology(team, 'nats-conf', { createUser: fakeKeys() }).files[0]!.content;
    expect(usersBlock(content(files, 'nats-users.conf'))).toBe(usersBlock(single));
    expect(content(files, 'nats-users.conf')).not.toMatch(/SU[A-Z]{56}/);
  });

  it('authorizes routes with a user and the password, and routes to every node', () => {
    const routes = content(files, 'nats-routes.conf');
    expect(routes).toContain(`authorization {\n  user: "route"\n  password: "${PASSWORD}"\n}`);
    expect(routes).toContain(
      ['routes: [', ...[1, 2, 3].map((i) => `  "nats-route://route:${PASSWORD}@127.0.0.1:${16221 + i}" # nats-${i}`), ']'].join('\n'),
    );
  });

  it('puts nodes on their own hosts with the same ports, and routes a wildcard listener over loopback', () => {
    const spread = exportNatsCluster(team, { ...secrets(), createUser: fakeKeys(), createPassword: () => PASSWORD, nodes: 2, nodeHosts: ['a.example', 'b.example'] });
    for (const node of spread.nodes) expect(node.config).toContain('listen: "0.0.0.0:4222"');
    expect(spread.secrets[0]!.content).toContain(`"nats-route://route:${PASSWORD}@b.example:6222" # nats-2`);
    const local = exportNatsCluster(team, { createUser: fakeKeys(), createPassword: () => PASSWORD, nodes: 2, host: '::' });
    expect(local.nodes[1]!.config).toContain('listen: "[::]:4223"');
    expect(local.secrets[0]!.content).toContain(`@127.0.0.1:6223"`);
  });

  it('leaves one node as it was', () => {
    const plain = exportTopology(team, 'nats-conf', { createUser: fakeKeys() }).files;
    expect(exportTopology(team, 'nats-conf', { ...secrets(), clusterNodes: 1 }).files).toEqual(plain);
    expect(exportTopology(team, 'compose', { ...secrets(), clusterNodes: 1 }).files).toEqual(exportTopology(team, 'compose', { createUser: fakeKeys() }).files);
  });

  it('refuses bad node counts, a missing or weak password, and mismatched hosts', () => {
    expect(() => exportTopology(team, 'nats-conf', { ...secrets(), clusterNodes: 10 })).toThrow(/1 to 9 nodes, not 10/);
    expect(() => exportTopology(team, 'compose', { ...secrets(), clusterNodes: 0 })).toThrow(/1 to 9 nodes, not 0/);
    expect(() => exportTopology(team, 'nats-conf', { createUser: fakeKeys(), clusterNodes: 3 })).toThrow(/createPassword/);
    expect(() => exportTopology(team, 'nats-conf', { createUser: fakeKeys(), createPassword: () => 'a b', clusterNodes: 3 })).toThrow(/URL-safe/);
    expect(() => exportNatsCluster(team, { createUser: fakeKeys(), createPassword: () => PASSWORD, nodes: 3, nodeHosts: ['a', 'b'] })).toThrow(/one host per node/);
    expect(() => exportNatsCluster(team, { createUser: fakeKeys(), createPassword: () => PASSWORD, nodes: 3, clusterPort: -1 })).toThrow(/known ports/);
  });
});

describe('compose as a cluster', () => {
  const files = exportTopology(team, 'compose', { ...secrets(), clusterNodes: 3 }).files;
  type Service = { image: string; command: string[]; volumes: string[]; ports?: string[]; depends_on?: string[] };
  const compose = parse(files[0]!.content) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  // An agent is called nats-2: the servers take another prefix.
  const nodes = ['nats-server-1', 'nats-server-2', 'nats-server-3'];

  it('runs one server per node with its own config, the shared files and its own volume', () => {
    expect(Object.keys(compose.services)).toEqual([...nodes, 'planner', 'coder', 'tester', 'nats-2']);
    expect(Object.keys(compose.volumes)).toEqual(nodes.map((n) => `${n}-data`));
    for (const [i, node] of nodes.entries()) {
      const service = compose.services[node]!;
      expect(service.command).toEqual(['-c', `/etc/nats/${node}.conf`]);
      expect(service.volumes).toEqual([`./${node}.conf:/etc/nats/${node}.conf:ro`, './nats-users.conf:/etc/nats/nats-users.conf:ro', './nats-routes.conf:/etc/nats/nats-routes.conf:ro', `${node}-data:/data`]);
      expect(service.ports).toEqual([`${4222 + i}:4222`, `${8222 + i}:8222`]);
      const conf = content(files, `${node}.conf`);
      expect(conf).toContain(`server_name: "${node}"`);
      expect(conf).toContain('listen: "0.0.0.0:4222"');
      expect(conf).toContain(`store_dir: "/data/${node}"`);
    }
    // Routes by service name, on the container's own route port.
    for (const node of nodes) expect(content(files, 'nats-routes.conf')).toContain(`@${node}:6222" # ${node}`);
  });

  it('spreads the agents over the nodes, each listing its own node first', () => {
    const urls = (agent: string) => {
      const command = compose.services[agent]!.command;
      return command[command.indexOf('--nats') + 1]!.split(',');
    };
    const url = (node: string) => `nats://${node}:4222`;
    expect(urls('planner')).toEqual([url(nodes[0]!), url(nodes[1]!), url(nodes[2]!)]);
    expect(urls('coder')).toEqual([url(nodes[1]!), url(nodes[2]!), url(nodes[0]!)]);
    expect(urls('tester')).toEqual([url(nodes[2]!), url(nodes[0]!), url(nodes[1]!)]);
    expect(urls('nats-2')).toEqual([url(nodes[0]!), url(nodes[1]!), url(nodes[2]!)]);
    for (const agent of ['planner', 'coder', 'tester', 'nats-2']) {
      const service = compose.services[agent]!;
      expect(service.command.slice(-2)).toEqual(['--only', agent]);
      expect(service.depends_on).toEqual(nodes);
    }
  });

  it('bundles every file it mounts', () => {
    const mounted = Object.values(compose.services).flatMap((s) => s.volumes.map((v) => v.split(':')[0]!));
    for (const file of mounted.filter((m) => m.startsWith('./'))) expect(files.map((f) => `./${f.name}`)).toContain(file);
    expect(files.filter((f) => f.secret).map((f) => f.name)).toEqual(['nats-routes.conf', 'planner.nk', 'coder.nk', 'tester.nk', 'nats-2.nk', 'switchboard.nk']);
  });
});

describe('export --cluster flags', () => {
  it('reads a cluster and where its nodes listen', () => {
    expect(clusterFlags({}, 'compose')).toEqual({ clusterNodes: 1 });
    expect(clusterFlags({ cluster: '3' }, 'compose')).toEqual({ clusterNodes: 3 });
    expect(clusterFlags({ cluster: '3', host: '127.0.0.1', port: '-1', 'monitor-port': '-1', 'cluster-port': '16222', 'store-dir': '/tmp/js' }, 'nats-conf')).toEqual({
      clusterNodes: 3,
      nats: { host: '127.0.0.1', port: -1, monitorPort: -1, clusterPort: 16222, storeDir: '/tmp/js' },
    });
    expect(clusterFlags({ cluster: '2', 'node-hosts': 'a.example, b.example', port: '65535' }, 'nats-conf')).toEqual({ clusterNodes: 2, nats: { nodeHosts: ['a.example', 'b.example'], port: 65535 } });
  });

  it('says what is wrong with a bad value', () => {
    const error = (values: Parameters<typeof clusterFlags>[0], format: Parameters<typeof clusterFlags>[1] = 'nats-conf') => {
      try {
        clusterFlags(values, format);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(error({ cluster: 'three' })).toBe('--cluster: "three" is not a number of nodes (1 to 9).');
    expect(error({ cluster: '0' })).toMatch(/"0" is not a number of nodes/);
    expect(error({ cluster: '10' })).toMatch(/"10" is not a number of nodes/);
    expect(error({ cluster: '2.5' })).toMatch(/"2.5" is not a number of nodes/);
    expect(error({ cluster: '3' }, 'yaml')).toBe('--cluster goes with --format nats-conf or compose.');
    expect(error({ cluster: '3', port: '4222' }, 'compose')).toBe("--port goes with --format nats-conf (compose uses the containers' defaults).");
    expect(error({ 'cluster-port': '6222' })).toBe('--cluster-port goes with --cluster N (2 or more nodes).');
    expect(error({ cluster: '3', 'node-hosts': 'a,b' })).toMatch(/give 3 host names/);
    expect(error({ cluster: '3', port: '65535' })).toBe('--port: "65535" is not a port (1 to 65533, so that all 3 nodes get one; -1 picks a free one, written --port=-1).');
    expect(error({ cluster: '3', 'cluster-port': '-1' })).toBe('--cluster-port: "-1" is not a port (1 to 65533, so that all 3 nodes get one).');
    expect(error({ host: 'a b' })).toMatch(/--host: "a b" is not a host/);
  });
});
