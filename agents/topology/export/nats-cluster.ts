/**
 * The nats-server configs of an N-node cluster that runs a topology: one file per node (server
 * name, client and monitoring ports, JetStream with its own store, the cluster block), the users
 * and least-privilege permissions in ONE shared file every node includes (so the nodes cannot
 * disagree about who may do what, and a change is one edit), and the cluster's authorization in a
 * secret file: a route user with a password made per export, and routes to every node (a server
 * ignores the route to itself, so one list serves all). Isomorphic: keys and the password come from
 * the caller.
 */
import type { Topology } from '../schema.js';
import { slugOf } from './names.js';
import { hostPort, keyedUsers, oneLine, renderAuthorization, seedFiles, str, type NatsConfOptions, type SecretFile } from './nats-conf.js';

/** The most nodes an export makes (the contract's `clusterNodes` bound). */
export const MAX_CLUSTER_NODES = 9;

/** The files every node includes: the users (public) and the route credentials (secret). */
export const CLUSTER_FILES = { users: 'nats-users.conf', routes: 'nats-routes.conf' } as const;

/** Ports of node 1 when none are given (nats-server's own defaults). */
export const CLUSTER_DEFAULT_PORTS = { client: 4222, monitor: 8222, cluster: 6222 } as const;

/** The user routes authenticate as. */
export const ROUTE_USER = 'route';

/** Options of {@link exportNatsCluster}. */
export interface NatsClusterOptions extends NatsConfOptions {
  /** How many nodes: 2 to {@link MAX_CLUSTER_NODES}. */
  nodes: number;
  /** Makes the route user's password (random, URL-safe: it goes into the route URLs as is). */
  createPassword: () => string;
  /** Route listen port (of node 1 when all nodes share a host). */
  clusterPort?: number;
  /**
   * Each node's host as the other nodes reach it. Given: every node runs on its own host (or
   * container) with the same ports. Absent: all nodes run on the listen host, node i on port + i - 1
   * (client, monitoring and route ports alike; a negative port, "pick one", is given to each as is).
   */
  nodeHosts?: readonly string[];
  /** Server names, also the node files' names without `.conf` (default nats-1 … nats-N). */
  nodeNames?: readonly string[];
  /** The cluster's name (default: from the topology's name). */
  clusterName?: string;
}

/** One node's config file. */
export interface NodeConfig {
  /** Its server name. */
  name: string;
  fileName: string;
  config: string;
}

/** What {@link exportNatsCluster} produces: node files in order, the shared users file, the secrets (routes first, then seeds). */
export interface NatsClusterExport {
  nodes: NodeConfig[];
  users: SecretFile;
  secrets: SecretFile[];
}

/** The default server names: nats-1 … nats-N. */
export const defaultNodeNames = (nodes: number): string[] => Array.from({ length: nodes }, (_, i) => `nats-${i + 1}`);

/** The configs of an `options.nodes`-node cluster for `topology`, with the seeds of its users. */
export function exportNatsCluster(topology: Topology, options: NatsClusterOptions): NatsClusterExport {
  const count = options.nodes;
  if (!Number.isInteger(count) || count < 2 || count > MAX_CLUSTER_NODES) throw new Error(`A cluster has 2 to ${MAX_CLUSTER_NODES} nodes, not ${count}.`);
  const names = options.nodeNames ?? defaultNodeNames(count);
  if (names.length !== count || new Set(names).size !== count) throw new Error(`Give ${count} different node names.`);
  if (options.nodeHosts && options.nodeHosts.length !== count) throw new Error(`Give one host per node: ${count}, not ${options.nodeHosts.length}.`);
  const host = options.host ?? '0.0.0.0';
  const clusterPort = options.clusterPort ?? CLUSTER_DEFAULT_PORTS.cluster;
  if (!Number.isInteger(clusterPort) || clusterPort < 1) throw new Error(`Routes need known ports: the cluster port must be 1 to 65535, not ${clusterPort}.`);
  // On one host the nodes need ports of their own; on their own hosts they keep the same ones.
  const portOf = (base: number, i: number) => (options.nodeHosts || base < 0 ? base : base + i);
  // A wildcard listen address is not one to dial: on one host the routes go to loopback.
  const routeHost = (i: number) => options.nodeHosts?.[i] ?? (['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host);
  const clusterName = options.clusterName ?? slugOf(topology.metadata.name, 'switchboard');
  const password = options.createPassword();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(password)) throw new Error('createPassword() must give at least 16 URL-safe characters (letters, digits, - and _).');

  const keyed = keyedUsers(topology, options.createUser);
  const spec = topology.spec;
  const storeDir = (options.storeDir ?? '/data').replace(/\/+$/, '') || '/';
  const nodes = names.map((name, i): NodeConfig => {
    const lines = [
      `# nats-server config of node ${name} (${i + 1} of ${count}) of the cluster ${str(clusterName)} for the Switchboard topology`,
      `# ${oneLine(topology.metadata.name)} (profile ${spec.profile}, registry ${spec.registry}). Run each node with its own file.`,
      `# Users and permissions are in ${CLUSTER_FILES.users} (the same for every node); the route credentials in`,
      `# ${CLUSTER_FILES.routes} (secret). Both are read from beside this file.`,
      `server_name: ${str(name)}`,
      `listen: ${str(hostPort(host, portOf(options.port ?? CLUSTER_DEFAULT_PORTS.client, i)))}`,
      `http: ${str(hostPort(host, portOf(options.monitorPort ?? CLUSTER_DEFAULT_PORTS.monitor, i)))}`,
      'jetstream {',
      `  store_dir: ${str(`${storeDir === '/' ? '' : storeDir}/${name}`)}`,
      '}',
      `include ${str(CLUSTER_FILES.users)}`,
      'cluster {',
      `  name: ${str(clusterName)}`,
      `  listen: ${str(hostPort(host, portOf(clusterPort, i)))}`,
      '  # authorization (the route user) and routes (to every node, this one included: it is ignored)',
      `  include ${str(CLUSTER_FILES.routes)}`,
      '}',
      '',
    ];
    return { name, fileName: `${name}.conf`, config: lines.join('\n') };
  });

  const users = [
    `# Users and least-privilege permissions of the Switchboard topology ${oneLine(topology.metadata.name)}, included by`,
    `# every node of the cluster ${str(clusterName)}: one statement, so the nodes cannot disagree. Each user authenticates`,
    '# with an nkey: public keys only here; the seeds are in the <user>.nk files (keep them secret).',
    "# Permissions follow the topology's edges; anything else is refused with a permissions violation.",
    ...renderAuthorization(keyed, topology),
    '',
  ];
  const routes = [
    `# Cluster authorization of ${str(clusterName)} (secret: keep it 0600). Routes log in as this user; the password was`,
    '# made for this export. Included in the cluster block of every node.',
    'authorization {',
    `  user: ${str(ROUTE_USER)}`,
    `  password: ${str(password)}`,
    '}',
    'routes: [',
    ...names.map((name, i) => `  ${str(`nats-route://${ROUTE_USER}:${password}@${hostPort(routeHost(i), portOf(clusterPort, i))}`)} # ${name}`),
    ']',
    '',
  ];
  return {
    nodes,
    users: { fileName: CLUSTER_FILES.users, content: users.join('\n') },
    secrets: [{ fileName: CLUSTER_FILES.routes, content: routes.join('\n') }, ...seedFiles(keyed)],
  };
}
