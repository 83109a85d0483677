/** `switchboard validate FILE`: the same checks as the app. Exit 0 valid, 1 invalid, 2 unreadable. */
import { parseArgs } from 'node:util';
import { readTopology } from './read-topology.js';
import { UsageError } from './flags.js';

const validateHelp = `Usage: switchboard validate FILE [--json]

Checks a topology file (YAML or JSON): its schema, names, edges, tools, model settings and budgets.
Problems are printed as FILE:LINE:COLUMN: severity: message (at path).

Options:
  --json       print the problems as JSON on stdout
  -h, --help   show this help

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 unreadable.`;

/** Runs `validate`. */
export async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if (values.help) return (console.log(validateHelp), 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one topology file.');
  const read = await readTopology(file);
  if (values.json) console.log(JSON.stringify({ valid: read.ok, problems: read.result?.problems ?? [] }, null, 2));
  if (!read.ok) return read.exitCode;
  const { topology } = read;
  const warnings = read.result.problems.length;
  console.error(
    `${file}: valid — ${topology.spec.agents.length} agents, ${topology.spec.edges.length} edges` + (warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''),
  );
  return 0;
}
