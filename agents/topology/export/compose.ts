/**
 * A Docker Compose file that runs a topology without the app: the exported nats-server config in
 * a `nats` service (or an N-node cluster: `nats-1` … `nats-N`, routed by service name), and one
 * headless `switchboard run --only <agent>` service per agent, each with only its own nkey seed
 * mounted and only the environment variables its model settings name (passed through from the
 * host, never written here). On a cluster the agents are spread over the nodes: each lists its
 * own node first, then the others. External agents run elsewhere: no service. An agent served over
 * A2A listens on 0.0.0.0 in its container (`--a2a-listen`) on its own port, published as itself.
 */
import { stringify } from 'yaml';
import { a2aServed, type A2aServed } from '../a2a-exposure.js';
import type { Topology } from '../schema.js';
import { slugOf } from './names.js';
import { CLUSTER_FILES, defaultNodeNames } from './nats-cluster.js';

/** Options of {@link exportCompose}; paths on the host are relative to the compose file. */
export interface ComposeOptions {
  /** The agents' image (one with the `switchboard` command). */
  image?: string;
  /** The topology file on the host; mounted at /topology/<its base name>. */
  topologyFile?: string;
  /** The exported nats-server config on the host. */
  natsConfFile?: string;
  /** The folder holding the `<agent>.nk` seeds exported beside the config. */
  secretsDir?: string;
  /** JetStream's store_dir in the config (the volume goes there). */
  storeDir?: string;
  /** nats-server nodes: 1 (default) runs {@link natsConfFile}; more run `<service>.conf` each (see {@link natsServiceNames}). */
  natsNodes?: number;
}

/** The compose file's defaults, shared with the bundle that writes the files it mounts. */
export const COMPOSE_DEFAULTS = {
  image: 'switchboard:latest',
  natsImage: 'nats:2.10-alpine',
  topologyFile: 'topology.yaml',
  natsConfFile: 'nats-server.conf',
  secretsDir: '.',
  storeDir: '/data',
} as const;

/** The providers' key variables when the settings name none (agents/llm/factory.ts reads these). */
const DEFAULT_KEY_ENV: Record<string, string> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };

/** The compose file (YAML) for `topology`. */
export function exportCompose(topology: Topology, options: ComposeOptions = {}): string {
  const opts = { ...COMPOSE_DEFAULTS, ...options };
  const agents = topology.spec.agents;
  const topologyName = opts.topologyFile.split('/').pop() || COMPOSE_DEFAULTS.topologyFile;
  const secretsDir = opts.secretsDir.replace(/\/+$/, '') || '.';
  const nodes = natsServiceNames(topology, opts.natsNodes ?? 1);
  const cluster = nodes.length > 1;

  const services: Record<string, unknown> = {};
  const volumes: Record<string, object> = {};
  for (const [i, node] of nodes.entries()) {
    // Each node in its own container: the same ports inside, published one apart on the host.
    const mounts = cluster
      ? [`./${node}.conf:/etc/nats/${node}.conf:ro`, ...[CLUSTER_FILES.users, CLUSTER_FILES.routes].map((f) => `./${f}:/etc/nats/${f}:ro`)]
      : [`${relative(opts.natsConfFile)}:/etc/nats/nats-server.conf:ro`];
    const data = cluster ? `${node}-data` : 'nats-data';
    volumes[data] = {};
    services[node] = {
      image: COMPOSE_DEFAULTS.natsImage,
      command: ['-c', cluster ? `/etc/nats/${node}.conf` : '/etc/nats/nats-server.conf'],
      volumes: [...mounts, `${data}:${opts.storeDir}`],
      ports: [`${4222 + i}:4222`, `${8222 + i}:8222`],
    };
  }
  const a2a = a2aServed(topology);
  for (const [k, agent] of agents.entries()) {
    // The k-th agent's node is k mod N; it lists that node first and the others after it.
    const own = k % nodes.length;
    const urls = [...nodes.slice(own), ...nodes.slice(0, own)].map((node) => `nats://${node}:4222`).join(',');
    const environment = Object.fromEntries(secretEnv(topology, agent, a2a).map((name) => [name, `\${${name}}`]));
    services[agent.name] = {
      image: opts.image,
      command: ['switchboard', 'run', `/topology/${topologyName}`, '--nats', urls, '--creds', `/secrets/${agent.name}.nk`, '--only', agent.name, ...a2aListen(a2a, agent.name)],
      ...a2aPorts(a2a, agent),
      volumes: [`${relative(opts.topologyFile)}:/topology/${topologyName}:ro`, `${secretsDir}/${agent.name}.nk:/secrets/${agent.name}.nk:ro`],
      ...(Object.keys(environment).length > 0 && { environment }),
      depends_on: [...nodes], // a copy each: a shared array would come out as a YAML anchor and alias
      deploy: { replicas: agent.replicas },
    };
  }
  const header = `# Docker Compose for the Switchboard topology ${topology.metadata.name.replace(/[\r\n]+/g, ' ')}.\n# Secrets come from your environment (or an .env file beside this one); none are written here.\n`;
  return header + stringify({ name: projectName(topology.metadata.name), services, volumes }, { lineWidth: 0 });
}

/**
 * The nats-server services' names, which are also their host names in the agents' URLs and the
 * routes: `nats`, or `nats-1` … `nats-N`; another prefix when an agent already has such a name.
 */
export function natsServiceNames(topology: Topology, nodes: number): string[] {
  const taken = new Set(topology.spec.agents.map((a) => a.name));
  const names = (prefix: string) => (nodes === 1 ? [prefix] : defaultNodeNames(nodes).map((n) => n.replace(/^nats/, prefix)));
  let prefix = 'nats';
  for (let n = 2; names(prefix).some((name) => taken.has(name)); n++) prefix = `nats-server${n > 2 ? `-${n}` : ''}`;
  return names(prefix);
}

/** The first host port of agents served over A2A when `spec.a2a.port` is 0 (any free port means nothing to publish). */
export const COMPOSE_A2A_BASE_PORT = 8300;

/** The port a served agent listens on in its container and is published on: one apart per served agent. */
function a2aPort(served: A2aServed, agent: string): number | null {
  const index = served.agents.indexOf(agent);
  return index < 0 ? null : (served.port || COMPOSE_A2A_BASE_PORT) + index;
}

/** A served agent listens on every interface of its container (loopback would be unreachable from the host). */
function a2aListen(served: A2aServed, agent: string): string[] {
  const port = a2aPort(served, agent);
  return port === null ? [] : ['--a2a-listen', `0.0.0.0:${port}`];
}

/** Its port, published as itself, so the card's URL (http://127.0.0.1:PORT/a2a/AGENT) is right on the host; replicas would clash on one host port: none published. */
function a2aPorts(served: A2aServed, agent: { name: string; replicas: number }): { ports?: string[] } {
  const port = a2aPort(served, agent.name);
  return port === null || agent.replicas > 1 ? {} : { ports: [`${port}:${port}`] };
}

/**
 * The environment variables an agent's process reads secrets from: its model's key, the
 * credentials of the A2A agents it asks (the protocol gateway runs in its process), and the
 * credential callers must send when it is served over A2A.
 */
function secretEnv(topology: Topology, agent: { name: string; llm: string }, served: A2aServed): string[] {
  const names = new Set<string>();
  const settings = topology.spec.llms[agent.llm];
  if (settings?.provider === 'openai' || settings?.provider === 'anthropic') {
    const key = settings.apiKeyEnv ?? DEFAULT_KEY_ENV[settings.provider];
    if (key) names.add(key);
  }
  const asked = new Set(topology.spec.edges.filter((e) => e.kind === 'request' && e.from === agent.name).map((e) => e.to));
  for (const external of topology.spec.externalAgents) {
    if (!asked.has(external.name)) continue;
    if (external.a2a?.credential) names.add(external.a2a.credential.secret);
    if (external.a2a?.oauth2) names.add(external.a2a.oauth2.clientSecret);
  }
  if (served.credential && served.agents.includes(agent.name)) names.add(served.credential.secret);
  return [...names];
}

/** Compose reads a bare name in a bind mount as a volume name: host paths need `./`. */
const relative = (path: string) => (/^(\.{0,2}\/|~)/.test(path) ? path : `./${path}`);

/** Compose project names are lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
const projectName = (name: string) => slugOf(name, 'switchboard');
