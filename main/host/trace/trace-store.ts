/**
 * A run's trace on disk: append-only NDJSON segments under `<root>/<runId>/` (segments.ts) plus
 * a compact in-memory index (typed arrays, never the records: run-index.ts), so a query over a
 * million records reads only the records it returns (trace-reader.ts). Appends are buffered and
 * handed to the OS at least every 100 ms (segment-writer.ts), so a crash of the recording process
 * loses at most that much; reopening cuts off a torn last line (trace-recovery.ts) and replays
 * what the recorder had journaled.
 */
import { openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TraceFilterSchema, TraceQuerySchema, typeOf, type TraceFilter, type TracePage, type TraceQuery } from '../../../agents/trace/query.js';
import { agentsOf, TraceHeaderSchema, type TraceHeader, type TraceRecord } from '../../../agents/trace/record.js';
import { factsOf, type FlagFacts } from '../../../agents/trace/record-flags.js';
import type { ReplyIndex } from '../../../agents/trace/reply-index.js';
import type { RelatedRecords, RowFacts } from '../../../agents/trace/row-facts.js';
import { replayJournal } from './journal-decoder.js';
import { retireJournal } from './journal.js';
import type { LongWork } from './long-work.js';
import { isRecording } from './recorder.js';
import { RecordLookups } from './record-lookups.js';
import { RunIndex, type QueryCounts, type TraceCounts } from './run-index.js';
import { SegmentWriter, type WritePosition } from './segment-writer.js';
import { copySegments, RUN_ID, segmentName } from './segments.js';
import { isoMs, RecordIndex } from './trace-index.js';
import { TraceReader } from './trace-reader.js';
import { recoverRun } from './trace-recovery.js';

/** What aggregates computed beside a store read: its index, its reply pairing, records by 0-based position. */
export interface MetricsSource {
  index: RunIndex;
  replies: ReplyIndex;
  read(positions: readonly number[]): Promise<TraceRecord[]>;
}

/** Options of a store; the defaults suit a desktop app. */
export interface TraceStoreOptions {
  /** A segment is closed and the next one begun once it would grow past this (default 64 MiB). */
  segmentBytes?: number;
  /** The longest an appended record waits in memory before it is written (default 100 ms). */
  flushMs?: number;
  /** Distinct subjects indexed by name; later new subjects are indexed by their parent (default 65,536). */
  maxSubjects?: number;
  /** Distinct parents (`a.b.*`) indexed once `maxSubjects` is reached (default 16,384). */
  maxSubjectGroups?: number;
  /** Called after each write with the last seq now on disk (tests and crash reports use it). */
  onFlush?: (durableSeq: number) => void;
}

const DEFAULTS = { segmentBytes: 64 * 1024 * 1024, flushMs: 100, maxSubjects: 65_536, maxSubjectGroups: 16_384 };
type ResolvedOptions = typeof DEFAULTS & Pick<TraceStoreOptions, 'onFlush'>;

/** Stores open in this process, by directory (so an export flushes a run being recorded). */
const openStores = new Map<string, TraceStore>();

/** The store open in this process for the run in `dir`, if any. */
export const openStore = (dir: string): TraceStore | undefined => openStores.get(dir);

/** One run's trace: appends from the recorder, queries from the UI and the CLI. */
export class TraceStore {
  /** Bytes of index memory per record (compact typed arrays, no record objects). */
  static readonly INDEX_BYTES_PER_RECORD = RecordIndex.BYTES_PER_RECORD;

  private readonly writer: SegmentWriter;
  private readonly reader: TraceReader;
  private readonly lookups: RecordLookups;
  private closed = false;
  /** Mono time of the last record, so a recorder resuming this run keeps it rising. */
  lastMono = 0;
  /** Bytes cut off when the run was opened (a torn tail left by a crash); 0 for a clean run. */
  cutBytes = 0;
  /** Records a crashed recorder had journaled but not stored, added when the run was opened. */
  replayed = 0;
  /** Journaled records that could not be placed in the store (normally 0). */
  replayFailed = 0;

  private constructor(
    readonly dir: string,
    readonly runId: string,
    readonly header: TraceHeader,
    private readonly index: RunIndex,
    private readonly replies: ReplyIndex,
    where: WritePosition,
    opts: ResolvedOptions,
  ) {
    this.writer = new SegmentWriter(dir, runId, where, { segmentBytes: opts.segmentBytes, flushMs: opts.flushMs, onFlush: opts.onFlush });
    this.reader = new TraceReader(dir, runId, index);
    this.lookups = new RecordLookups(this.reader, index, replies, () => isRecording(this));
    openStores.set(dir, this);
  }

  /** Creates `<root>/<runId>/` (runId defaults to the header's run) with the header as its first line. */
  static async create(root: string, header: TraceHeader, options: TraceStoreOptions & { runId?: string } = {}): Promise<TraceStore> {
    const runId = options.runId ?? header.run;
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" cannot name a run directory: use letters, digits, ".", "_" and "-".`);
    const opts = checkedOptions(options);
    const canonical = TraceHeaderSchema.parse(header);
    const dir = path.join(root, runId);
    await mkdir(root, { recursive: true });
    await mkdir(dir); // fails when the run exists: a run is never overwritten
    // Positional writes (not O_APPEND): a write at a known offset keeps order even when the
    // background writer is behind.
    const fd = openSync(path.join(dir, segmentName(1)), 'wx');
    const line = Buffer.from(`${JSON.stringify(canonical)}\n`);
    writeSync(fd, line, 0, line.length, 0);
    const where = { fd, segmentNo: 1, segmentBytes: line.length, segmentRecords: 0, records: 0 };
    const index = new RunIndex(opts.maxSubjects, opts.maxSubjectGroups);
    return new TraceStore(dir, runId, canonical, index, index.replies, where, opts);
  }

  /**
   * Opens an existing run for reading and appending: rebuilds the index by scanning every segment,
   * cuts off a torn or corrupt tail of the last one (what a crash mid-write leaves), and adds what
   * a crashed recorder had journaled but not stored. `work` hears the scan's progress and may cancel it.
   */
  static async open(root: string, runId: string, options: TraceStoreOptions = {}, work?: LongWork): Promise<{ store: TraceStore; cutBytes: number }> {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id.`);
    const dir = path.join(root, runId);
    if (openStores.has(dir)) throw new Error(`run ${runId} is already open in this process.`);
    const opts = checkedOptions(options);
    const run = await recoverRun(dir, opts, work);
    const store = new TraceStore(dir, runId, run.header, run.index, run.replies, run.where, opts);
    store.lastMono = run.lastMono;
    store.cutBytes = run.cutBytes;
    try {
      ({ replayed: store.replayed, failed: store.replayFailed } = replayJournal(dir, store));
      await store.flush();
      retireJournal(dir);
    } catch (error) {
      store.release();
      throw error;
    }
    return { store, cutBytes: run.cutBytes };
  }

  /** Number of records. */
  get size(): number {
    return this.index.count;
  }

  /** The seq the next appended record must carry. */
  get nextSeq(): number {
    return this.index.count + 1;
  }

  /** The last seq known to be written to the OS. */
  get durableSeq(): number {
    return this.writer.durableSeq;
  }

  /** Index memory in bytes (allocated, including room to grow). */
  get indexBytes(): number {
    return this.index.records.allocatedBytes;
  }

  /** Reply index memory in bytes (allocated; 12 a slot, about 16–32 a request). */
  get replyIndexBytes(): number {
    return this.replies.allocatedBytes;
  }

  /** Why writing stopped, if it did (the disk refused); appends throw it. */
  get failed(): Error | null {
    return this.writer.failed;
  }

  /** Appends a record; its seq must be `nextSeq`. Written as `JSON.stringify(record)`. */
  append(record: TraceRecord): number {
    if (record.seq !== this.nextSeq) throw new Error(`append: seq ${record.seq} where ${this.nextSeq} was expected.`);
    const agents = agentsOf(record);
    return this.appendLine(
      JSON.stringify(record),
      record.kind,
      isoMs(record.time),
      record.kind === 'message' ? record.subject : null,
      agents[0] ?? null,
      agents[1] ?? null,
      typeOf(record),
      record.kind === 'message' ? record.reply : null,
      factsOf(record),
    );
  }

  /**
   * The recorder's hot path: appends a line it serialized itself. The line must be the
   * `JSON.stringify` of a record with seq `nextSeq`, and the fields must be that record's.
   */
  appendLine(line: string, kind: 'message' | 'event', timeMs: number, subject: string | null, agentA: string | null, agentB: string | null, type: string | null, reply: string | null, facts: FlagFacts): number {
    if (this.closed) throw new Error(`run ${this.runId} is closed.`);
    const writer = this.writer;
    const length = writer.write(line);
    this.index.add(writer.segmentNo, writer.offset, length, kind, timeMs, subject, agentA, agentB, type, facts);
    return this.index.count;
  }

  /** Writes every record appended so far and resolves once the OS has them (appends hand them
   * over by themselves within flushMs); later appends do not hold it up. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** The record with this seq, or null. */
  async get(seq: number): Promise<TraceRecord | null> {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.index.count) return null;
    await this.flush();
    return (await this.reader.read([seq - 1]))[0] ?? null;
  }

  /**
   * One page of records matching `input`, exactly as `matchesQuery` decides (trace-reader.ts);
   * `after` pages forward, `before` backward (newest first), `offset` by position in the filtered
   * result; with `total` (the matching records) unless the filter has text or correlation.
   */
  async query(input: TraceQuery): Promise<TracePage> {
    const q = TraceQuerySchema.parse(input);
    const n = this.index.count; // records appended while this query runs are not in its answer
    await this.flush();
    return this.reader.query(q, n);
  }

  /**
   * Where record `seq` is in the records matching `input`'s filters: its 0-based position (where
   * it would be when it does not match), whether it matches, and the total; position and total
   * are null for filters only the records answer (text, correlation).
   */
  async locate(input: TraceFilter, seq: number): Promise<{ position: number | null; matches: boolean; total: number | null }> {
    const q = TraceFilterSchema.parse(input);
    const n = this.index.count;
    await this.flush();
    return this.reader.locate(q, seq, n);
  }

  /** {@link query}, with each record's facts (who to whom, type, status, its request or reply and latency). */
  async queryWithFacts(input: TraceQuery): Promise<TracePage & { facts: RowFacts[] }> {
    const n = this.index.count;
    const page = await this.query(input);
    return { ...page, facts: await this.lookups.facts(page.records, n) };
  }

  /** Record `seq` with its request or reply, its handoff chain and its conversation; null when there is no such record. */
  async related(seq: number): Promise<RelatedRecords | null> {
    const n = this.index.count;
    await this.flush();
    return this.lookups.related(seq, n);
  }

  /** Records per subject and per agent, from the index (no disk reads). */
  counts(): TraceCounts {
    return this.index.counts();
  }

  /**
   * How many records match `input`'s filters (paging ignored), per subject, agent and type, and
   * how much infrastructure it hides: from the index, reading only what it cannot decide (text,
   * correlation; trace-reader.ts bounds that).
   */
  async count(input: TraceFilter = {}): Promise<QueryCounts> {
    const q = TraceFilterSchema.parse(input);
    const n = this.index.count; // records appended while this count runs are not in its answer
    await this.flush(); // the records the index cannot decide are read
    return this.reader.count(q, n);
  }

  /** The index, the request ↔ reply pairing and reads by position: for aggregates kept beside the store (run-metrics.ts). */
  metricsSource(): MetricsSource {
    return { index: this.index, replies: this.replies, read: async (positions) => (await this.flush(), this.reader.read(positions)) };
  }

  /** Writes the run as NDJSON (header line, then one record a line): the segments, concatenated. */
  async exportNdjson(out: string): Promise<void> {
    const n = this.index.count;
    await this.flush();
    // Up to the last record flushed: bytes written later (maybe out of order) are left out.
    const ix = this.index.records;
    const end = n === 0 ? { segment: 1, bytes: Buffer.byteLength(`${JSON.stringify(this.header)}\n`) } : { segment: ix.segment[n - 1]!, bytes: ix.offset[n - 1]! + ix.length[n - 1]! + 1 };
    await copySegments(this.dir, out, end);
  }

  /** Writes what is buffered, syncs it to disk and closes the files; the run can be reopened. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
      this.writer.sync();
    } finally {
      this.release();
      await this.reader.close();
    }
  }

  private release(): void {
    this.closed = true;
    this.writer.release();
    if (openStores.get(this.dir) === this) openStores.delete(this.dir);
  }
}

/** The options with their defaults, checked. */
function checkedOptions(options: TraceStoreOptions): ResolvedOptions {
  const opts = { ...DEFAULTS, ...options };
  if (opts.segmentBytes > 0xffffffff) throw new Error('segmentBytes must stay below 4 GiB (offsets are 32-bit).');
  return opts;
}
