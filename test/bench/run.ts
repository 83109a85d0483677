/**
 * `npm run bench`: every benchmark, each printing medians and ratios against a raw baseline
 * measured in the same run. Informational: nothing here fails on absolute time.
 * `npm run bench -- --only NAME` runs one group (the UI benchmarks are long).
 */
import { parseArgs } from 'node:util';
import { runAgentBench } from './agents.bench.js';
import { runDesignerBench } from './designer.bench.js';
import { runPatternsBench } from './patterns.bench.js';
import { runStartupBench } from './startup.bench.js';
import { runTraceBench } from './trace.bench.js';

// In the order a full run takes them.
const GROUPS: Record<string, () => Promise<void>> = {
  startup: runStartupBench,
  agents: runAgentBench,
  patterns: runPatternsBench,
  trace: runTraceBench,
  designer: runDesignerBench,
};
const USAGE = `Usage: npm run bench [-- --only NAME]\nGroups: ${Object.keys(GROUPS).join(', ')}`;

let only: string | undefined;
try {
  ({ values: { only } } = parseArgs({ options: { only: { type: 'string' } }, strict: true, allowPositionals: false }));
} catch (error) {
  console.error(`bench: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (only !== undefined && !Object.hasOwn(GROUPS, only)) {
  console.error(`bench: no group "${only}".\n${USAGE}`);
  process.exit(2);
}

console.log(`Switchboard benchmarks — node ${process.version}, ${process.platform}-${process.arch}\n`);
for (const [name, run] of Object.entries(GROUPS)) if (only === undefined || only === name) await run();
