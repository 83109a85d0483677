/**
 * `npm run bench`: every benchmark, each printing medians and ratios against a raw baseline
 * measured in the same run. Informational: nothing here fails on absolute time.
 */
import { runAgentBench } from './agents.bench.js';
import { runDesignerBench } from './designer.bench.js';
import { runPatternsBench } from './patterns.bench.js';
import { runStartupBench } from './startup.bench.js';
import { runTraceBench } from './trace.bench.js';

console.log(`Switchboard benchmarks — node ${process.version}, ${process.platform}-${process.arch}\n`);
await runStartupBench();
await runAgentBench();
await runPatternsBench();
await runTraceBench();
await runDesignerBench();
