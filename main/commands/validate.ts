/** `switchboard validate FILE`: the same checks as the app. Exit 0 valid, 1 invalid, 2 unreadable. */
import { parseArgs } from 'node:util';
import { readTopology } from './read-topology.js';
import { UsageError } from './flags.js';
import { MAX_LISTED_PROBLEMS } from '../../agents/topology/format-problems.js';
import { formatBytes, MAX_KEPT_PROBLEMS, MAX_TOPOLOGY_BYTES } from '../../agents/topology/text-limits.js';

const validateHelp = `Usage: switchboard validate FILE [--json]

Checks a topology file (YAML or JSON): its schema, names, edges, tools, model settings and budgets.
Problems are printed as FILE:LINE:COLUMN: severity: message (at path), each with the line it
points at; the first ${MAX_LISTED_PROBLEMS} are listed, then how many more there are. A file over
${formatBytes(MAX_TOPOLOGY_BYTES)}, or one that is not UTF-8 text, is refused unread (exit 2).

Options:
  --json       print the problems as JSON on stdout (the first ${MAX_KEPT_PROBLEMS}; "omitted" counts the rest)
  -h, --help   show this help

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 unreadable.`;

/** Runs `validate`. */
export async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if (values.help) return (console.log(validateHelp), 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one topology file.');
  const read = await readTopology(file);
  if (values.json) console.log(JSON.stringify({ valid: read.ok, problems: read.result?.problems ?? [], omitted: read.result?.omitted ?? 0 }, null, 2));
  if (!read.ok) return read.exitCode;
  const { topology } = read;
  const warnings = read.result.problems.length;
  console.error(
    `${file}: valid — ${topology.spec.agents.length} agents, ${topology.spec.edges.length} edges` + (warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''),
  );
  return 0;
}
