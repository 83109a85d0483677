/**
 * The trace recorder: a `>` tap on its own NATS connection (so inbox replies are seen too) and the
 * runtime's events, turned into records of one ordered TraceStore. Live updates go to subscribers
 * in batches at most 20 times a second; a subscriber that falls behind is told what it missed
 * instead of slowing the recorder, and reads it back from the store.
 *
 * Recording is split in two so that watching a busy bus does not slow it down: capturing appends
 * the tap's raw bytes and the events to a journal (handed to the OS within 100 ms, so a crash
 * loses at most that), and decoding turns the journal into records when the bus is quiet — or,
 * under sustained traffic, once what waits is `maxLagMs` old. Traffic faster than decoding
 * falls further behind until it eases; the journal (on disk, not in memory) holds it meanwhile.
 */
import { ENTRY_BUS, ENTRY_EVENT, ENTRY_STREAM, FILE_HEADER, JournalWriter, READ_SLICE, retireJournal, writeCheckpoint } from './journal.js';
import { JournalDecoder } from './journal-decoder.js';
import { skipOldest, takeBatch, type LiveListener, type LiveOptions, type Subscriber } from './live-batch.js';
import { NatsTap } from './nats-tap.js';
import { eventJson } from './record-line.js';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { RECORDER_AGENT, type RuntimeEventBus, type RuntimeEventName, type RuntimeEvents } from '../../../agents/protocol/runtime-events.js';
import type { TraceStore } from './trace-store.js';

export type { LiveBatch, LiveListener, LiveOptions, SkippedRange } from './live-batch.js';

export { parsePayload, type ParsedJson } from './record-line.js';

/** Options of a recorder. */
export interface RecorderOptions {
  /** Payload bytes kept per message; longer ones are cut and marked truncated (default 64 KiB). */
  payloadLimit?: number;
  /** Shortest time between two live batches to one subscriber (default 50 ms: 20 a second). */
  liveIntervalMs?: number;
  /**
   * How old the oldest undecoded capture may get while the bus stays busy before decoding runs
   * anyway (default 1000 ms). Until then decoding waits for a quiet moment.
   */
  maxLagMs?: number;
  /** Size past which journal files rotate (default 32 MiB); retired files are recycled. */
  journalFileBytes?: number;
  /** Problems worth telling the user (tap refused, store failing, reconnects). */
  warn?: (text: string) => void;
}

const DEFAULT_PAYLOAD_LIMIT = 64 * 1024;
/** How often the journal's flushing and decoding are reconsidered. */
const TICK_MS = 20;
/** What a crash of this process may lose at most: captured bytes reach the OS within this. */
const DURABLE_MS = 100;
/**
 * The bus counts as quiet while it carried less than this over the last QUIET_TICKS ticks
 * (256 KiB in 100 ms: ~10,000 messages of 250 bytes a second). Then decoding keeps up at once;
 * above it, decoding waits for a lull or for the backlog to reach maxLagMs.
 */
const QUIET_BYTES = 256 * 1024;
const QUIET_TICKS = 5;
/** Decoding works in slices this long, letting the tap's bytes in between. */
const SLICE_MS = 8;
/** Checkpoints (what a crash need not replay) are written at most this often. */
const CHECKPOINT_MS = 500;
const NOTHING = Buffer.alloc(0);
/** Stores a recorder is journaling for. */
const recording = new WeakSet<TraceStore>();

/** True while a recorder journals for `store`: more records can come. */
export const isRecording = (store: TraceStore): boolean => recording.has(store);

/** Records a run: bus messages (after `tap`) and runtime events (after `attach`) into `store`. */
export class TraceRecorder {
  private readonly payloadLimit: number;
  private readonly liveIntervalMs: number;
  private readonly maxLagMs: number;
  private readonly journalFileBytes: number | undefined;
  private readonly warn: (text: string) => void;
  private readonly startMono: number;
  private readonly monoBase: number;
  private journal: JournalWriter | null = null;
  private decoder: JournalDecoder | null = null;
  private busTap: NatsTap | null = null;
  /** When the tap lost the bus (performance.now()), while it is away: the trace has a gap from there. */
  private lostAt: number | null = null;
  /** A new connection is up after a gap; the gap ends with the first bytes it reads. */
  private gapEnding = false;
  /** Protocol streams journaled (one per tap connection). */
  private streams = 0;
  private tick: NodeJS.Timeout | null = null;
  /** Bus bytes captured in each of the last QUIET_TICKS ticks (a ring), and in the current one. */
  private readonly busBytes = new Array<number>(QUIET_TICKS).fill(0);
  private busBytesNow = 0;
  private tickNo = 0;
  /** When the oldest entry not yet decoded was journaled (performance.now()), or 0. */
  private backlogSince = 0;
  private decoding = false;
  /** Whether the tap's next read goes into the journal's ring (else into scratch, and is dropped). */
  private reserved = false;
  private readonly scratch = Buffer.allocUnsafeSlow(READ_SLICE);
  private lastCheckpoint = 0;
  /** The journal time of the last flush this recorder asked for (see complete()). */
  private flushedMono = 0;
  private checkpointing = false;
  private readonly subscribers = new Set<Subscriber>();
  private liveTimer: NodeJS.Timeout | null = null;
  private readonly detach = new Set<() => void>();
  private failures = 0;
  private stopped = false;
  private stopping: Promise<void> | null = null;
  /** Messages and events recorded (decoded into the store) by this recorder. */
  recorded = 0;

  constructor(
    readonly store: TraceStore,
    options: RecorderOptions = {},
  ) {
    this.payloadLimit = options.payloadLimit ?? DEFAULT_PAYLOAD_LIMIT;
    this.liveIntervalMs = options.liveIntervalMs ?? 50;
    this.maxLagMs = options.maxLagMs ?? 1000;
    this.journalFileBytes = options.journalFileBytes;
    this.warn = options.warn ?? (() => undefined);
    this.startMono = performance.now();
    // A reopened run continues its monotonic clock, so mono never goes back within a run.
    this.monoBase = store.lastMono;
  }

  /** Records that could not be stored (the store refused them); normally 0. */
  get dropped(): number {
    return this.failures;
  }

  /**
   * Connects as `switchboard-recorder` and subscribes to `subject` (default `>`); resolves once
   * the subscription is in place. Rejects when the server cannot be reached or refuses the
   * credentials; a refused subscription (permissions) is reported through `warn`.
   */
  async tap(connection: NodeConnectionOptions, subject = '>'): Promise<void> {
    if (this.busTap) throw new Error('the recorder already taps a connection.');
    this.open();
    const tap: NatsTap = new NatsTap(connection, subject, {
      stream: () => {
        this.streams++;
        this.capture(ENTRY_STREAM, NOTHING);
        // Not back yet: the server routes to the tap once it has read the SUB the tap sends next.
        if (this.lostAt !== null) this.gapEnding = true;
      },
      data: (chunk) => {
        this.busBytesNow += chunk.length;
        // Before the bytes: messages in them were routed to the new connection, after the gap.
        if (this.gapEnding) this.gapEnded(tap);
        this.capture(ENTRY_BUS, Buffer.from(chunk)); // the tap reuses its buffer; the journal keeps this until it flushes
      },
      // Plain connections read straight into the journal's read ring: no copy on the way to disk.
      readBuffer: () => {
        const journal = this.journal;
        this.reserved = false;
        if (journal && !journal.failure) {
          try {
            const room = journal.reserve();
            this.reserved = true;
            return room;
          } catch (error) {
            this.journalFailed(error);
          }
        }
        return this.scratch;
      },
      filled: (chunk) => {
        this.busBytesNow += chunk.length;
        if (this.gapEnding) this.gapEnded(tap); // an entry between a read and its commit cannot touch the ring's unread part
        if (this.reserved) this.capture(ENTRY_BUS, chunk, true);
      },
      lost: (reason) => this.gapBegan(tap, reason),
    });
    this.busTap = tap;
    try {
      await tap.start();
    } catch (error) {
      this.busTap = null;
      throw error;
    }
    await this.caughtUp();
  }

  /** The tap lost the bus: the trace says so (bus.disconnected), and so does the warning. */
  private gapBegan(tap: NatsTap, reason: string): void {
    this.lostAt = performance.now();
    this.onEvent('bus.disconnected', { agent: RECORDER_AGENT, server: tap.server ?? '', reason });
    this.warn('trace: the recorder lost its NATS connection; messages sent meanwhile are not recorded.');
  }

  /**
   * The tap is back on the bus: the gap's end and length go into the trace (bus.reconnected).
   * Called after the first bytes the new connection read: the server answers the SUB's PING (or
   * routes a message) only once it has read the SUB, so from here on it routes everything to the tap.
   */
  private gapEnded(tap: NatsTap): void {
    const gapMs = Math.round(performance.now() - this.lostAt!);
    this.lostAt = null;
    this.gapEnding = false;
    this.onEvent('bus.reconnected', { agent: RECORDER_AGENT, server: tap.server ?? '', gapMs });
    this.warn(`trace: the recorder is back on the bus after ${gapMs} ms; what the bus carried meanwhile is not in the trace.`);
  }

  /** Records every event of `events` into the same ordered store; returns the detach function. */
  attach(events: RuntimeEventBus): () => void {
    const off = events.onAny((name, payload) => this.onEvent(name, payload));
    const detach = () => {
      off();
      this.detach.delete(detach);
    };
    this.detach.add(detach);
    return detach;
  }

  /**
   * Live updates: `listener` gets the records appended since its last batch, at most once per
   * `liveIntervalMs` and only once its last returned promise settled. A batch carries at most the
   * newest `maxQueue` records; any older ones since its last batch are skipped, and the batch says
   * which, so it can read them from the store.
   */
  subscribe(listener: LiveListener, options: LiveOptions = {}): () => void {
    const subscriber: Subscriber = { listener, maxQueue: options.maxQueue ?? 10_000, busy: false, queue: [], seqs: [], skipped: null };
    this.subscribers.add(subscriber);
    this.liveTimer ??= setInterval(() => this.deliver(), this.liveIntervalMs).unref();
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.liveTimer) {
        clearInterval(this.liveTimer);
        this.liveTimer = null;
      }
    };
  }

  /**
   * Stops recording: drains the tap (everything the server routed before is recorded), detaches
   * events, decodes the whole journal, flushes the store and retires the journal — unless some of
   * it could not be stored, in which case the journal stays for the next open to replay. The wait
   * for the server ends by `deadline`; a tap off the bus at the end says so.
   */
  stop(deadline?: number): Promise<void> {
    this.stopping ??= (async () => {
      const tap = this.busTap;
      if (tap?.connected) {
        tap.unsubscribe();
        tap.ping();
        await this.caughtUp(deadline === undefined ? undefined : Math.max(0, deadline - Date.now()));
      } else if (this.lostAt !== null) {
        const ms = performance.now() - this.lostAt;
        this.warn(`trace: the recorder was off the bus for the last ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`} of the run (no server reachable); what was sent then is not in the trace.`);
      }
      tap?.close();
      for (const detach of [...this.detach]) detach();
      this.stopped = true;
      if (this.tick) clearInterval(this.tick);
      this.tick = null;
      let complete = await this.decodeAll();
      try {
        this.decoder?.finish(); // the journal ends here: records still waiting for their turn are stored
      } catch (error) {
        complete = false;
        this.failed(error);
      }
      this.deliver();
      if (this.liveTimer) clearInterval(this.liveTimer);
      this.liveTimer = null;
      this.subscribers.clear();
      let stored = complete && this.failures === 0;
      try {
        await this.store.flush();
      } catch (error) {
        stored = false;
        this.warn(`trace: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        try {
          this.journal?.close();
        } catch {
          stored = false; // its last bytes did not make it: keep what did
        }
        this.decoder?.close();
        if (this.journal) {
          if (stored) retireJournal(this.store.dir); // all of it is in the store now
          recording.delete(this.store);
        }
      }
    })();
    return this.stopping;
  }

  /** Starts the journal (on the first tap or event): a checkpoint first, so a replay knows where the run stood. */
  private open(): void {
    if (this.journal) return;
    // Two recorders would journal into one directory and number records twice.
    if (recording.has(this.store)) throw new Error(`run ${this.store.runId} already has a recorder: one recorder records a run.`);
    recording.add(this.store);
    const cp = { file: 1, offset: FILE_HEADER, inner: 0, seq: this.store.nextSeq, payloadLimit: this.payloadLimit };
    retireJournal(this.store.dir); // a journal left here was replayed when the store opened
    writeCheckpoint(this.store.dir, cp);
    this.journal = new JournalWriter(this.store.dir, this.journalFileBytes === undefined ? {} : { rotateBytes: this.journalFileBytes });
    this.decoder = new JournalDecoder(this.store.dir, cp, this.store, this.payloadLimit, {
      appended: (line, seq) => this.appended(line, seq),
      serverError: (text) =>
        this.warn(/permissions violation/i.test(text) ? `trace: the bus tap was refused (${text}); recording runtime events only.` : `trace: the server told the recorder: ${text}`),
      failed: (error) => this.failed(error),
    });
    this.tick = setInterval(() => this.onTick(), TICK_MS);
    this.tick.unref();
  }

  /** The capture path: one journal entry, no parsing. */
  private capture(kind: number, data: Buffer, inRing = false): void {
    const journal = this.journal;
    if (!journal || journal.failure) return;
    if (this.backlogSince === 0) this.backlogSince = performance.now();
    try {
      if (inRing) journal.commitRead(kind, Date.now(), this.mono(), data);
      else journal.append(kind, Date.now(), this.mono(), data);
    } catch (error) {
      this.journalFailed(error);
    }
  }

  /** The journal cannot be written (disk full): what it holds is decoded; nothing more is captured. */
  private journalFailed(error: unknown): void {
    this.warn(`trace: the recorder cannot write its journal (${error instanceof Error ? error.message : String(error)}); recording stopped here.`);
    this.busTap?.close();
  }

  private onEvent<E extends RuntimeEventName>(name: E, payload: RuntimeEvents[E]): void {
    if (this.stopped) return;
    try {
      this.open();
      const agent = typeof payload.agent === 'string' ? payload.agent : '';
      this.capture(ENTRY_EVENT, Buffer.from(`${JSON.stringify(name)}\n${JSON.stringify(agent)}\n${eventJson(payload)}`));
    } catch (error) {
      this.failed(error);
    }
  }

  /**
   * Flushes the journal when what is pending could otherwise be more than 100 ms old by the next
   * tick (on a busy bus, writing as late as the promise allows leaves more of a burst's writing
   * until after it), or at once when the bus is quiet; decodes when it is quiet or the backlog is
   * getting old.
   */
  private onTick(): void {
    this.busBytes[this.tickNo++ % QUIET_TICKS] = this.busBytesNow;
    this.busBytesNow = 0;
    const now = performance.now();
    const quiet = this.busBytes.reduce((a, b) => a + b, 0) < QUIET_BYTES;
    const journal = this.journal;
    if (journal?.hasPending && (quiet || now - journal.pendingSince >= DURABLE_MS - TICK_MS)) {
      try {
        this.flushJournal(journal);
      } catch (error) {
        this.journalFailed(error);
      }
    }
    const old = this.backlogSince > 0 && now - this.backlogSince >= this.maxLagMs;
    if (this.backlogSince > 0 && (quiet || old)) this.decodeSlices();
  }

  /** Decodes in slices until caught up, yielding to I/O between them. */
  private decodeSlices(): void {
    if (this.decoding || !this.decoder || !this.journal) return;
    this.decoding = true;
    const slice = () => {
      let more = false;
      try {
        if (this.stopped || !this.decoder || !this.journal) return;
        more = !this.decoder.run(this.journal.flushed, performance.now() + SLICE_MS, this.complete(this.journal));
        // Caught up: the next decoding waits for a lull, or until what is pending is maxLagMs old
        // (or, while records wait for a message the tap has not shown yet, for the next lull).
        if (!more) this.backlogSince = this.journal.hasPending ? this.journal.pendingSince : this.decoder.holding ? performance.now() : 0;
        this.maybeCheckpoint();
      } catch (error) {
        this.failed(error);
      } finally {
        if (more) setImmediate(slice);
        else this.decoding = false;
      }
    };
    slice();
  }

  /**
   * Decodes everything journaled so far (or until `enough()`), in slices with I/O let through
   * between them: after a long burst this is seconds of work, and the host stays responsive.
   * False when decoding failed.
   */
  private async decodeAll(enough: () => boolean = () => false): Promise<boolean> {
    for (;;) {
      const { journal, decoder } = this;
      if (!journal || !decoder) return true;
      try {
        if (!journal.failure) this.flushJournal(journal);
        if (decoder.run(journal.flushed, performance.now() + SLICE_MS, this.complete(journal))) {
          this.backlogSince = 0;
          return true;
        }
      } catch (error) {
        if (journal.failure) this.journalFailed(error);
        else this.failed(error);
        return false;
      }
      if (enough()) return true;
      await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Waits until every PING sent on the current connection has its PONG decoded (or the tap is
   * gone): then everything the server routed before those PINGs is recorded.
   */
  private async caughtUp(timeoutMs = 10_000): Promise<void> {
    const answered = () => {
      const tap = this.busTap;
      return !tap?.connected || (this.decoder!.streams === this.streams && this.decoder!.pongs >= tap.pingsSent);
    };
    let deadline = performance.now() + timeoutMs;
    for (;;) {
      const started = performance.now();
      await this.decodeAll(answered);
      deadline += performance.now() - started; // decoding a backlog is progress, not the server's silence
      if (answered()) return;
      if (performance.now() > deadline) {
        this.warn('trace: the NATS server did not answer the recorder in time; some messages may be missing.');
        return;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** After the store has the decoded records on disk, the journal before them is not needed. */
  private maybeCheckpoint(): void {
    if (this.checkpointing || !this.decoder || performance.now() - this.lastCheckpoint < CHECKPOINT_MS) return;
    this.checkpointing = true;
    this.lastCheckpoint = performance.now();
    const cp = this.decoder.checkpoint();
    this.store
      .flush()
      .then(() => {
        if (this.stopped) return;
        writeCheckpoint(this.store.dir, cp);
        retireJournal(this.store.dir, cp.file);
      })
      .catch((error: unknown) => this.failed(error))
      .finally(() => (this.checkpointing = false));
  }

  private appended(line: string, seq: number): void {
    this.recorded++;
    for (const s of this.subscribers) {
      s.queue.push(line);
      s.seqs.push(seq);
      // Trimmed in bulk (not one shift per record): the queue holds at most twice the cap.
      if (s.queue.length >= 2 * s.maxQueue) skipOldest(s);
    }
  }

  private failed(error: unknown): void {
    if (this.failures++ === 0) this.warn(`trace: a record could not be stored (${error instanceof Error ? error.message : String(error)}); later failures are counted, not reported.`);
  }

  /** One tick of live delivery: each free subscriber gets what queued up for it. */
  private deliver(): void {
    for (const s of this.subscribers) {
      if (s.busy || (s.queue.length === 0 && !s.skipped)) continue;
      const batch = takeBatch(s);
      try {
        const result = s.listener(batch);
        if (result && typeof result.then === 'function') {
          s.busy = true;
          result.then(
            () => (s.busy = false),
            (error: unknown) => {
              s.busy = false;
              this.warn(`trace: a live subscriber failed: ${error instanceof Error ? error.message : String(error)}`);
            },
          );
        }
      } catch (error) {
        this.warn(`trace: a live subscriber failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Flushes the journal, noting the time before which everything captured is now in it. */
  private flushJournal(journal: JournalWriter): void {
    const at = this.mono();
    journal.flush();
    this.flushedMono = at;
  }

  /** A journal time before which everything captured is in the flushed journal (what decoding may take as complete). */
  private complete(journal: JournalWriter): number {
    return journal.hasPending ? this.flushedMono : this.mono();
  }

  /** Milliseconds since the run began, to the microsecond. */
  private mono(): number {
    return Math.round((performance.now() - this.startMono + this.monoBase) * 1000) / 1000;
  }
}

