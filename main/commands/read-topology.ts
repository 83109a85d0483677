/** Reads a topology file for a command: exit code 2 when unreadable, 1 when invalid. */
import { readFile } from 'node:fs/promises';
import { formatProblems, loadTopology, type LoadResult } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';

/** A command's view of a topology file. */
export type ReadTopology = { ok: true; topology: Topology; result: LoadResult } | { ok: false; exitCode: 1 | 2; result: LoadResult | null };

/** Reads and checks `file`, printing its problems (warnings too) to stderr. */
export async function readTopology(file: string): Promise<ReadTopology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`switchboard: cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    return { ok: false, exitCode: 2, result: null };
  }
  const result = loadTopology(text, file);
  if (result.problems.length) console.error(formatProblems(result.problems, file));
  if (result.migrated.length) console.error(`${file}: migrated ${result.migrated.join(', ')} (saving writes the current version).`);
  if (!result.topology) return { ok: false, exitCode: 1, result };
  return { ok: true, topology: result.topology, result };
}
