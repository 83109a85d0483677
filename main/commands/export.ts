/**
 * `switchboard export FILE --format FORMAT [-o OUT]`: the same exports as the app's Export menu.
 * Single-file formats go to stdout or OUT; nats-conf writes the config at OUT with one nkey seed
 * per agent beside it; compose writes a runnable folder at OUT. Seeds are written 0600 and never
 * printed.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, exportTopology, type ExportFormat } from '../../agents/topology/export/index.js';
import { createNkeyUser } from '../host/export-files.js';
import { UsageError } from './flags.js';
import { readTopology } from './read-topology.js';

const exportHelp = `Usage: switchboard export FILE --format FORMAT [-o OUT]

Formats:
  yaml        the normalized topology (stable key order; git-friendly)
  json        the same as JSON
  mermaid     a Mermaid flowchart of the topology
  nats-conf   a nats-server config with one nkey user per agent and least-privilege permissions
              derived from the edges; -o is the config file, the agents' seeds are written beside it
  compose     a folder to run with docker compose: nats (with that config) and one service per agent
              running "switchboard run --only"; -o is the folder

Options:
  -f, --format FORMAT   one of: ${EXPORT_FORMATS.join(', ')}
  -o, --out OUT         where to write (default: stdout, for yaml, json and mermaid)
  -h, --help            show this help`;

/** Runs `export`. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return (console.log(exportHelp), 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one topology file.');
  const format = values.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}.`);
  const multiFile = format === 'nats-conf' || format === 'compose';
  if (multiFile && !values.out) throw new UsageError(`${format} writes several files (with secrets): give -o ${format === 'compose' ? 'DIR' : 'FILE'}.`);

  const read = await readTopology(file);
  if (!read.ok) return read.exitCode;
  const baseName = path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  const { files } = exportTopology(read.topology, format, {
    baseName,
    createUser: createNkeyUser,
  });

  if (!values.out) {
    process.stdout.write(files[0]!.content);
    return 0;
  }
  // nats-conf: OUT names the config; compose: OUT is the folder; single files: OUT is the file.
  const dir = format === 'compose' ? values.out : path.dirname(values.out);
  await mkdir(dir, { recursive: true });
  for (const [i, exported] of files.entries()) {
    const target = i === 0 && format !== 'compose' ? values.out : path.join(dir, exported.name);
    await writeFile(target, exported.content, { mode: exported.secret ? 0o600 : 0o644 });
    if (exported.secret) await chmod(target, 0o600); // an existing file keeps its old mode otherwise
    console.error(`wrote ${target}${exported.secret ? ' (secret, 0600)' : ''}`);
  }
  return 0;
}
