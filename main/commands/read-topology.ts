/** Reads a topology file for a command: the unreadable (2) or invalid_topology (1) exit code, printed here. */
import { formatProblems, loadTopology, type LoadResult } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { readTextFile, TextFileError } from '../host/read-text-file.js';
import { FAILURE_EXIT_CODES, fileErrorText } from '../host/run-session-failure.js';

/** A command's view of a topology file. */
export type ReadTopology = { ok: true; topology: Topology; result: LoadResult } | { ok: false; exitCode: 1 | 2; result: LoadResult | null };

/** Reads and checks `file`, printing its problems (warnings too; a few at most) to stderr. */
export async function readTopology(file: string): Promise<ReadTopology> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (error) {
    // Too big, binary or not UTF-8: said with FILE:LINE:COL like any other problem, but unreadable (2).
    if (error instanceof TextFileError && error.problem) console.error(formatProblems([error.problem], file));
    else console.error(`switchboard: cannot read ${file}: ${fileErrorText(error)}`);
    return { ok: false, exitCode: FAILURE_EXIT_CODES.unreadable, result: null };
  }
  const result = loadTopology(text, file);
  if (result.problems.length) console.error(formatProblems(result.problems, file, { text, omitted: result.omitted }));
  if (result.migrated.length) console.error(`${file}: migrated ${result.migrated.join(', ')} (saving writes the current version).`);
  if (!result.topology) return { ok: false, exitCode: FAILURE_EXIT_CODES.invalid_topology, result };
  return { ok: true, topology: result.topology, result };
}
