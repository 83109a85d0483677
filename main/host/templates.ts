/** The template topologies shipped in the package's templates/ folder. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTopology } from '../../agents/topology/load.js';
import type { Template } from '../../preload/contract.js';

/** Reads every template once; a template that does not load is skipped with a warning. */
export async function readTemplates(dir: string): Promise<Template[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/.test(n)).sort();
  const templates: Template[] = [];
  for (const name of names) {
    const text = await readFile(path.join(dir, name), 'utf8');
    const topology = loadTopology(text, name).topology;
    if (!topology) {
      console.error(`switchboard: template ${name} does not load; skipped.`);
      continue;
    }
    templates.push({
      id: name.replace(/\.ya?ml$/, ''),
      name: topology.metadata.name,
      description: topology.metadata.description,
      text,
      example: topology.metadata.example ?? null,
    });
  }
  // The seed 000 trio first: the simplest place to start.
  return templates.sort((a, b) => Number(b.id === 'seed-000-trio') - Number(a.id === 'seed-000-trio'));
}
