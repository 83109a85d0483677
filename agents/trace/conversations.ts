/**
 * Conversations of a trace: messages linked by `in_reply_to`, a shared conversation/session id or
 * a reply inbox, threaded with union-find so a million-record run threads in near-linear time.
 * Isomorphic.
 */
import type { AgentMessage } from '../protocol/agent-message.js';
import { threadKeyOf } from './message-facts.js';
import type { MessageRecord } from './record.js';

/** Messages that belong together: linked by `in_reply_to`, a shared conversation/session id, or a reply inbox. */
export interface Conversation {
  /** The conversation (or session) id when one was given, else the first message's id. */
  id: string;
  /** The message records' seqs, in order. */
  seqs: number[];
  agents: string[];
  firstMono: number;
  lastMono: number;
  /** OODA runs started by a message of this conversation. */
  runs: string[];
}

interface ThreadData {
  seqs: number[];
  agents: Set<string>;
  firstSeq: number;
  firstMono: number;
  lastMono: number;
  runs: string[];
  threadKey: string | null;
  firstMessageId: string | null;
}

/** Union-find over message ids and thread keys; each root holds its conversation, merged small into large. */
export class ConversationThreads {
  private readonly index = new Map<string, number>();
  private readonly parent: number[] = [];
  private readonly data: (ThreadData | undefined)[] = [];

  addMessage(record: MessageRecord, message: AgentMessage): void {
    let root = this.node(`m:${message.message_id}`);
    if (message.in_reply_to) root = this.union(root, this.node(`m:${message.in_reply_to}`));
    const thread = threadKeyOf(message);
    if (thread) root = this.union(root, this.node(`t:${thread}`));
    const data = this.dataAt(root);
    if (thread) data.threadKey ??= thread;
    if (data.firstMessageId === null || record.seq < data.firstSeq) data.firstMessageId = message.message_id;
    this.addSeq(data, record.seq, record.mono, message.from_agent, message.to_agent);
  }

  addToThreadOf(messageId: string, seq: number, mono: number, agent: string | null): void {
    const node = this.index.get(`m:${messageId}`);
    if (node === undefined) return;
    this.addSeq(this.dataAt(this.find(node)), seq, mono, agent, null);
  }

  /** An OODA run started by message `messageId` belongs to that message's conversation. */
  addRun(runId: string, messageId: string): void {
    this.dataAt(this.find(this.node(`m:${messageId}`))).runs.push(runId);
  }

  conversationOf(messageId: string): Conversation | undefined {
    const node = this.index.get(`m:${messageId}`);
    if (node === undefined) return undefined;
    const data = this.data[this.find(node)];
    return data && data.seqs.length > 0 ? toConversation(data) : undefined;
  }

  idOf(messageId: string): string | undefined {
    const node = this.index.get(`m:${messageId}`);
    const data = node === undefined ? undefined : this.data[this.find(node)];
    return data && data.seqs.length > 0 ? conversationId(data) : undefined;
  }

  conversations(): Conversation[] {
    const out: ThreadData[] = [];
    for (let i = 0; i < this.data.length; i++) {
      const data = this.data[i];
      if (data && data.seqs.length > 0 && this.parent[i] === i) out.push(data);
    }
    return out.sort((a, b) => a.firstSeq - b.firstSeq).map(toConversation);
  }

  private addSeq(data: ThreadData, seq: number, mono: number, from: string | null, to: string | null): void {
    if (data.seqs.length === 0 || seq < data.firstSeq) {
      data.firstSeq = seq;
      data.firstMono = mono;
    }
    data.seqs.push(seq);
    data.lastMono = Math.max(data.lastMono, mono);
    if (from) data.agents.add(from);
    if (to) data.agents.add(to);
  }

  private node(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.parent.length;
      this.index.set(key, i);
      this.parent.push(i);
      this.data.push(undefined);
    }
    return i;
  }

  private find(i: number): number {
    while (this.parent[i] !== i) {
      const up = this.parent[i]!;
      this.parent[i] = this.parent[up]!; // path halving
      i = up;
    }
    return i;
  }

  private dataAt(root: number): ThreadData {
    let data = this.data[root];
    if (!data) {
      data = { seqs: [], agents: new Set(), firstSeq: Infinity, firstMono: 0, lastMono: 0, runs: [], threadKey: null, firstMessageId: null };
      this.data[root] = data;
    }
    return data;
  }

  private union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return ra;
    const da = this.dataAt(ra);
    const db = this.dataAt(rb);
    // Small into large keeps the total copying at O(n log n) in the worst case.
    const [big, small, bigRoot, smallRoot] = da.seqs.length >= db.seqs.length ? [da, db, ra, rb] : [db, da, rb, ra];
    if (small.seqs.length > 0 && (big.seqs.length === 0 || small.firstSeq < big.firstSeq)) {
      big.firstSeq = small.firstSeq;
      big.firstMono = small.firstMono;
      big.firstMessageId = small.firstMessageId ?? big.firstMessageId;
    }
    for (const seq of small.seqs) big.seqs.push(seq);
    for (const agent of small.agents) big.agents.add(agent);
    for (const run of small.runs) big.runs.push(run);
    big.lastMono = Math.max(big.lastMono, small.lastMono);
    big.threadKey ??= small.threadKey;
    this.parent[smallRoot] = bigRoot;
    this.data[smallRoot] = undefined;
    return bigRoot;
  }
}

const conversationId = (data: ThreadData): string => data.threadKey ?? data.firstMessageId ?? `seq-${data.firstSeq}`;

function toConversation(data: ThreadData): Conversation {
  return {
    id: conversationId(data),
    seqs: data.seqs.slice().sort((a, b) => a - b),
    agents: [...data.agents],
    firstMono: data.firstMono,
    lastMono: data.lastMono,
    runs: data.runs.slice(),
  };
}
