/**
 * `trace.getTimeline` on a generated run of one million records (test/helpers/trace-long-run.ts:
 * 20 agents, an OODA phase in 20 records, requests and replies between agents): the first call
 * (the drawn records read once through the index), the whole run again from the cache, and a
 * zoomed range; the baseline is `trace.getMetrics`'s first call on the same run (also one read of
 * what its index cannot say). Not a test: prints figures.
 */
import { TraceLibrary } from '../../main/host/trace/index.js';
import { MetricsCache } from '../../main/host/trace/run-metrics.js';
import type { CachedRuns } from '../../main/host/trace/run-read-cache.js';
import { TimelineCache } from '../../main/host/trace/timeline-cache.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { writeLongRun } from '../helpers/trace-long-run.js';
import { median, report } from './stats.js';

const RECORDS = 1_000_000;
const RUNS = 5;

/** Runs the timeline group. */
export async function runTimelineBench(): Promise<void> {
  const dir = await makeTempDir('bench-timeline');
  try {
    const library = new TraceLibrary(dir);
    await writeLongRun(library, 'million', RECORDS);
    const store = await library.open('million');
    const runs: CachedRuns = { isLive: () => false, withStore: async (_runId, use) => use(store) };
    const time = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      const started = performance.now();
      const value = await fn();
      return { ms: performance.now() - started, value };
    };

    const metricsFirst = await time(() => new MetricsCache().get('million', { buckets: 60 }, runs));
    const cache = new TimelineCache();
    const first = await time(() => cache.get('million', { maxItems: 4000 }, runs));
    const whole = first.value;
    report({ name: `getTimeline 1M records, first call`, value: first.ms, unit: 'ms', runs: 1, baseline: { name: 'getMetrics first call', value: metricsFirst.ms } });
    console.log(`  ${whole.total.toLocaleString()} items in the run, ${whole.spans.length + whole.messages.length} returned (truncated: ${whole.truncated}), ${cache.peek('million')!.reads.toLocaleString()} records read`);

    const again: number[] = [];
    for (let i = 0; i < RUNS; i++) again.push((await time(() => cache.get('million', { maxItems: 4000 }, runs))).ms);
    report({ name: `getTimeline 1M records, whole run (cached)`, value: median(again), unit: 'ms', runs: RUNS, target: '< 200 ms' });

    const span = (whole.to! - whole.from!) / 1000;
    const zoomed: number[] = [];
    let items = 0;
    for (let i = 0; i < RUNS; i++) {
      const from = whole.from! + (i + 1) * span * 100;
      const answer = await time(() => cache.get('million', { from, to: from + span, maxItems: 4000 }, runs));
      zoomed.push(answer.ms);
      items = answer.value.total;
    }
    report({ name: `getTimeline 1M records, 1/1000 of it (${items} items)`, value: median(zoomed), unit: 'ms', runs: RUNS, target: '< 200 ms' });
    await store.close();
  } finally {
    await removeTempDir(dir);
  }
}
