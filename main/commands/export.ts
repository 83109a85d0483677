/**
 * `switchboard export FILE --format FORMAT [-o OUT]`: the same exports as the app's Export menu.
 * Single-file formats go to stdout or OUT; nats-conf writes the config at OUT with one nkey seed
 * per agent beside it (with --cluster N: N node configs and their shared files in the folder OUT);
 * compose writes a runnable folder at OUT. Seeds and route credentials are written 0600 and never
 * printed.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, exportTopology, type ExportFormat } from '../../agents/topology/export/index.js';
import { MAX_CLUSTER_NODES } from '../../agents/topology/export/nats-cluster.js';
import { createNkeyUser, createRoutePassword } from '../host/export-files.js';
import { clusterFlags, clusterFlagSpecs } from './export-cluster-flags.js';
import { UsageError } from './flags.js';
import { readTopology } from './read-topology.js';

const exportHelp = `Usage: switchboard export FILE --format FORMAT [-o OUT] [--cluster N]

Formats:
  yaml        the normalized topology (stable key order; git-friendly)
  json        the same as JSON
  mermaid     a Mermaid flowchart of the topology
  nats-conf   a nats-server config with one nkey user per agent and least-privilege permissions
              derived from the edges (plus synadia_caller, for protocol clients, when agents are served
              over the Synadia Agent Protocol); -o is the config file, the seeds are written beside it.
              With --cluster N, -o is a folder: nats-1.conf … nats-N.conf (one per node: routes,
              JetStream with its own store), nats-users.conf (the users and permissions, included by
              every node), nats-routes.conf (route user, password made for this export, routes; secret)
  compose     a folder to run with docker compose: nats (with that config) and one service per agent
              running "switchboard run --only"; -o is the folder. With --cluster N: services
              nats-1 … nats-N routed by name, the agents spread over them (each lists its node first)

Options:
  -f, --format FORMAT     one of: ${EXPORT_FORMATS.join(', ')}
  -o, --out OUT           where to write (default: stdout, for yaml, json and mermaid)
      --cluster N         nats-conf, compose: a cluster of N nodes (1 to ${MAX_CLUSTER_NODES}; default 1, one server)

nats-conf only (defaults suit a container; on one machine node i takes port + i - 1 of each kind):
      --host ADDR         listen address of clients, monitoring and routes (default 0.0.0.0)
      --port P            client port (default 4222; --port=-1: each node picks a free one)
      --monitor-port P    monitoring port (default 8222; --monitor-port=-1: each picks one)
      --cluster-port P    route port (default 6222)
      --node-hosts H,H,…  each node's host as the others reach it, one per node: the nodes run on
                          those hosts with the same ports (default: all on --host, or 127.0.0.1)
      --store-dir DIR     JetStream's store (default /data; a cluster's node i uses DIR/nats-i)
  -h, --help              show this help`;

/** Runs `export`. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' }, ...clusterFlagSpecs },
  });
  if (values.help) return (console.log(exportHelp), 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one topology file.');
  const format = values.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}.`);
  const multiFile = format === 'nats-conf' || format === 'compose';
  const cluster = clusterFlags(values, format);
  // A cluster's nats-conf is a folder of node files, as compose is.
  const intoFolder = format === 'compose' || cluster.clusterNodes > 1;
  if (multiFile && !values.out) throw new UsageError(`${format} writes several files (with secrets): give -o ${intoFolder ? 'DIR' : 'FILE'}.`);
  if (format === 'nats-conf' && intoFolder && /\.conf$/i.test(values.out ?? '')) throw new UsageError(`--cluster ${cluster.clusterNodes} writes one config per node: give -o DIR (a folder), not a .conf file.`);

  const read = await readTopology(file);
  if (!read.ok) return read.exitCode;
  const baseName = path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  const { files } = exportTopology(read.topology, format, {
    baseName,
    createUser: createNkeyUser,
    createPassword: createRoutePassword,
    clusterNodes: cluster.clusterNodes,
    ...(cluster.nats && { nats: cluster.nats }),
  });

  if (!values.out) {
    process.stdout.write(files[0]!.content);
    return 0;
  }
  // nats-conf: OUT names the config; compose and a cluster: OUT is the folder; single files: OUT is the file.
  const dir = intoFolder ? values.out : path.dirname(values.out);
  await mkdir(dir, { recursive: true });
  for (const [i, exported] of files.entries()) {
    const target = i === 0 && !intoFolder ? values.out : path.join(dir, exported.name);
    await writeFile(target, exported.content, { mode: exported.secret ? 0o600 : 0o644 });
    if (exported.secret) await chmod(target, 0o600); // an existing file keeps its old mode otherwise
    console.error(`wrote ${target}${exported.secret ? ' (secret, 0600)' : ''}`);
  }
  return 0;
}
