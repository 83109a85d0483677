/**
 * Export: one entry point for every format the app's Export menu and `switchboard export` offer.
 * Each returns the files to write, main file first; files holding secrets are flagged so callers
 * can write them with tight permissions and never show them.
 */
import { toJson, toYaml } from '../save.js';
import type { Topology } from '../schema.js';
import { COMPOSE_DEFAULTS, exportCompose, type ComposeOptions } from './compose.js';
import { exportMermaid } from './mermaid.js';
import { exportNatsConf, type NatsConfOptions, type NkeyPair } from './nats-conf.js';

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
  /** Listen address, ports and store of the nats-server config (nats-conf only; compose uses container defaults). */
  nats?: Omit<NatsConfOptions, 'createUser'>;
  /** The agents' image in the compose file (the bundle decides the paths). */
  compose?: Pick<ComposeOptions, 'image'>;
}

/** The files of `topology` exported as `format`. */
export function exportTopology(topology: Topology, format: ExportFormat, options: ExportOptions = {}): { files: ExportedFile[] } {
  const base = options.baseName ?? baseNameOf(topology.metadata.name);
  switch (format) {
    case 'yaml':
      return { files: [{ name: `${base}.yaml`, content: toYaml(topology) }] };
    case 'json':
      return { files: [{ name: `${base}.json`, content: toJson(topology) }] };
    case 'mermaid':
      return { files: [{ name: `${base}.mmd`, content: exportMermaid(topology) }] };
    case 'nats-conf': {
      const { config, secrets } = exportNatsConf(topology, { ...options.nats, createUser: needKeys(options, format) });
      return { files: [{ name: COMPOSE_DEFAULTS.natsConfFile, content: config }, ...secrets.map(secretFile)] };
    }
    case 'compose': {
      // Everything the compose file mounts, so the folder runs as is with `docker compose up`.
      const topologyFile = `${base}.yaml`;
      const { config, secrets } = exportNatsConf(topology, { createUser: needKeys(options, format), storeDir: COMPOSE_DEFAULTS.storeDir });
      return {
        files: [
          { name: 'compose.yaml', content: exportCompose(topology, { ...options.compose, topologyFile }) },
          { name: topologyFile, content: toYaml(topology) },
          { name: COMPOSE_DEFAULTS.natsConfFile, content: config },
          ...secrets.map(secretFile),
        ],
      };
    }
  }
}

const secretFile = (secret: { fileName: string; content: string }): ExportedFile => ({ name: secret.fileName, content: secret.content, secret: true });

function needKeys(options: ExportOptions, format: ExportFormat): () => NkeyPair {
  if (!options.createUser) throw new Error(`The ${format} export makes nkeys: pass createUser (e.g. built on nkeys.createUser() from @nats-io/nats-core).`);
  return options.createUser;
}

/** A file name from the topology's display name: lowercase, `-` between words. */
function baseNameOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '') || 'topology';
}
