/**
 * A Docker Compose file that runs a topology without the app: the exported nats-server config in
 * a `nats` service, and one headless `switchboard run --only <agent>` service per agent, each with
 * only its own nkey seed mounted and only the environment variables its model settings name
 * (passed through from the host, never written here). External agents run elsewhere: no service.
 */
import { stringify } from 'yaml';
import type { Topology } from '../schema.js';

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
  // The server's service name is also its host name in every agent's --nats URL; an agent may be called "nats".
  let nats = 'nats';
  for (let n = 2; agents.some((a) => a.name === nats); n++) nats = `nats-server${n > 2 ? `-${n}` : ''}`;
  const topologyName = opts.topologyFile.split('/').pop() || COMPOSE_DEFAULTS.topologyFile;
  const secretsDir = opts.secretsDir.replace(/\/+$/, '') || '.';

  const services: Record<string, unknown> = {
    [nats]: {
      image: COMPOSE_DEFAULTS.natsImage,
      command: ['-c', '/etc/nats/nats-server.conf'],
      volumes: [`${relative(opts.natsConfFile)}:/etc/nats/nats-server.conf:ro`, `nats-data:${opts.storeDir}`],
      ports: ['4222:4222', '8222:8222'],
    },
  };
  for (const agent of agents) {
    const environment = Object.fromEntries(secretEnv(topology, agent.llm).map((name) => [name, `\${${name}}`]));
    services[agent.name] = {
      image: opts.image,
      command: ['switchboard', 'run', `/topology/${topologyName}`, '--nats', `nats://${nats}:4222`, '--creds', `/secrets/${agent.name}.nk`, '--only', agent.name],
      volumes: [`${relative(opts.topologyFile)}:/topology/${topologyName}:ro`, `${secretsDir}/${agent.name}.nk:/secrets/${agent.name}.nk:ro`],
      ...(Object.keys(environment).length > 0 && { environment }),
      depends_on: [nats],
      deploy: { replicas: agent.replicas },
    };
  }
  const header = `# Docker Compose for the Switchboard topology ${topology.metadata.name.replace(/[\r\n]+/g, ' ')}.\n# Secrets come from your environment (or an .env file beside this one); none are written here.\n`;
  return header + stringify({ name: projectName(topology.metadata.name), services, volumes: { 'nats-data': {} } }, { lineWidth: 0 });
}

/** The environment variables an agent's model settings read its secrets from. */
function secretEnv(topology: Topology, llm: string): string[] {
  const settings = topology.spec.llms[llm];
  if (settings?.provider !== 'openai' && settings?.provider !== 'anthropic') return [];
  const name = settings.apiKeyEnv ?? DEFAULT_KEY_ENV[settings.provider];
  return name ? [name] : [];
}

/** Compose reads a bare name in a bind mount as a volume name: host paths need `./`. */
const relative = (path: string) => (/^(\.{0,2}\/|~)/.test(path) ? path : `./${path}`);

/** Compose project names are lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
function projectName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return slug || 'switchboard';
}
