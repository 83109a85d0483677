/**
 * Request ↔ reply pairing for a run, kept as records come (by record-flags.ts's RecordClassifier,
 * the one place that tracks requests): per request (a message that waits on a reply subject) a
 * 32-bit hash of its reply subject, its seq, and the seq of the first message later published on
 * that subject. Typed arrays with open addressing, no strings: 12 bytes a slot, at most 3/4 full.
 * A hash can collide, so callers check the pair against the records they read (two different
 * inboxes with one hash open at once may leave a pair unfound). Isomorphic.
 */
import { waitsOn } from './message-facts.js';

const EMPTY = 0;

/** FNV-1a over UTF-16 code units; never 0 (0 marks an empty slot). */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}

/** Which request each reply answers, and which reply each request got. */
export class ReplyIndex {
  // Small at first: a record classified alone (recordFlags) makes one.
  private hashes = new Uint32Array(16);
  private requests = new Uint32Array(16);
  private replies = new Uint32Array(16);
  private used = 0;
  /** First characters (mod 128) of the reply subjects seen: most messages (not on an inbox) skip the hash and the probe. */
  private readonly firsts = new Uint32Array(4);

  /** Requests indexed. */
  get size(): number {
    return this.used;
  }

  /** Bytes allocated by the arrays. */
  get allocatedBytes(): number {
    return this.hashes.length * 12;
  }

  /**
   * Takes message `seq` (in seq order): it answers the latest request waiting on `subject` if that
   * has no reply yet (as correlate.ts pairs them), then, when it waits on `reply`, it is a request.
   * Returns the seq of that latest request on `subject` (answered before or not), or 0.
   */
  add(seq: number, subject: string, reply: string | null): number {
    let request = 0;
    const c = subject.charCodeAt(0) & 127;
    if ((this.firsts[c >> 5]! & (1 << (c & 31))) !== 0) {
      const slot = this.latest(hashOf(subject));
      if (slot >= 0) {
        request = this.requests[slot]!;
        if (this.replies[slot] === EMPTY) this.replies[slot] = seq;
      }
    }
    if (waitsOn(reply)) {
      const r = reply.charCodeAt(0) & 127;
      this.firsts[r >> 5]! |= 1 << (r & 31);
      this.insert(hashOf(reply), seq);
    }
    return request;
  }

  /** The seq of the first message on request `seq`'s reply subject `reply`, if any. */
  replyOf(seq: number, reply: string): number | null {
    const slot = this.find(hashOf(reply), (s) => this.requests[s] === seq);
    return slot < 0 ? null : this.replies[slot] || null;
  }

  /** The seq of the request that message `seq`, published on `subject`, answered, if any. */
  requestOf(seq: number, subject: string): number | null {
    const slot = this.find(hashOf(subject), (s) => this.replies[s] === seq);
    return slot < 0 ? null : this.requests[slot]!;
  }

  /** The latest request before message `seq` that waits on `subject` (a later message of a stream answering it), if any. */
  askedBefore(seq: number, subject: string): number | null {
    const h = hashOf(subject);
    const mask = this.hashes.length - 1;
    let best = 0;
    for (let s = h & mask; this.hashes[s] !== EMPTY; s = (s + 1) & mask) if (this.hashes[s] === h && this.requests[s]! < seq && this.requests[s]! > best) best = this.requests[s]!;
    return best || null;
  }

  /** Calls `each(requestSeq, replySeq)` for every request whose reply has a seq in (`after`, `upTo`]; in slot order, not seq order. */
  forEachAnswered(after: number, upTo: number, each: (request: number, reply: number) => void): void {
    const { hashes, requests, replies } = this;
    for (let s = 0; s < hashes.length; s++) {
      const reply = replies[s]!;
      if (hashes[s] !== EMPTY && reply > after && reply <= upTo) each(requests[s]!, reply);
    }
  }

  /** The slot of the highest request seq with hash `h`, or -1. */
  private latest(h: number): number {
    const { hashes, requests } = this;
    const mask = hashes.length - 1;
    let best = -1;
    for (let s = h & mask; hashes[s] !== EMPTY; s = (s + 1) & mask) if (hashes[s] === h && (best < 0 || requests[s]! > requests[best]!)) best = s;
    return best;
  }

  /** The first slot with hash `h` that `accept` takes, or -1 (linear probing: same-hash slots lie before the next empty one). */
  private find(h: number, accept: (slot: number) => boolean): number {
    const mask = this.hashes.length - 1;
    for (let s = h & mask; this.hashes[s] !== EMPTY; s = (s + 1) & mask) if (this.hashes[s] === h && accept(s)) return s;
    return -1;
  }

  private insert(h: number, seq: number): void {
    if ((this.used + 1) * 4 > this.hashes.length * 3) this.grow();
    const mask = this.hashes.length - 1;
    let s = h & mask;
    while (this.hashes[s] !== EMPTY) s = (s + 1) & mask;
    this.hashes[s] = h;
    this.requests[s] = seq;
    this.used++;
  }

  private grow(): void {
    const { hashes, requests, replies } = this;
    const size = hashes.length * 2;
    this.hashes = new Uint32Array(size);
    this.requests = new Uint32Array(size);
    this.replies = new Uint32Array(size);
    const mask = size - 1;
    // Re-inserted in slot order; requests of one hash keep no particular order, `latest` compares seqs.
    for (let old = 0; old < hashes.length; old++) {
      const h = hashes[old]!;
      if (h === EMPTY) continue;
      let s = h & mask;
      while (this.hashes[s] !== EMPTY) s = (s + 1) & mask;
      this.hashes[s] = h;
      this.requests[s] = requests[old]!;
      this.replies[s] = replies[old]!;
    }
  }
}
