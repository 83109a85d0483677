/**
 * Puts the journal's bus messages and runtime events in the order they happened, with the times
 * they happened at, before they become records.
 *
 * The tap reads the bus on its own connection, so it sees a message later than the agents of this
 * process do: an agent's `message.sent` is journaled before the bytes go out, and the receiving
 * agent's `message.received` often before the tap's read of the same message. And the tap stamps
 * a socket read, not a frame: a request and its reply read together would get one time (0 ms of
 * latency). For a message an in-process agent sent or received, the runtime event says when it
 * really was on the bus: the record takes the earliest such time (the sender's, else the first
 * receiver's) and its place in the order — right after the `message.sent`, right before the
 * first `message.received`. Messages no agent of this process saw keep the tap's time; frames of
 * one read that arrived apart cannot be told apart (the read is all the tap knows), so they share
 * it, in the order the server sent them.
 *
 * Records wait here only while a message an agent sent or received has not come through the tap
 * yet (normally well under a millisecond of journal time); after GIVE_UP_MS it is given up on and
 * the message, if it still comes, keeps the tap's time. Every decision depends only on the journal
 * (entry order and times, and how far the journal is known to be complete), so a replay after a
 * crash orders and numbers the records exactly as the recorder did.
 */
import type { FlagFacts } from '../../../agents/trace/record-flags.js';

/** How long (journal ms) a message an agent sent or received is waited for on the tap. */
export const GIVE_UP_MS = 250;

/** A record ready to be stored, with where it goes in the order. */
export interface Ordered {
  /** Run-relative ms, and the wall-clock ms of the same moment. */
  mono: number;
  wallMs: number;
  /** Among equal `mono`: 4 × the journal entry's ordinal, ± 2 for a bus message placed beside its event. */
  rank: number;
  /** Its line, with seq 0 and maybe the tap's time: stamped with its seq and `mono` when it is stored. */
  line: string;
  kind: 'message' | 'event';
  subject: string | null;
  agentA: string | null;
  agentB: string | null;
  type: string | null;
  reply: string | null;
  facts: FlagFacts;
}

/** A message an in-process agent sent or received, not yet seen on the tap. */
interface Waiting {
  key: string;
  subject: string;
  mono: number;
  wallMs: number;
  /** Where its bus message goes: after the `message.sent` (+2), before the `message.received` (−2). */
  rank: number;
  live: boolean;
}

/** The time and place the next bus message takes. */
export interface BusStamp {
  mono: number;
  wallMs: number;
  rank: number;
  /** True when it came from a runtime event, not the tap. */
  fromEvent: boolean;
}

/** Orders one journal's records; `emit` stores them, in order. */
export class CausalOrder {
  private readonly waiting = new Map<string, Waiting>();
  /** The oldest live waiting message on each subject: what a bus message that is not an AgentMessage (seed 001's task wire) matches. */
  private readonly bySubject = new Map<string, Waiting>();
  /** Waiting messages in journal order (given up or matched ones are skipped lazily). */
  private queue: Waiting[] = [];
  private head = 0;
  private live = 0;
  /** Keys of messages seen on the tap lately while agents were active: a `message.received` after them waits for nothing. */
  private readonly seen = new Map<string, number>();
  private seenQueue: { key: string; mono: number }[] = [];
  private seenHead = 0;
  /** Agents of this process spoke until this journal time: bus messages are remembered until then. */
  private activeUntil = Number.NEGATIVE_INFINITY;
  /** Records waiting for their turn, in order. */
  private held: Ordered[] = [];
  private heldHead = 0;
  /** The journal's latest time and entry, as far as it is known. */
  private mono = Number.NEGATIVE_INFINITY;
  private entry = -1;

  constructor(private readonly emit: (record: Ordered) => void) {}

  /**
   * True when nothing waits and no agent spoke lately: the next record can be stored at once, at
   * the tap's time (the decoder's fast path, with no work here per record), and decoding could
   * start afresh here (a checkpoint).
   */
  get idle(): boolean {
    return this.live === 0 && this.heldHead === this.held.length && this.seen.size === 0 && this.mono > this.activeUntil;
  }

  /** A journal entry with this time and ordinal is next (or, with no entry, the journal is complete up to `mono`). */
  advance(mono: number, entry = this.entry): void {
    if (mono > this.mono) this.mono = mono;
    this.entry = entry;
    const horizon = this.mono - GIVE_UP_MS;
    while (this.head < this.queue.length) {
      const w = this.queue[this.head]!;
      if (w.live && w.mono >= horizon) break;
      if (w.live) this.drop(w);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    while (this.seenHead < this.seenQueue.length && this.seenQueue[this.seenHead]!.mono < horizon) {
      const { key, mono: at } = this.seenQueue[this.seenHead++]!;
      if (this.seen.get(key) === at) this.seen.delete(key);
    }
    if (this.seenHead > 1024 && this.seenHead * 2 > this.seenQueue.length) {
      this.seenQueue = this.seenQueue.slice(this.seenHead);
      this.seenHead = 0;
    }
  }

  /** An agent of this process published `messageId` on `subject` (journaled before the bytes went out). */
  sent(subject: string, messageId: string, mono: number, wallMs: number): void {
    this.activeUntil = mono + GIVE_UP_MS;
    const key = keyOf(subject, messageId);
    if (!this.waiting.has(key)) this.wait({ key, subject, mono, wallMs, rank: 4 * this.entry + 2, live: true });
  }

  /** An agent of this process received `messageId` on `subject`: its bus record goes before this, unless the tap had it already. */
  received(subject: string, messageId: string, mono: number, wallMs: number): void {
    this.activeUntil = mono + GIVE_UP_MS;
    const key = keyOf(subject, messageId);
    if (this.seen.has(key) || this.seen.has(keyOf(subject, '')) || this.waiting.has(key)) return;
    this.wait({ key, subject, mono, wallMs, rank: 4 * this.entry - 2, live: true });
  }

  /** When and where the bus message with this subject and AgentMessage id (null: not one) read at `mono` goes. */
  bus(subject: string, messageId: string | null, mono: number, wallMs: number): BusStamp {
    const w = messageId === null ? this.bySubject.get(subject) : this.waiting.get(keyOf(subject, messageId));
    if (this.mono <= this.activeUntil) {
      // Not an AgentMessage: remembered by subject alone, as it is matched.
      const key = keyOf(subject, messageId ?? '');
      this.seen.set(key, mono);
      this.seenQueue.push({ key, mono });
    }
    if (!w) return { mono, wallMs, rank: 4 * this.entry, fromEvent: false };
    this.drop(w);
    return { mono: w.mono, wallMs: w.wallMs, rank: w.rank, fromEvent: true };
  }

  /** Takes a record: stored at once when nothing can come before it, else held until then. */
  push(record: Ordered): void {
    const held = this.held;
    if (this.heldHead === held.length && this.before(record)) {
      this.emit(record);
      return;
    }
    // Mostly in order: find the place from the end (after equals, so ties keep journal order).
    let at = held.length;
    while (at > this.heldHead && later(held[at - 1]!, record)) at--;
    held.splice(at, 0, record);
  }

  /** Stores every held record nothing can come before any more. */
  release(): void {
    const held = this.held;
    while (this.heldHead < held.length && this.before(held[this.heldHead]!)) this.emit(held[this.heldHead++]!);
    if (this.heldHead === held.length) {
      this.held = [];
      this.heldHead = 0;
    }
  }

  /** The journal ended: nothing more is waited for; every held record is stored. */
  finish(): void {
    for (const w of this.waiting.values()) w.live = false;
    this.waiting.clear();
    this.bySubject.clear();
    this.queue = [];
    this.head = 0;
    this.live = 0;
    this.seen.clear();
    this.seenQueue = [];
    this.seenHead = 0;
    this.activeUntil = Number.NEGATIVE_INFINITY;
    while (this.heldHead < this.held.length) this.emit(this.held[this.heldHead++]!);
    this.held = [];
    this.heldHead = 0;
  }

  /** True when nothing still to come can go before `record`. */
  private before(record: Ordered): boolean {
    // Later entries: at this time or later, ranked after this entry's.
    if (record.mono > this.mono || (record.mono === this.mono && record.rank > 4 * this.entry + 1)) return false;
    // A waiting message's bus record will take its time and rank.
    const w = this.oldestLive();
    return !w || record.mono < w.mono || (record.mono === w.mono && record.rank < w.rank);
  }

  private oldestLive(): Waiting | null {
    while (this.head < this.queue.length && !this.queue[this.head]!.live) this.head++;
    return this.head < this.queue.length ? this.queue[this.head]! : null;
  }

  private wait(w: Waiting): void {
    this.waiting.set(w.key, w);
    if (!this.bySubject.has(w.subject)) this.bySubject.set(w.subject, w);
    this.queue.push(w);
    this.live++;
  }

  /** Matched or given up: no longer waited for. */
  private drop(w: Waiting): void {
    if (!w.live) return;
    w.live = false;
    this.live--;
    if (this.waiting.get(w.key) === w) this.waiting.delete(w.key);
    if (this.bySubject.get(w.subject) === w) {
      this.bySubject.delete(w.subject);
      // The next live one on the subject, if any, takes its place.
      for (let i = this.head; i < this.queue.length; i++) {
        const next = this.queue[i]!;
        if (next.live && next.subject === w.subject) {
          this.bySubject.set(w.subject, next);
          break;
        }
      }
    }
  }
}

const keyOf = (subject: string, messageId: string): string => `${subject}\n${messageId}`;

/** True when `a` goes after `b`. */
const later = (a: Ordered, b: Ordered): boolean => a.mono > b.mono || (a.mono === b.mono && a.rank > b.rank);
