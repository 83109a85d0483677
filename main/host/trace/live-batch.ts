/**
 * Live batches of the recorder: what each subscriber gets per tick. A batch carries at most the
 * newest `maxQueue` records; older ones since the subscriber's last batch are reported as one
 * skipped range before them (the store has them), so a flood never floods the listeners.
 */
import type { TraceRecord } from '../../../agents/trace/record.js';

/** Records a subscriber missed because it fell behind: read them from the store. */
export interface SkippedRange {
  count: number;
  /** Resync from here: the first skipped seq. */
  fromSeq: number;
  toSeq: number;
}

/** One live delivery: possibly a range that was skipped, then the newest records after it, in order. */
export interface LiveBatch {
  records: TraceRecord[];
  skipped: SkippedRange | null;
}

/** Receives live batches; a returned promise marks the subscriber busy until it settles. */
export type LiveListener = (batch: LiveBatch) => void | Promise<void>;

/** The most records one batch carries (default 10,000): the newest; older ones since the last batch are skipped. */
export interface LiveOptions {
  maxQueue?: number;
}

/** One subscriber's state between batches. */
export interface Subscriber {
  listener: LiveListener;
  maxQueue: number;
  busy: boolean;
  /** Records since the last batch (trimmed to the newest `maxQueue` lazily), and their seqs. */
  queue: string[];
  seqs: number[];
  skipped: SkippedRange | null;
}

/** Drops a subscriber's queued records older than its newest `maxQueue`, adding them to its skipped range (they are older than what stays queued). */
export function skipOldest(s: Subscriber): void {
  const drop = s.queue.length - s.maxQueue;
  if (drop <= 0) return;
  const toSeq = s.seqs[drop - 1]!;
  if (s.skipped) {
    s.skipped.count += drop;
    s.skipped.toSeq = toSeq;
  } else s.skipped = { count: drop, fromSeq: s.seqs[0]!, toSeq };
  s.queue.splice(0, drop);
  s.seqs.splice(0, drop);
}

/** The subscriber's next batch (skipped range, then the newest records), leaving it empty. */
export function takeBatch(s: Subscriber): LiveBatch {
  skipOldest(s);
  const batch: LiveBatch = { skipped: s.skipped, records: s.queue.map((line) => JSON.parse(line) as TraceRecord) };
  s.queue = [];
  s.seqs = [];
  s.skipped = null;
  return batch;
}
