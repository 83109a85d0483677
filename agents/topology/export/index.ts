/**
 * Export: one entry point for every format the app's Export menu and `switchboard export` offer.
 * Each returns the files to write, main file first; files holding secrets are flagged so callers
 * can write them with tight permissions and never show them.
 */
import { toJson, toYaml } from '../save.js';
import type { Topology } from '../schema.js';
import { slugOf } from './names.js';
import { COMPOSE_DEFAULTS, exportCompose, natsServiceNames, type ComposeOptions } from './compose.js';
import { exportMermaid } from './mermaid.js';
import { exportNatsCluster, MAX_CLUSTER_NODES, type NatsClusterOptions } from './nats-cluster.js';
import { exportNatsConf, type NkeyPair, type SecretFile } from './nats-conf.js';

/** The formats, in menu order. */
export const EXPORT_FORMATS = ['yaml', 'json', 'nats-conf', 'compose', 'mermaid'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One file of an export. */
export interface ExportedFile {
  name: string;
  content: string;
  /** Holds a secret (an nkey seed): write it 0600, never display it. */
  secret?: boolean;
}

/** Options of {@link exportTopology}. */
export interface ExportOptions {
  /** The topology file's name without extension (default: from metadata.name). */
  baseName?: string;
  /** Makes user nkeys; required by nats-conf and compose (built on nats-core's `nkeys.createUser()`). */
  createUser?: () => NkeyPair;
  /** Listen address, ports, store and cluster routes of the nats-server configs (nats-conf only; compose uses container defaults). */
  nats?: Omit<NatsClusterOptions, 'createUser' | 'createPassword' | 'nodes' | 'nodeNames' | 'clusterName'>;
  /** The agents' image in the compose file (the bundle decides the paths). */
  compose?: Pick<ComposeOptions, 'image'>;
  /** nats-conf and compose: a cluster of this many nodes (default 1: one server, the single-file config). */
  clusterNodes?: number;
  /** Makes the cluster's route password (URL-safe, 16+ characters); required with clusterNodes > 1. */
  createPassword?: () => string;
}

/** The files of `topology` exported as `format`. */
export function exportTopology(topology: Topology, format: ExportFormat, options: ExportOptions = {}): { files: ExportedFile[] } {
  const base = options.baseName ?? baseNameOf(topology.metadata.name);
  const nodes = options.clusterNodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_CLUSTER_NODES) throw new Error(`A cluster has 1 to ${MAX_CLUSTER_NODES} nodes, not ${nodes}.`);
  switch (format) {
    case 'yaml':
      return { files: [{ name: `${base}.yaml`, content: toYaml(topology) }] };
    case 'json':
      return { files: [{ name: `${base}.json`, content: toJson(topology) }] };
    case 'mermaid':
      return { files: [{ name: `${base}.mmd`, content: exportMermaid(topology) }] };
    case 'nats-conf': {
      if (nodes > 1) return { files: clusterFiles(topology, { ...options.nats, ...needSecrets(options, format), nodes }) };
      const { config, secrets } = exportNatsConf(topology, { ...options.nats, createUser: needKeys(options, format) });
      return { files: [{ name: COMPOSE_DEFAULTS.natsConfFile, content: config }, ...secrets.map(secretFile)] };
    }
    case 'compose': {
      // Everything the compose file mounts, so the folder runs as is with `docker compose up`.
      const topologyFile = `${base}.yaml`;
      const compose = [
        { name: 'compose.yaml', content: exportCompose(topology, { ...options.compose, topologyFile, natsNodes: nodes }) },
        { name: topologyFile, content: toYaml(topology) },
      ];
      if (nodes > 1) {
        // One container per node: the same ports in each, routes to the others by service name.
        const names = natsServiceNames(topology, nodes);
        const cluster = clusterFiles(topology, { ...needSecrets(options, format), nodes, nodeNames: names, nodeHosts: names, storeDir: COMPOSE_DEFAULTS.storeDir });
        return { files: [...compose, ...cluster] };
      }
      const { config, secrets } = exportNatsConf(topology, { createUser: needKeys(options, format), storeDir: COMPOSE_DEFAULTS.storeDir });
      return { files: [...compose, { name: COMPOSE_DEFAULTS.natsConfFile, content: config }, ...secrets.map(secretFile)] };
    }
  }
}

/** A cluster's files: node configs in order, the shared users file, then the secrets. */
function clusterFiles(topology: Topology, options: NatsClusterOptions): ExportedFile[] {
  const { nodes, users, secrets } = exportNatsCluster(topology, options);
  return [...nodes.map((n) => ({ name: n.fileName, content: n.config })), { name: users.fileName, content: users.content }, ...secrets.map(secretFile)];
}

const secretFile = (secret: SecretFile): ExportedFile => ({ name: secret.fileName, content: secret.content, secret: true });

function needSecrets(options: ExportOptions, format: ExportFormat): Pick<NatsClusterOptions, 'createUser' | 'createPassword'> {
  const createUser = needKeys(options, format);
  if (!options.createPassword) throw new Error(`The ${format} export of a cluster makes a route password: pass createPassword.`);
  return { createUser, createPassword: options.createPassword };
}

function needKeys(options: ExportOptions, format: ExportFormat): () => NkeyPair {
  if (!options.createUser) throw new Error(`The ${format} export makes nkeys: pass createUser (e.g. built on nkeys.createUser() from @nats-io/nats-core).`);
  return options.createUser;
}

/** A file name from the topology's display name: lowercase, `-` between words. */
const baseNameOf = (name: string) => slugOf(name, 'topology');
