/**
 * `npm run bench`: every benchmark, each printing medians and ratios against a raw baseline
 * measured in the same run. Informational: nothing here fails on absolute time.
 * `npm run bench -- --only NAME` runs one group (the UI benchmarks are long); dist/ is built first
 * when a group needs it and a source is newer.
 */
import { parseArgs } from 'node:util';
import { setup as buildIfStale } from '../helpers/global-build.js';
import { runAgentBench } from './agents.bench.js';
import { runClusterBench } from './cluster.bench.js';
import { runDesignerBench } from './designer.bench.js';
import { runPatternsBench } from './patterns.bench.js';
import { runProtocolsBench } from './protocols.bench.js';
import { runReplayBench } from './replay.bench.js';
import { runStartupBench } from './startup.bench.js';
import { runTraceBench } from './trace.bench.js';
import { runTraceUiBench } from './trace-ui.bench.js';
import { runTraceDiffBench } from './trace-diff.bench.js';
import { runTimelineBench } from './timeline.bench.js';

// In the order a full run takes them; `built` groups drive the built CLI and renderer (dist/).
const GROUPS: Record<string, { run: () => Promise<void>; built?: true }> = {
  startup: { run: runStartupBench, built: true },
  agents: { run: runAgentBench },
  patterns: { run: runPatternsBench },
  trace: { run: runTraceBench },
  designer: { run: runDesignerBench, built: true },
  'trace-ui': { run: runTraceUiBench, built: true },
  'trace-diff': { run: runTraceDiffBench, built: true },
  replay: { run: runReplayBench },
  timeline: { run: runTimelineBench },
  cluster: { run: runClusterBench },
  protocols: { run: runProtocolsBench },
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

const selected = Object.entries(GROUPS).filter(([name]) => only === undefined || only === name);
// The tests' own freshness check: builds dist/ only when a source is newer than it.
if (selected.some(([, group]) => group.built)) buildIfStale();

console.log(`Switchboard benchmarks — node ${process.version}, ${process.platform}-${process.arch}\n`);
for (const [, group] of selected) await group.run();
