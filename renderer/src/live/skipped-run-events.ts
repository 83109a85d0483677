/**
 * The run events a live batch left out: `trace.appended` carries only the newest records of a
 * busy moment and counts the older ones as skipped, but each agent's state (agent-states.ts)
 * needs every `run.started` and `run.completed`, so those are read back from the host's store.
 */
import type { TraceRecord } from '../../../agents/trace/record';
import type { ApiClient } from '../api';

/** The run events whose state the tally follows. */
const TALLIED = ['run.started', 'run.completed'] as const;

/** The `run.started` and `run.completed` records of a run from `fromSeq` to `toSeq`, in seq order. */
export async function skippedRunEvents(client: ApiClient, runId: string, range: { fromSeq: number; toSeq: number }): Promise<TraceRecord[]> {
  const found: TraceRecord[] = [];
  for (const type of TALLIED) {
    let after = range.fromSeq - 1;
    for (;;) {
      const page = await client.call('trace.query', { runId, query: { kind: 'event', type, after, limit: 1000 } });
      const inRange = page.records.filter((r) => r.seq <= range.toSeq);
      found.push(...inRange);
      if (!page.hasMore || inRange.length < page.records.length || page.records.length === 0) break;
      after = page.records.at(-1)!.seq;
    }
  }
  return found.sort((a, b) => a.seq - b.seq);
}
