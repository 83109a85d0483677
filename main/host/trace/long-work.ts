/**
 * Long trace work (an import, reopening a big run) reports how far it got and can be stopped:
 * the scans call {@link checkpoint} between chunks, which reports bytes done and throws
 * {@link WorkCancelled} once the signal is aborted. Whoever started the work cleans up.
 */

/** How a long piece of work is watched and stopped; both are optional. */
export interface LongWork {
  /** Aborted: the work stops at its next checkpoint. */
  signal?: AbortSignal;
  /** Bytes done of the total, called between chunks. */
  progress?(done: number, total: number): void;
}

/** Thrown at a checkpoint after the work was cancelled. */
export class WorkCancelled extends Error {
  constructor(what = 'the work') {
    super(`Cancelled ${what}.`);
    this.name = 'WorkCancelled';
  }
}

/** Between two chunks: reports progress, and throws WorkCancelled once the work is cancelled. */
export function checkpoint(work: LongWork | undefined, done: number, total: number, what?: string): void {
  if (!work) return;
  if (work.signal?.aborted) throw new WorkCancelled(what);
  work.progress?.(done, total);
}
