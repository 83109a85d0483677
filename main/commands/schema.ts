/** `switchboard schema`: the topology file's JSON Schema, for editors. */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { topologyJsonSchema } from '../../agents/topology/schema.js';

const schemaHelp = `Usage: switchboard schema [-o FILE]

Prints the JSON Schema of topology files (draft 2020-12), for editors that validate YAML or JSON
(e.g. a \`# yaml-language-server: $schema=FILE\` line at the top of a topology).

Options:
  -o, --out FILE   write it to FILE instead of stdout
  -h, --help       show this help`;

/** Runs `schema`. */
export async function schema(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return (console.log(schemaHelp), 0);
  const text = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
  if (values.out) await writeFile(values.out, text);
  else process.stdout.write(text);
  return 0;
}
