/** Reading a whole stored run back in tests. */
import type { TraceRecord } from '../../agents/trace/record.js';
import type { TraceStore } from '../../main/host/trace/index.js';

/** Every record of the store, in seq order (paged as the UI pages). */
export async function storedRecords(store: TraceStore): Promise<TraceRecord[]> {
  const all: TraceRecord[] = [];
  for (let after = 0; ; ) {
    const page = await store.query({ after, limit: 1000 });
    all.push(...page.records);
    if (!page.hasMore) return all;
    after = page.records.at(-1)!.seq;
  }
}
