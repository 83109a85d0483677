/**
 * Turns the recorder's journal into store records: bus bytes through the NATS protocol decoder,
 * runtime events as they were queued, put in the order they happened (causal-order.ts: a message
 * an agent of this process sent or received takes its time and place from that runtime event).
 * Decoding is deterministic (it depends on the journal alone), so after a crash a store replays
 * the journal from its checkpoint and skips the records it already has.
 */
import { eventFactsJson, type FlagFacts } from '../../../agents/trace/record-flags.js';
import { BusDecoder } from './bus-decoder.js';
import { CausalOrder, type Ordered } from './causal-order.js';
import { ENTRY_BUS, ENTRY_EVENT, ENTRY_STREAM, JournalReader, journalFiles, readCheckpoint, type Checkpoint, type JournalEntry, type JournalPosition } from './journal.js';
import { RecordFormatter } from './record-line.js';

/** Where records go: the store's append side. */
export interface RecordTarget {
  readonly nextSeq: number;
  lastMono: number;
  appendLine(line: string, kind: 'message' | 'event', timeMs: number, subject: string | null, agentA: string | null, agentB: string | null, type: string | null, reply: string | null, facts: FlagFacts): number;
}

export interface DecoderHooks {
  /** A record was appended. */
  appended?(line: string, seq: number, mono: number): void;
  /** The server sent -ERR (e.g. the subscription was refused). */
  serverError?(text: string): void;
  /** A record could not be appended (the store refused it). */
  failed?(error: unknown): void;
}

export class JournalDecoder {
  private readonly reader: JournalReader;
  private readonly bus: BusDecoder;
  private readonly format: RecordFormatter;
  private seq: number;
  private entry: JournalEntry | null = null;
  /** Skip this many bytes of the first entry read: the checkpoint is inside it. */
  private skipFirst: number;
  /** Where the frame being decoded begins (or the next entry, between frames), and its seq. */
  private frame: JournalPosition & { seq: number };
  /** Protocol streams seen (one per tap connection) and PONGs in the current one. */
  streams = 0;
  pongs = 0;
  private readonly order: CausalOrder;
  /** Journal entries decoded (their ordinals rank records of equal time). */
  private entries = 0;

  constructor(
    dir: string,
    from: Checkpoint,
    private readonly target: RecordTarget,
    private readonly payloadLimit: number,
    private readonly hooks: DecoderHooks = {},
    /** Records below this seq are already stored (replay): they are decoded and dropped. */
    private readonly skipBelow = 0,
  ) {
    this.reader = new JournalReader(dir, from);
    this.format = new RecordFormatter(payloadLimit);
    this.seq = from.seq;
    this.skipFirst = from.inner;
    this.frame = { file: from.file, offset: from.offset, inner: from.inner, seq: from.seq };
    this.order = new CausalOrder((record) => this.store(record));
    this.bus = new BusDecoder({
      message: (subject, reply, headers, data) => this.message(subject, reply, headers, data),
      pong: () => this.pongs++,
      error: (text) => this.hooks.serverError?.(text),
    });
  }

  /**
   * Decodes entries before `limit` (null: to the end of the journal) until `deadline`
   * (performance.now() ms); true when nothing is left before the limit. `complete` is a journal
   * time before which everything captured is before the limit: records waiting on a message the
   * tap has not shown yet are released as time goes on, even while nothing new is journaled.
   */
  run(limit: JournalPosition | null, deadline = Number.POSITIVE_INFINITY, complete?: number): boolean {
    for (;;) {
      const entry = this.reader.next(limit);
      if (!entry) {
        if (complete !== undefined && !this.order.idle) {
          this.order.advance(complete);
          this.order.release();
          this.mark(this.reader.position);
        }
        return true;
      }
      this.decode(entry);
      if (performance.now() >= deadline) return false;
    }
  }

  /** True while records wait for their turn (decoding again later, with time gone on, releases them). */
  get holding(): boolean {
    return !this.order.idle;
  }

  /** The journal ended (the recorder stopped, or a replay read all of it): every held record is stored. */
  finish(): void {
    this.order.finish();
    this.mark(this.reader.position);
  }

  /** The position to resume from after a crash: a frame boundary, and the seq of the record there. */
  checkpoint(): Checkpoint {
    return { ...this.frame, payloadLimit: this.payloadLimit };
  }

  close(): void {
    this.reader.close();
  }

  private decode(entry: JournalEntry): void {
    const skip = this.skipFirst;
    this.skipFirst = 0;
    const next = this.reader.position;
    const order = this.order;
    order.advance(entry.mono, this.entries++);
    if (entry.kind === ENTRY_BUS) {
      const data = skip > 0 ? entry.data.subarray(skip) : entry.data;
      this.entry = entry;
      const heldBefore = this.bus.pending;
      this.bus.feed(data);
      this.entry = null;
      if (!order.idle) order.release();
      const held = this.bus.pending;
      if (held === 0) this.mark(next);
      else if (held !== heldBefore + data.length && order.idle) {
        // A frame began in this entry and is incomplete; every record before it is out.
        this.frame = { file: entry.file, offset: entry.offset, inner: skip + data.length - held, seq: this.seq };
      } // else the frame that was incomplete still is: it begins where it did (or records wait: the last mark stands)
      return;
    }
    if (entry.kind === ENTRY_STREAM) {
      this.bus.reset(); // a frame cut off by a lost connection never completes
      this.streams++;
      this.pongs = 0;
    } else if (entry.kind === ENTRY_EVENT) this.event(entry);
    if (!order.idle) order.release();
    if (this.bus.pending === 0) this.mark(next);
  }

  /** Decoding could start afresh at `at` (between frames, nothing held): the checkpoint moves there. */
  private mark(at: { file: number; offset: number }): void {
    if (this.bus.pending === 0 && this.order.idle) this.frame = { file: at.file, offset: at.offset, inner: 0, seq: this.seq };
  }

  private message(subject: string, reply: string | null, headers: Uint8Array | null, data: Uint8Array): void {
    const { wallMs, mono } = this.entry!;
    if (this.order.idle) {
      // Nothing waits and no agent of this process spoke lately: stored at once, at the tap's time.
      const seq = this.seq++;
      if (seq < this.skipBelow) return;
      try {
        this.expect(seq);
        const m = this.format.message(seq, wallMs, mono, subject, reply, headers, data);
        this.target.appendLine(m.line, 'message', wallMs, subject, m.from, m.to, m.type, reply, m.facts);
        this.appended(m.line, seq, mono);
      } catch (error) {
        this.hooks.failed?.(error);
      }
      return;
    }
    const m = this.format.message(0, wallMs, mono, subject, reply, headers, data);
    const at = this.order.bus(subject, m.id, mono, wallMs);
    if (at.fromEvent) m.facts.mono = at.mono;
    this.order.push({ mono: at.mono, wallMs: at.wallMs, rank: at.rank, line: m.line, kind: 'message', subject, agentA: m.from, agentB: m.to, type: m.type, reply, facts: m.facts });
  }

  private event(entry: JournalEntry): void {
    const text = entry.data.toString('utf8');
    const first = text.indexOf('\n');
    const second = text.indexOf('\n', first + 1);
    const name = text.slice(0, first);
    const agentJson = text.slice(first + 1, second);
    const payloadJson = text.slice(second + 1);
    const { wallMs, mono } = entry;
    let eventName: string;
    let agent: string;
    try {
      eventName = JSON.parse(name) as string;
      agent = JSON.parse(agentJson) as string;
      if (eventName === 'message.sent' || eventName === 'message.received') this.spoke(eventName, payloadJson, mono, wallMs);
    } catch (error) {
      this.skip(error);
      return;
    }
    const line = this.format.event(0, wallMs, mono, name, agentJson, payloadJson);
    this.order.push({ mono, wallMs, rank: 4 * (this.entries - 1), line, kind: 'event', subject: null, agentA: agent, agentB: null, type: eventName, reply: null, facts: eventFactsJson(eventName, mono, payloadJson) });
  }

  /** An agent of this process sent or received a message: its bus record is placed and timed by this. */
  private spoke(name: 'message.sent' | 'message.received', payloadJson: string, mono: number, wallMs: number): void {
    const p = JSON.parse(payloadJson) as { subject?: unknown; message?: { message_id?: unknown } };
    const id = p.message?.message_id;
    if (typeof p.subject !== 'string' || typeof id !== 'string') return;
    if (name === 'message.sent') this.order.sent(p.subject, id, mono, wallMs);
    else this.order.received(p.subject, id, mono, wallMs);
  }

  /** Stores a record whose turn has come: it gets the next seq now. */
  private store(r: Ordered): void {
    const seq = this.seq++;
    if (seq < this.skipBelow) return;
    try {
      this.expect(seq);
      const line = this.format.restamp(r.line, seq, r.wallMs, r.mono);
      this.target.appendLine(line, r.kind, r.wallMs, r.subject, r.agentA, r.agentB, r.type, r.reply, r.facts);
      this.appended(line, seq, r.mono);
    } catch (error) {
      this.hooks.failed?.(error);
    }
  }

  /** A journal entry that cannot become a record (a torn event): reported, and it takes no seq. */
  private skip(error: unknown): void {
    this.hooks.failed?.(error);
  }

  private expect(seq: number): void {
    if (seq !== this.target.nextSeq) throw new Error(`the journal is at record ${seq} but the store expects ${this.target.nextSeq}`);
  }

  private appended(line: string, seq: number, mono: number): void {
    this.target.lastMono = mono;
    this.hooks.appended?.(line, seq, mono);
  }
}

/** What a replay added, and how many records it could not store (the store refused them). */
export interface Replay {
  replayed: number;
  failed: number;
}

/**
 * Decodes what a crashed recorder journaled but had not stored, into `target`. The caller
 * flushes the store, then retires the journal.
 */
export function replayJournal(dir: string, target: RecordTarget): Replay {
  const cp = readCheckpoint(dir);
  // No checkpoint (never written, or retired first) or its file gone: nothing to place.
  if (!cp || !journalFiles(dir).includes(cp.file)) return { replayed: 0, failed: 0 };
  const before = target.nextSeq;
  let failed = 0;
  const decoder = new JournalDecoder(dir, cp, target, cp.payloadLimit, { failed: () => failed++ }, before);
  try {
    decoder.run(null);
    decoder.finish();
  } finally {
    decoder.close();
  }
  return { replayed: target.nextSeq - before, failed };
}
