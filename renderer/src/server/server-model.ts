/** Pure rules for the server panel's state; the store only calls these. */
import type { LogLine, ServerStatus } from '../../../preload/contract';

/** How many log lines the panel keeps. */
const LOG_CAPACITY = 2000;

/**
 * Applies a new status. State events carry no counters; they keep the last ones while the server
 * stays up, and drop them when it goes down (stale numbers would mislead).
 */
export function applyStatus(previous: ServerStatus | null, next: ServerStatus): ServerStatus {
  if (next.stats || next.state !== 'running' || !previous?.stats || previous.pid !== next.pid) return next;
  return { ...next, stats: previous.stats };
}

/** Appends newer log lines (by sequence number), keeping the last {@link LOG_CAPACITY}. */
export function appendLogs(previous: readonly LogLine[], incoming: readonly LogLine[], capacity = LOG_CAPACITY): LogLine[] {
  const lastSeq = previous.at(-1)?.seq ?? 0;
  const fresh = incoming.filter((line) => line.seq > lastSeq);
  if (fresh.length === 0) return previous as LogLine[];
  const merged = [...previous, ...fresh];
  return merged.length > capacity ? merged.slice(merged.length - capacity) : merged;
}
