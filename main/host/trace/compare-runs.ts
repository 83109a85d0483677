/**
 * `trace.compare` in the host: two runs' conversations (agents/trace/diff.ts) read from their
 * stores — past, imported or live — aligned once and kept (the last two pairs), then paged. Only
 * the records the index says can be conversation are read (messages, not infrastructure, not
 * presence); what is kept per message is its seq, and a page reads its rows' records again.
 */
import { alignConversations, type Alignment, type MessageKey } from '../../../agents/trace/diff-align.js';
import { alignedRow, comparisonPage, conversationMessage, rowRefs, type ConversationMessage } from '../../../agents/trace/diff.js';
import { FLAG_INFRASTRUCTURE } from '../../../agents/trace/record-flags.js';
import { CompareInputSchema, type CompareInput, type TraceComparison } from '../../../agents/trace/diff-schema.js';
import type { TraceStore } from './trace-store.js';
import { KIND_BIT, KIND_EVENT, NAME_OVERFLOW, NO_NAME } from './trace-index.js';

/** Records read in one go. */
const READ_BATCH = 4096;
/** Rows a page has when the caller does not say. */
const DEFAULT_LIMIT = 100;
/** Alignments kept (the last pairs compared). */
const KEEP = 2;

/** How the comparison reaches a run's store (RunManager). */
export interface CompareRunsSource {
  withStore<T>(runId: string, use: (store: TraceStore) => Promise<T> | T): Promise<T>;
}

/** One run's side of an alignment: the seq of each of its conversation messages, in order. */
interface Side {
  runId: string;
  /** Records in the store when it was read (a live run that grew is read again). */
  size: number;
  seqs: Float64Array;
}

interface Entry {
  a: Side;
  b: Side;
  alignment: Alignment;
}

/** `trace.compare`: alignments of the last pairs, paged. */
export class RunComparisons {
  private readonly cache = new Map<string, Promise<Entry>>(); // insertion order: least recently used first
  /** Times a run's messages were read whole (tests check a page does not read them again). */
  scans = 0;

  constructor(private readonly runs: CompareRunsSource) {}

  /** A page of the comparison of runs `a` and `b`. */
  async compare(input: CompareInput): Promise<TraceComparison> {
    const { a, b, offset = 0, limit = DEFAULT_LIMIT } = CompareInputSchema.parse(input);
    const sizes = await Promise.all([a, b].map((runId) => this.runs.withStore(runId, (store) => store.size)));
    const key = JSON.stringify([a, sizes[0], b, sizes[1]]);
    let entry = this.cache.get(key);
    if (entry) this.cache.delete(key);
    else {
      entry = this.align(a, b);
      entry.catch(() => this.cache.get(key) === entry && this.cache.delete(key));
    }
    this.cache.set(key, entry);
    while (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value!);
    const { a: sideA, b: sideB, alignment } = await entry;
    const refs = rowRefs(alignment, Math.min(offset, alignment.status.length), limit);
    const [messagesA, messagesB] = await Promise.all([
      this.messagesAt(sideA, refs.map((r) => r.a)),
      this.messagesAt(sideB, refs.map((r) => r.b)),
    ]);
    const rows = refs.map((ref, k) => alignedRow(ref, messagesA[k]!, messagesB[k]!));
    return comparisonPage(alignment, { a, b, messagesA: sideA.seqs.length, messagesB: sideB.seqs.length }, refs[0]?.index ?? Math.min(offset, alignment.status.length), rows);
  }

  /** Forgets what was kept of a run (it was deleted). */
  forget(runId: string): void {
    for (const key of [...this.cache.keys()]) {
      const [a, , b] = JSON.parse(key) as [string, number, string, number];
      if (a === runId || b === runId) this.cache.delete(key);
    }
  }

  private async align(a: string, b: string): Promise<Entry> {
    const sideA = await this.read(a);
    const sideB = await this.read(b);
    return { a: sideA.side, b: sideB.side, alignment: alignConversations(sideA.keys, sideB.keys) };
  }

  /** Reads a run's conversation messages: their keys (for the alignment) and seqs (kept). */
  private read(runId: string): Promise<{ side: Side; keys: MessageKey[] }> {
    this.scans++;
    return this.runs.withStore(runId, async (store) => {
      const { index, read } = store.metricsSource();
      const n = index.count;
      const { kind, type } = index.records;
      const types = index.tables().types;
      const presence = new Set([types.lookup('heartbeat'), types.lookup('announcement')].filter((id) => id !== undefined));
      const positions: number[] = [];
      for (let i = 0; i < n; i++) {
        // The index's flags decide infrastructure; its type, payloads that are no AgentMessage and presence (unless the table overflowed).
        if ((kind[i]! & KIND_BIT) === KIND_EVENT || (index.flagsAt(i) & FLAG_INFRASTRUCTURE) !== 0) continue;
        if (type[i] === NO_NAME || (type[i] !== NAME_OVERFLOW && presence.has(type[i]!))) continue; // no AgentMessage, or presence
        positions.push(i);
      }
      const keys: MessageKey[] = [];
      const seqs: number[] = [];
      for (let at = 0; at < positions.length; at += READ_BATCH) {
        const batch = positions.slice(at, at + READ_BATCH);
        const records = await read(batch);
        records.forEach((record, k) => {
          const message = conversationMessage(record, index.flagsAt(batch[k]!));
          if (!message) return;
          keys.push(message.key);
          seqs.push(record.seq);
        });
      }
      return { side: { runId, size: n, seqs: Float64Array.from(seqs) }, keys };
    });
  }

  /** The messages at these positions of a side's list (-1: none), read from its store. */
  private async messagesAt(side: Side, at: readonly number[]): Promise<(ConversationMessage | null)[]> {
    const wanted = at.filter((k) => k >= 0).map((k) => side.seqs[k]! - 1);
    if (wanted.length === 0) return at.map(() => null);
    return this.runs.withStore(side.runId, async (store) => {
      const { index, read } = store.metricsSource();
      const records = await read(wanted);
      const bySeq = new Map(records.map((record) => [record.seq, conversationMessage(record, index.flagsAt(record.seq - 1))]));
      return at.map((k) => (k >= 0 ? (bySeq.get(side.seqs[k]!) ?? null) : null));
    });
  }
}
