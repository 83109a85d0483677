/**
 * What the trace table and the detail pane need about a page of records or one record, found
 * without reading the run: a request's reply and a reply's request through the reply index
 * (checked against the records read), and a record's handoff chain and conversation by
 * correlating (correlate.ts) the messages in a window of seqs around it.
 */
import { Correlator } from '../../../agents/trace/correlate.js';
import { agentMessageOf } from '../../../agents/trace/message-facts.js';
import type { MessageRecord, TraceRecord } from '../../../agents/trace/record.js';
import type { ReplyIndex } from '../../../agents/trace/reply-index.js';
import { RELATED_LIMIT, rowFacts, type RelatedRecords, type RowFacts } from '../../../agents/trace/row-facts.js';
import { isSynadiaPrompt } from '../../../agents/trace/synadia-rows.js';
import type { RunIndex } from './run-index.js';
import { isoMs, KIND_BIT, KIND_MESSAGE } from './trace-index.js';
import type { TraceReader } from './trace-reader.js';

/** Seqs on each side of a record whose messages are correlated for its chain and conversation. */
const RELATED_WINDOW = 5000;
/** Records read at a time while correlating a window. */
const WINDOW_BATCH = 1024;

/** A record's request (when it is a reply) and reply (when it is a request). */
interface Partners {
  request: MessageRecord | null;
  reply: MessageRecord | null;
}

/** Facts and related records of one stored run. */
export class RecordLookups {
  constructor(
    private readonly reader: TraceReader,
    private readonly index: RunIndex,
    private readonly replies: ReplyIndex,
    /** True while more records can come (a recorder is writing the run). */
    private readonly live: () => boolean,
  ) {}

  /** The facts of each record, in order, seeing the first `n` records of the run. */
  async facts(records: readonly TraceRecord[], n: number): Promise<RowFacts[]> {
    const partners = await this.partners(records, n);
    return records.map((record) => this.factsOf(record, partners.get(record.seq), n));
  }

  /** The record with this seq and what relates to it, or null when there is no such record among the first `n`. */
  async related(seq: number, n: number): Promise<RelatedRecords | null> {
    if (!Number.isInteger(seq) || seq < 1 || seq > n) return null;
    const [record] = await this.reader.read([seq - 1]);
    if (!record) return null;
    const partners = (await this.partners([record], n)).get(seq) ?? { request: null, reply: null };
    const facts = this.factsOf(record, partners, n);
    const window = { from: Math.max(1, seq - RELATED_WINDOW), to: Math.min(n, seq + RELATED_WINDOW) };
    const correlator = new Correlator();
    const kinds = this.index.records.kind;
    for (let i = window.from - 1; i < window.to; ) {
      const ids: number[] = [];
      for (; i < window.to && ids.length < WINDOW_BATCH; i++) if ((kinds[i]! & KIND_BIT) === KIND_MESSAGE) ids.push(i);
      for (const r of await this.reader.read(ids)) correlator.add(r);
    }
    const message = agentMessageOf(record);
    const ids = new Set([message?.message_id, message?.in_reply_to].filter((id): id is string => typeof id === 'string'));
    const chain = correlator.chains().find((c) => c.hops.some((hop) => hop.seq === seq || ids.has(hop.messageId)));
    // A reply that is not an AgentMessage is threaded with its request.
    const anchor = partners.request?.seq;
    const conversation = correlator.conversations().find((c) => c.seqs.includes(seq) || (anchor !== undefined && c.seqs.includes(anchor)));
    const chainSeqs = chain ? nearest(chain.hops.map((hop) => hop.seq), seq) : [];
    const conversationSeqs = conversation ? nearest(conversation.seqs, seq) : [];
    const known: TraceRecord[] = [record, ...[partners.request, partners.reply].filter((r) => r !== null)];
    const named = new Set([...chainSeqs, ...conversationSeqs]);
    for (const r of known) named.delete(r.seq);
    const others = await this.reader.read([...named].map((s) => s - 1));
    return {
      seq,
      facts,
      chain: chain ? { id: chain.id, agents: chain.agents, total: chain.hops.length, seqs: chainSeqs } : null,
      conversation: conversation ? { id: conversation.id, agents: conversation.agents, total: conversation.seqs.length, seqs: conversationSeqs } : null,
      window,
      records: [...known, ...others].sort((a, b) => a.seq - b.seq),
    };
  }

  private factsOf(record: TraceRecord, partners: Partners | undefined, n: number): RowFacts {
    const time = this.index.records.time;
    const waitedMs = n > 0 ? time[n - 1]! - isoMs(record.time) : 0;
    return rowFacts(record, { request: partners?.request ?? null, reply: partners?.reply ?? null, waitedMs: Number.isNaN(waitedMs) ? 0 : waitedMs, ended: !this.live() });
  }

  /** The requests and replies paired with `records` through the reply index, read in one go and checked. */
  private async partners(records: readonly TraceRecord[], n: number): Promise<Map<number, Partners>> {
    const links: { record: MessageRecord; request: number | null; first: boolean; reply: number | null }[] = [];
    const wanted = new Set<number>();
    for (const record of records) {
      if (record.kind !== 'message') continue;
      const reply = record.reply === null ? null : this.replies.replyOf(record.seq, record.reply);
      const first = this.replies.requestOf(record.seq, record.subject);
      // A later message of a Synadia prompt's stream (checked below) belongs to the prompt too.
      const request = first ?? (record.subject.startsWith('_INBOX') ? this.replies.askedBefore(record.seq, record.subject) : null);
      if (reply === null && request === null) continue;
      const link = { record, request, first: first !== null, reply: reply !== null && reply <= n ? reply : null };
      links.push(link);
      if (link.request !== null) wanted.add(link.request);
      if (link.reply !== null) wanted.add(link.reply);
    }
    const out = new Map<number, Partners>();
    if (links.length === 0) return out;
    const ids = [...wanted].map((s) => s - 1);
    const bySeq = new Map((await this.reader.read(ids)).map((r) => [r.seq, r]));
    // A hash can collide: a partner counts only when the subjects say so.
    const message = (seq: number | null) => {
      const r = seq === null ? undefined : bySeq.get(seq);
      return r?.kind === 'message' ? r : null;
    };
    for (const link of links) {
      const request = message(link.request);
      const reply = message(link.reply);
      out.set(link.record.seq, {
        request: request && request.reply === link.record.subject && (link.first || isSynadiaPrompt(request)) ? request : null,
        reply: reply && reply.subject === link.record.reply ? reply : null,
      });
    }
    return out;
  }
}

/** At most RELATED_LIMIT of ascending `seqs`, those nearest `seq`. */
function nearest(seqs: number[], seq: number): number[] {
  if (seqs.length <= RELATED_LIMIT) return seqs;
  let at = seqs.findIndex((s) => s >= seq);
  if (at < 0) at = seqs.length;
  const start = Math.max(0, Math.min(at - RELATED_LIMIT / 2, seqs.length - RELATED_LIMIT));
  return seqs.slice(start, start + RELATED_LIMIT);
}
