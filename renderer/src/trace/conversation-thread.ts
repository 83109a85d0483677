/**
 * A conversation as a mail thread: each record under the one it answers — by `in_reply_to`, by
 * the reply subject a request waits on (a reply that is not an AgentMessage), or as the second
 * copy of a message id already seen (the runtime publishes a handoff twice) — in depth-first
 * order, children by seq. Pure and DOM-free (unit-tested).
 */
import type { TraceRecord } from '../../../agents/trace/record';

/** One line of the thread. */
export interface ThreadEntry {
  seq: number;
  /** How many ancestors it has in the thread (0: a root). */
  depth: number;
  /** The record it answers, when that record is in the thread. */
  parent: number | null;
  /** Known only by seq: the pane was not sent this record. */
  missing: boolean;
}

/** `seqs` (ascending) threaded: parents before children, siblings by seq. */
export function threadConversation(seqs: readonly number[], bySeq: ReadonlyMap<number, TraceRecord>): ThreadEntry[] {
  const firstById = new Map<string, number>();
  const requestByInbox = new Map<string, number>();
  const parentOf = new Map<number, number | null>();
  for (const seq of seqs) {
    const record = bySeq.get(seq);
    let parent: number | null = null;
    if (record?.kind === 'message') {
      const message = record.parsed.ok ? record.parsed.message : null;
      const copyOf = message ? firstById.get(message.message_id) : undefined;
      const answers = message?.in_reply_to ? firstById.get(message.in_reply_to) : undefined;
      parent = copyOf ?? answers ?? requestByInbox.get(record.subject) ?? null;
      if (message && copyOf === undefined) firstById.set(message.message_id, seq);
      if (record.reply !== null && !requestByInbox.has(record.reply)) requestByInbox.set(record.reply, seq);
    }
    parentOf.set(seq, parent);
  }
  const children = new Map<number | null, number[]>();
  for (const seq of seqs) {
    const parent = parentOf.get(seq) ?? null;
    const list = children.get(parent);
    if (list) list.push(seq);
    else children.set(parent, [seq]);
  }
  const out: ThreadEntry[] = [];
  // Iterative depth-first walk: a long chain of replies must not overflow the stack.
  const stack: { seq: number; depth: number }[] = (children.get(null) ?? []).map((seq) => ({ seq, depth: 0 })).reverse();
  while (stack.length > 0) {
    const { seq, depth } = stack.pop()!;
    out.push({ seq, depth, parent: parentOf.get(seq) ?? null, missing: !bySeq.has(seq) });
    const below = children.get(seq);
    if (below) for (let i = below.length - 1; i >= 0; i--) stack.push({ seq: below[i]!, depth: depth + 1 });
  }
  return out;
}

/** How many entries to show: at least `limit`, and always far enough to include `selected`. */
export function shownCount(entries: readonly ThreadEntry[], selected: number, limit: number): number {
  const at = entries.findIndex((e) => e.seq === selected);
  return Math.min(entries.length, Math.max(limit, at + 1));
}
