/** `switchboard export`'s server flags: --cluster N and where nats-conf's nodes listen. */
import type { ExportFormat, ExportOptions } from '../../agents/topology/export/index.js';
import { MAX_CLUSTER_NODES } from '../../agents/topology/export/nats-cluster.js';
import { UsageError } from './flags.js';

/** parseArgs option specs of the server flags. */
export const clusterFlagSpecs = {
  cluster: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'monitor-port': { type: 'string' },
  'cluster-port': { type: 'string' },
  'node-hosts': { type: 'string' },
  'store-dir': { type: 'string' },
} as const;

/** The flags' values as parseArgs gives them. */
type ClusterFlagValues = Partial<Record<keyof typeof clusterFlagSpecs, string | undefined>>;

/** The export options the flags ask for; throws UsageError on a bad value or a flag the format does not take. */
export function clusterFlags(values: ClusterFlagValues, format: ExportFormat): { clusterNodes: number; nats?: ExportOptions['nats'] } {
  const nodes = values.cluster === undefined ? 1 : Number(values.cluster);
  if (values.cluster !== undefined) {
    if (format !== 'nats-conf' && format !== 'compose') throw new UsageError('--cluster goes with --format nats-conf or compose.');
    if (values.cluster.trim() === '' || !Number.isInteger(nodes) || nodes < 1 || nodes > MAX_CLUSTER_NODES) {
      throw new UsageError(`--cluster: "${values.cluster}" is not a number of nodes (1 to ${MAX_CLUSTER_NODES}).`);
    }
  }
  const given = (['host', 'port', 'monitor-port', 'cluster-port', 'node-hosts', 'store-dir'] as const).filter((flag) => values[flag] !== undefined);
  if (given.length === 0) return { clusterNodes: nodes };
  // Compose runs each server in its own container on the image's defaults: nothing to choose.
  if (format !== 'nats-conf') throw new UsageError(`--${given[0]} goes with --format nats-conf (compose uses the containers' defaults).`);
  for (const flag of ['cluster-port', 'node-hosts'] as const) {
    if (values[flag] !== undefined && nodes < 2) throw new UsageError(`--${flag} goes with --cluster N (2 or more nodes).`);
  }

  const nodeHosts = values['node-hosts']?.split(',').map((h) => h.trim());
  if (nodeHosts && (nodeHosts.length !== nodes || nodeHosts.some((h) => !isHost(h)))) {
    throw new UsageError(`--node-hosts: give ${nodes} host names or addresses, comma-separated (one per node), not "${values['node-hosts']}".`);
  }
  // On one host node i takes port + i - 1, so the last node's port must exist too.
  const span = nodeHosts ? 1 : nodes;
  const port = portFlag(values.port, '--port', span, true);
  const monitorPort = portFlag(values['monitor-port'], '--monitor-port', span, true);
  const clusterPort = portFlag(values['cluster-port'], '--cluster-port', span, false);
  if (values.host !== undefined && !isHost(values.host)) throw new UsageError(`--host: "${values.host}" is not a host name or address.`);
  if (values['store-dir'] !== undefined && values['store-dir'].trim() === '') throw new UsageError('--store-dir: give a directory.');
  return {
    clusterNodes: nodes,
    nats: {
      ...(values.host !== undefined && { host: values.host }),
      ...(port !== undefined && { port }),
      ...(monitorPort !== undefined && { monitorPort }),
      ...(clusterPort !== undefined && { clusterPort }),
      ...(nodeHosts && { nodeHosts }),
      ...(values['store-dir'] !== undefined && { storeDir: values['store-dir'] }),
    },
  };
}

/** A port flag: 1 to 65535 (with room for `span` consecutive ports), or -1 ("pick one") where `random` allows. */
function portFlag(value: string | undefined, flag: string, span: number, random: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (random && n === -1 && value.trim() !== '') return -1;
  const top = 65535 - span + 1;
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > top) {
    throw new UsageError(`${flag}: "${value}" is not a port (1 to ${top}${span > 1 ? `, so that all ${span} nodes get one` : ''}${random ? `; -1 picks a free one, written ${flag}=-1` : ''}).`);
  }
  return n;
}

/** A host name, IPv4 or IPv6 address: what goes into a listen address or a route URL as is. */
const isHost = (host: string) => /^[A-Za-z0-9.-]+$/.test(host) || /^[0-9A-Fa-f:.]+$/.test(host);
