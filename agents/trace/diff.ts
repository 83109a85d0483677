/**
 * Comparing two runs' conversations: which records are the conversation (bus AgentMessages
 * between agents and from/to outside — not NATS infrastructure, not presence; the runtime's
 * `message.sent` events are not counted, the bus already holds each message once), their digests
 * and keys, and a comparison page from an alignment (diff-align.ts). Isomorphic: the CLI reads
 * NDJSON, the host reads stores, both end here.
 */
import { agentMessageOf, isPresence } from './message-facts.js';
import { FLAG_INFRASTRUCTURE, RecordClassifier } from './record-flags.js';
import type { TraceRecord } from './record.js';
import { alignConversations, CHANGED, messageHash, ONLY_A, ONLY_B, SAME, type Alignment, type AlignOptions, type MessageKey } from './diff-align.js';
import { DIGEST_CONTENT_CHARS, type AlignedRow, type AlignedStatus, type MessageDigest, type TraceComparison } from './diff-schema.js';

/** One conversation message: its key for alignment and its digest for display. */
export interface ConversationMessage {
  key: MessageKey;
  digest: MessageDigest;
}

/** Cuts `text` to `max` characters, marking the cut with `…`. */
export function cut(text: string, max: number = DIGEST_CONTENT_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The conversation message a record is, given its record-flags.ts flags; null for events,
 * infrastructure, payloads that are no AgentMessage, announcements and heartbeats.
 */
export function conversationMessage(record: TraceRecord, flags: number): ConversationMessage | null {
  if (record.kind !== 'message' || (flags & FLAG_INFRASTRUCTURE) !== 0) return null;
  const message = agentMessageOf(record);
  if (!message || isPresence(message)) return null;
  const { from_agent: from, to_agent: to, message_type: type, content } = message;
  return {
    key: { from, to, type, hash: messageHash(type, content) },
    digest: { seq: record.seq, time: record.time, from, to, type, subject: record.subject, content: cut(content) },
  };
}

/** Collects a run's conversation messages from its records in seq order (classifying them on the way). */
export class ConversationCollector {
  readonly messages: ConversationMessage[] = [];
  private readonly classifier = new RecordClassifier();

  /** Adds the next record of the run. */
  add(record: TraceRecord): void {
    const flags = this.classifier.add(record);
    const message = conversationMessage(record, flags);
    if (message) this.messages.push(message);
  }
}

/** The conversation messages of a whole run. */
export function conversationOf(records: Iterable<TraceRecord>): ConversationMessage[] {
  const collector = new ConversationCollector();
  for (const record of records) collector.add(record);
  return collector.messages;
}

const STATUS: Record<number, AlignedStatus> = { [SAME]: 'same', [CHANGED]: 'changed', [ONLY_A]: 'only-a', [ONLY_B]: 'only-b' };

/** One row of an alignment by index: positions into A's and B's message lists (-1: none) and its status. */
export interface RowRef {
  index: number;
  a: number;
  b: number;
  status: AlignedStatus;
}

/** The rows `offset` … `offset + limit` of an alignment, as positions. */
export function rowRefs(alignment: Alignment, offset: number, limit: number): RowRef[] {
  const end = Math.min(alignment.status.length, offset + limit);
  const refs: RowRef[] = [];
  for (let index = offset; index < end; index++) refs.push({ index, a: alignment.a[index]!, b: alignment.b[index]!, status: STATUS[alignment.status[index]!]! });
  return refs;
}

/** The fields in which a changed row's two messages differ. */
export function differingFields(a: MessageKey, b: MessageKey): string[] {
  const fields: string[] = [];
  if (a.from !== b.from) fields.push('from');
  if (a.to !== b.to) fields.push('to');
  if (a.type !== b.type) fields.push('type');
  if (a.hash !== b.hash) fields.push('content');
  return fields;
}

/** The comparison's summary and a page of rows whose messages `row` resolves. */
export function comparisonPage(alignment: Alignment, runs: { a: string; b: string; messagesA: number; messagesB: number }, offset: number, rows: AlignedRow[]): TraceComparison {
  return {
    summary: { a: { runId: runs.a, messages: runs.messagesA }, b: { runId: runs.b, messages: runs.messagesB }, same: alignment.same, changed: alignment.changed, onlyA: alignment.onlyA, onlyB: alignment.onlyB },
    firstDivergence: alignment.firstDivergence,
    total: alignment.status.length,
    offset,
    rows,
  };
}

/** The aligned row of `ref` from both runs' messages. */
export function alignedRow(ref: RowRef, a: ConversationMessage | null, b: ConversationMessage | null): AlignedRow {
  return { index: ref.index, status: ref.status, a: a?.digest ?? null, b: b?.digest ?? null, differs: ref.status === 'changed' && a && b ? differingFields(a.key, b.key) : [] };
}

/** Two conversations compared whole, in memory: the alignment and a page of it (the CLI's and the tests' entry). */
export function compareConversations(
  a: readonly ConversationMessage[],
  b: readonly ConversationMessage[],
  page: { runA?: string; runB?: string; offset?: number; limit?: number } = {},
  options: AlignOptions = {},
): { alignment: Alignment; comparison: TraceComparison } {
  const alignment = alignConversations(
    a.map((m) => m.key),
    b.map((m) => m.key),
    options,
  );
  const offset = page.offset ?? 0;
  const rows = rowRefs(alignment, offset, page.limit ?? alignment.status.length).map((ref) => alignedRow(ref, ref.a >= 0 ? a[ref.a]! : null, ref.b >= 0 ? b[ref.b]! : null));
  return { alignment, comparison: comparisonPage(alignment, { a: page.runA ?? 'a', b: page.runB ?? 'b', messagesA: a.length, messagesB: b.length }, offset, rows) };
}
