/**
 * A run's trace on disk: append-only NDJSON segments under `<root>/<runId>/` plus a compact
 * in-memory index (typed arrays, never the records), so a query over a million records reads only
 * the records it returns. Appends are buffered and handed to the OS at least every 100 ms, so a
 * crash of the recording process loses at most that much; reopening cuts off a torn last line.
 *
 * On disk: `segment-000001.ndjson`, `segment-000002.ndjson`, … Each line is one record
 * (`JSON.stringify` of a TraceRecord, keys in schema order), except the first line of the first
 * segment, which is the TraceHeader. The concatenated segments are exactly the NDJSON export.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, unlinkSync, write, writeSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { matchesQuery, TraceQuerySchema, typeOf, type TracePage, type TraceQuery } from '../../../agents/trace/query.js';
import {
  KIND_MESSAGE,
  KIND_EVENT,
  NO_SUBJECT,
  SUBJECT_OVERFLOW,
  NO_NAME,
  NAME_OVERFLOW,
  isoMs,
  indexFieldsOf,
  fieldsOfRecord,
  NameTable,
  SubjectTable,
  RecordIndex,
  growCounts,
  timeTest,
} from './trace-index.js';
import { replayJournal } from './journal-decoder.js';
import { retireJournal, scrubSpares } from './journal.js';
import { agentsOf, TRACE_FORMAT, TraceHeaderSchema, TraceRecordSchema, type TraceHeader, type TraceRecord } from '../../../agents/trace/record.js';

/** Records' times as epoch ms (tests and the bench use it). */
export { isoMs } from './trace-index.js';

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

/** Records per subject and per agent. Subjects past the index's capacity count under their parent
 * (`agents.response.bot.*`), and under `>` once parents run out; agents past it under `*`. */
export interface TraceCounts {
  records: number;
  messages: number;
  events: number;
  subjects: Record<string, number>;
  agents: Record<string, number>;
}

/** One line of an NDJSON import that failed validation. */
export interface ImportProblem {
  /** 1-based line number in the imported file. */
  line: number;
  message: string;
}

/** An import refused because of bad lines; nothing was kept. */
export class TraceImportError extends Error {
  constructor(
    readonly problems: ImportProblem[],
    readonly file: string,
  ) {
    super(`${file}: ${problems.length} bad line(s): ${problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);
    this.name = 'TraceImportError';
  }
}

/** The traces directory inside an app data directory. */
export const traceRoot = (dataDir: string): string => path.join(dataDir, 'traces');

/** A fresh run id: sortable by start time, unique enough for one machine. */
export function newRunId(prefix = 'run', now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*$/, '');
  return `${prefix}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

const DEFAULTS = { segmentBytes: 64 * 1024 * 1024, flushMs: 100, maxSubjects: 65_536, maxSubjectGroups: 16_384 };
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SEGMENT = /^segment-(\d{6})\.ndjson$/;
const NEWLINE = 0x0a;
/** Reads closer than this are merged into one; no read grows past the cap. */
const READ_GAP = 16 * 1024;
const READ_MAX = 4 * 1024 * 1024;
const SCAN_CHUNK = 4 * 1024 * 1024;
const WRITE_BUFFER = 1024 * 1024;
/** Bytes handed to the OS writer but not yet written past which appends write themselves. */
const MAX_UNWRITTEN = 64 * 1024 * 1024;

const segmentName = (n: number) => `segment-${String(n).padStart(6, '0')}.ndjson`;

/** One buffer on its way to a segment file. */
interface WriteJob {
  fd: number;
  length: number;
  /** The last seq in this buffer (on disk once this and every earlier job is). */
  durable: number;
  /** Close the segment once written: the store has moved on to the next one. */
  closeAfter: boolean;
  written: boolean;
}

/** Writes all of `length` bytes at `position`, on libuv's thread pool. */
function writeAll(fd: number, buffer: Buffer, length: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (done: number) =>
      write(fd, buffer, done, length - done, position + done, (error, written) => {
        if (error) reject(error);
        else if (done + written >= length) resolve();
        else from(done + written);
      });
    from(0);
  });
}

/** Stores open in this process, by directory (so an export flushes a run being recorded). */
const openStores = new Map<string, TraceStore>();

/** One run's trace: appends from the recorder, queries from the UI and the CLI. */
export class TraceStore {
  /** Bytes of index memory per record (compact typed arrays, no record objects). */
  static readonly INDEX_BYTES_PER_RECORD = RecordIndex.BYTES_PER_RECORD;

  private readonly index = new RecordIndex();
  private readonly subjects: SubjectTable;
  private readonly agents = new NameTable();
  private readonly types = new NameTable();
  private subjectCounts = new Uint32Array(256);
  private agentCounts = new Uint32Array(256);
  private overflowSubjects = 0;
  private overflowAgents = 0;
  private messages = 0;

  private readonly opts: Required<Omit<TraceStoreOptions, 'onFlush'>> & Pick<TraceStoreOptions, 'onFlush'>;
  private buffer: Buffer = Buffer.allocUnsafe(WRITE_BUFFER);
  private spare: Buffer | null = null;
  /** Bytes in `buffer` not yet handed to the writer; they all belong to the current segment. */
  private pending = 0;
  private pendingSince = 0;
  /** Buffers handed to the OS writer, oldest first, until every one before them is written too. */
  private readonly jobs: WriteJob[] = [];
  private unwrittenBytes = 0;
  /** flush() callers, each waiting for the records appended before it to be written. */
  private readonly flushWaiters: { seq: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private fd: number;
  private segmentNo: number;
  /** Bytes of the current segment, written or pending. */
  private segmentBytes: number;
  private segmentRecords: number;
  private durable = 0;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private closed = false;
  private readonly readers = new Map<number, Promise<FileHandle>>();
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
    where: { fd: number; segmentNo: number; segmentBytes: number; segmentRecords: number },
    options: TraceStoreOptions,
  ) {
    this.opts = { ...DEFAULTS, ...options };
    if (this.opts.segmentBytes > 0xffffffff) throw new Error('segmentBytes must stay below 4 GiB (offsets are 32-bit).');
    this.subjects = new SubjectTable(this.opts.maxSubjects, this.opts.maxSubjectGroups);
    this.fd = where.fd;
    this.segmentNo = where.segmentNo;
    this.segmentBytes = where.segmentBytes;
    this.segmentRecords = where.segmentRecords;
    openStores.set(dir, this);
  }

  /** Creates `<root>/<runId>/` (runId defaults to the header's run) with the header as its first line. */
  static async create(root: string, header: TraceHeader, options: TraceStoreOptions & { runId?: string } = {}): Promise<TraceStore> {
    const runId = options.runId ?? header.run;
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" cannot name a run directory: use letters, digits, ".", "_" and "-".`);
    const canonical = TraceHeaderSchema.parse(header);
    const dir = path.join(root, runId);
    await mkdir(root, { recursive: true });
    await mkdir(dir); // fails when the run exists: a run is never overwritten
    // Positional writes (not O_APPEND): a write at a known offset keeps order even when the
    // background writer is behind.
    const fd = openSync(path.join(dir, segmentName(1)), 'wx');
    const line = Buffer.from(`${JSON.stringify(canonical)}\n`);
    writeSync(fd, line, 0, line.length, 0);
    return new TraceStore(dir, runId, canonical, { fd, segmentNo: 1, segmentBytes: line.length, segmentRecords: 0 }, options);
  }

  /**
   * Opens an existing run for reading and appending: rebuilds the index by scanning every segment
   * and cuts off a torn or corrupt tail of the last one (what a crash mid-write leaves).
   */
  static async open(root: string, runId: string, options: TraceStoreOptions = {}): Promise<{ store: TraceStore; cutBytes: number }> {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id.`);
    const dir = path.join(root, runId);
    if (openStores.has(dir)) throw new Error(`run ${runId} is already open in this process.`);
    const numbers = await segmentNumbers(dir);
    // Assigned inside the scan callbacks, hence a holder (TypeScript does not track closures).
    const state: { store: TraceStore | null } = { store: null };
    let cutBytes = 0;
    try {
      for (const n of numbers) {
        const file = path.join(dir, segmentName(n));
        let problem: string | null = null;
        let records = 0;
        const scanned = await scanLines(file, false, (line, offset, bytes) => {
          if (!state.store) {
            const header = TraceHeaderSchema.safeParse(safeJson(line));
            if (!header.success) return ((problem = 'the first line is not a trace header'), false);
            state.store = new TraceStore(dir, runId, header.data, { fd: -1, segmentNo: n, segmentBytes: 0, segmentRecords: 0 }, options);
            return true;
          }
          const expected = state.store.nextSeq;
          if (!state.store.indexRead(line, n, offset, bytes)) return ((problem = `the line at byte ${offset} is not record ${expected}`), false);
          records++;
          return true;
        });
        const store = state.store as TraceStore | null;
        if (!store) throw new Error(`${file}: no trace header (the run was never written).`);
        if (n < numbers.length && !problem) continue;
        // The first bad line ends the run: a crash can only tear what was being written last
        // (with the writer far behind, the end of one segment and the start of the next).
        const later = numbers.slice(numbers.indexOf(n) + 1).map((m) => path.join(dir, segmentName(m)));
        cutBytes = scanned.size - scanned.end;
        for (const extra of later) {
          cutBytes += (await stat(extra)).size;
          unlinkSync(extra);
        }
        if (scanned.size > scanned.end) {
          const fd = openSync(file, 'r+');
          try {
            ftruncateSync(fd, scanned.end);
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        }
        store.fd = openSync(file, 'r+');
        store.segmentNo = n;
        store.segmentBytes = scanned.end;
        store.segmentRecords = records;
        store.durable = store.size;
        break;
      }
    } catch (error) {
      (state.store as TraceStore | null)?.release();
      throw error;
    }
    const store = state.store!;
    store.cutBytes = cutBytes;
    // A recorder that crashed left its journal: what it captured but had not stored yet.
    try {
      ({ replayed: store.replayed, failed: store.replayFailed } = replayJournal(dir, store));
      await store.flush();
      retireJournal(dir);
    } catch (error) {
      store.release();
      throw error;
    }
    return { store, cutBytes };
  }

  /** Indexes a line read back from disk; false when it is not the next record. */
  private indexRead(line: string, segment: number, offset: number, bytes: number): boolean {
    const f = indexFieldsOf(line) ?? fieldsOfRecord(safeJson(line));
    if (!f || f.seq !== this.nextSeq) return false;
    this.addToIndex(segment, offset, bytes, f.kind === 'message' ? KIND_MESSAGE : KIND_EVENT, isoMs(f.time), f.subject, f.agents[0] ?? null, f.agents[1] ?? null, f.type);
    this.lastMono = f.mono;
    return true;
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
    return this.durable;
  }

  /** Index memory in bytes (allocated, including room to grow). */
  get indexBytes(): number {
    return this.index.allocatedBytes;
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
    );
  }

  /**
   * The recorder's hot path: appends a line it serialized itself. The line must be the
   * `JSON.stringify` of a record with seq `nextSeq`, and the fields must be that record's.
   */
  appendLine(line: string, kind: 'message' | 'event', timeMs: number, subject: string | null, agentA: string | null, agentB: string | null, type: string | null): number {
    if (this.closed) throw new Error(`run ${this.runId} is closed.`);
    if (this.failure) throw this.failure;
    const room = line.length * 3 + 1; // UTF-16 units → at most 3 UTF-8 bytes each
    if (this.pending + room > this.buffer.length) {
      this.handOff(false);
      if (room > this.buffer.length) this.buffer = Buffer.allocUnsafe(room);
    }
    let start = this.pending;
    const bytes = this.buffer.write(line, start) + 1;
    this.buffer[start + bytes - 1] = NEWLINE;
    if (this.segmentRecords > 0 && this.segmentBytes + bytes > this.opts.segmentBytes) {
      // This record begins the next segment: what precedes it goes to the current one, which
      // closes once written.
      const old = this.buffer;
      this.pending = start;
      this.handOff(true);
      this.roll();
      if (start > 0) old.copy(this.buffer, 0, start, start + bytes);
      start = 0;
    }
    if (start === 0) this.pendingSince = performance.now();
    this.pending = start + bytes;
    this.addToIndex(this.segmentNo, this.segmentBytes, bytes - 1, kind === 'message' ? KIND_MESSAGE : KIND_EVENT, timeMs, subject, agentA, agentB, type);
    this.segmentBytes += bytes;
    this.segmentRecords++;
    // Timers wait while the loop is busy with a burst; check the age of the buffer every so often.
    if ((this.index.count & 255) === 0 && performance.now() - this.pendingSince >= this.opts.flushMs) this.handOff(false);
    else this.timer ??= setTimeout(() => this.handOff(false), this.opts.flushMs);
    return this.index.count;
  }

  private addToIndex(segment: number, offset: number, length: number, kind: number, timeMs: number, subject: string | null, agentA: string | null, agentB: string | null, type: string | null): void {
    const ix = this.index;
    ix.reserve();
    const i = ix.count;
    ix.segment[i] = segment;
    ix.offset[i] = offset;
    ix.length[i] = length;
    ix.time[i] = timeMs;
    ix.kind[i] = kind;
    ix.type[i] = this.types.intern(type);
    if (subject === null) ix.subject[i] = NO_SUBJECT;
    else {
      const s = this.subjects.intern(subject);
      ix.subject[i] = s;
      this.messages++;
      if (s === SUBJECT_OVERFLOW) this.overflowSubjects++;
      else {
        if (s >= this.subjectCounts.length) this.subjectCounts = growCounts(this.subjectCounts, s);
        this.subjectCounts[s]!++;
      }
    }
    const a = this.agents.intern(agentA);
    const b = this.agents.intern(agentB);
    ix.agentA[i] = a;
    ix.agentB[i] = b;
    this.countAgent(a);
    this.countAgent(b);
    ix.count = i + 1;
  }

  private countAgent(id: number): void {
    if (id === NO_NAME) return;
    if (id === NAME_OVERFLOW) this.overflowAgents++;
    else {
      if (id >= this.agentCounts.length) this.agentCounts = growCounts(this.agentCounts, id);
      this.agentCounts[id]!++;
    }
  }

  /** Writes every record appended so far and resolves once the OS has them (appends hand them
   * over by themselves within flushMs); later appends do not hold it up. */
  flush(): Promise<void> {
    this.handOff(false);
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.index.count;
    if (this.durable >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => this.flushWaiters.push({ seq, resolve, reject }));
  }

  /**
   * Moves the buffered bytes to the OS writer (libuv's thread pool) and starts a fresh buffer.
   * Writes are positional, so they may run at once and finish in any order; the durable seq
   * only advances over a written prefix. When the disk is far behind (MAX_UNWRITTEN) this writes
   * synchronously instead, so memory stays bounded.
   */
  private handOff(closeAfter: boolean): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if ((this.pending === 0 && !closeAfter) || this.failure) return;
    const job: WriteJob = { fd: this.fd, length: this.pending, durable: this.index.count, closeAfter, written: this.pending === 0 };
    const buffer = this.buffer;
    const position = this.segmentBytes - this.pending;
    this.jobs.push(job);
    if (this.pending > 0) {
      this.buffer = this.spare ?? Buffer.allocUnsafe(WRITE_BUFFER);
      this.spare = null;
      this.pending = 0;
      if (this.unwrittenBytes + job.length > MAX_UNWRITTEN) {
        try {
          for (let done = 0; done < job.length; ) done += writeSync(job.fd, buffer, done, job.length - done, position + done);
          job.written = true;
        } catch (error) {
          return this.fail(error);
        }
      } else {
        this.unwrittenBytes += job.length;
        writeAll(job.fd, buffer, job.length, position).then(
          () => {
            this.unwrittenBytes -= job.length;
            job.written = true;
            if (buffer.length === WRITE_BUFFER) this.spare ??= buffer;
            this.settle();
          },
          (error: unknown) => this.fail(error),
        );
      }
    }
    this.settle();
  }

  /** Retires written jobs in order: the durable seq advances, finished segments close. */
  private settle(): void {
    let advanced = false;
    while (this.jobs[0]?.written) {
      const job = this.jobs.shift()!;
      if (job.closeAfter) closeSync(job.fd);
      if (job.length > 0 && job.durable > this.durable) [this.durable, advanced] = [job.durable, true];
    }
    if (!advanced) return;
    this.opts.onFlush?.(this.durable);
    while (this.flushWaiters.length && this.flushWaiters[0]!.seq <= this.durable) this.flushWaiters.shift()!.resolve();
  }

  /** The disk refused (full, removed): stop accepting records rather than index what is not there. */
  private fail(error: unknown): void {
    this.failure ??= new Error(`run ${this.runId}: writing the trace failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const waiter of this.flushWaiters.splice(0)) waiter.reject(this.failure);
  }

  /** Why writing stopped, if it did (the disk refused); appends throw it. */
  get failed(): Error | null {
    return this.failure;
  }

  private roll(): void {
    if (this.segmentNo >= 0xffff) throw new Error(`run ${this.runId}: too many segments; raise segmentBytes.`);
    this.segmentNo++;
    this.fd = openSync(path.join(this.dir, segmentName(this.segmentNo)), 'wx');
    this.segmentBytes = 0;
    this.segmentRecords = 0;
  }

  /** The record with this seq, or null. */
  async get(seq: number): Promise<TraceRecord | null> {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.index.count) return null;
    await this.flush();
    return (await this.read([seq - 1]))[0] ?? null;
  }

  /**
   * One page of records matching `input`, exactly as `matchesQuery` decides: the index narrows
   * by kind, time, subject, agent and type; candidates are read from disk in batches and checked
   * (correlation and text are only known from the record). `after` pages forward, `before`
   * backward (newest first).
   */
  async query(input: TraceQuery): Promise<TracePage> {
    const q = TraceQuerySchema.parse(input);
    const n = this.index.count; // records appended while this query runs are not in its answer
    await this.flush();
    const candidate = this.compile(q);
    const records: TraceRecord[] = [];
    if (!candidate) return { records, hasMore: false };
    const backward = q.before !== undefined;
    const step = backward ? -1 : 1;
    const stop = backward ? -1 : n;
    let i = backward ? Math.min(q.before! - 1, n) - 1 : Math.min(q.after ?? 0, n);
    const want = q.limit + 1; // one more than asked tells whether there is more
    // Filters the index cannot answer reject some candidates: read those in bigger batches.
    const sure = !q.text && !q.correlation;
    let batch = 64;
    while (records.length < want && i !== stop) {
      const need = want - records.length;
      const size = sure ? need : Math.min(4096, Math.max(need, (batch *= 2)));
      const ids: number[] = [];
      for (; i !== stop && ids.length < size; i += step) if (candidate(i)) ids.push(i);
      if (ids.length === 0) break;
      for (const record of await this.read(ids)) {
        if (matchesQuery(record, q) && records.push(record) === want) break;
      }
    }
    const hasMore = records.length > q.limit;
    if (hasMore) records.pop();
    return { records, hasMore };
  }

  /** The index-side filter of a query, or null when nothing can match. */
  private compile(q: z.output<typeof TraceQuerySchema>): ((i: number) => boolean) | null {
    const ix = this.index;
    let kind = q.kind === undefined ? -1 : q.kind === 'message' ? KIND_MESSAGE : KIND_EVENT;
    let verdicts: Uint8Array | null = null;
    if (q.subject !== undefined) {
      if (kind === KIND_EVENT) return null; // events never match a subject filter
      kind = KIND_MESSAGE;
      verdicts = this.subjects.verdicts(q.subject);
    }
    const nameFilter = (table: NameTable, name: string | undefined): number | null | undefined => {
      if (name === undefined) return undefined; // no filter
      const id = table.lookup(name);
      return id ?? (table.overflowed ? -1 : null); // -1: only overflowed names can match
    };
    const agent = nameFilter(this.agents, q.agent);
    const type = nameFilter(this.types, q.type);
    if (agent === null || type === null) return null;
    const from = timeTest(q.from, 1);
    const to = timeTest(q.to, -1);
    const { kind: kinds, subject, agentA, agentB, type: types, time } = ix;
    return (i) => {
      if (kind >= 0 && kinds[i] !== kind) return false;
      if (verdicts) {
        const s = subject[i]!;
        if (s !== SUBJECT_OVERFLOW && verdicts[s] === 0) return false;
      }
      if (agent !== undefined) {
        const a = agentA[i]!;
        const b = agentB[i]!;
        if (a !== agent && b !== agent && a !== NAME_OVERFLOW && b !== NAME_OVERFLOW) return false;
      }
      if (type !== undefined && types[i] !== type && types[i] !== NAME_OVERFLOW) return false;
      if (from || to) {
        const t = time[i]!;
        if (Number.isNaN(t)) return true; // not in canonical form: the record decides
        if ((from && !from(t)) || (to && !to(t))) return false;
      }
      return true;
    };
  }

  /** Reads records by index position, coalescing neighbours into one read; keeps the given order. */
  private async read(ids: readonly number[]): Promise<TraceRecord[]> {
    const ix = this.index;
    const order = Int32Array.from(ids).sort();
    const bySeq = new Map<number, TraceRecord>();
    const reads: Promise<void>[] = [];
    for (let k = 0; k < order.length; ) {
      const first = order[k]!;
      const segment = ix.segment[first]!;
      const start = ix.offset[first]!;
      let end = start + ix.length[first]!;
      let last = k + 1;
      while (last < order.length) {
        const next = order[last]!;
        const nextEnd = ix.offset[next]! + ix.length[next]!;
        if (ix.segment[next] !== segment || ix.offset[next]! - end > READ_GAP || nextEnd - start > READ_MAX) break;
        end = nextEnd;
        last++;
      }
      const members = order.subarray(k, last);
      reads.push(
        this.reader(segment).then(async (fh) => {
          const buffer = Buffer.allocUnsafe(end - start);
          const { bytesRead } = await fh.read(buffer, 0, buffer.length, start);
          if (bytesRead !== buffer.length) throw new Error(`run ${this.runId}: segment ${segment} is shorter than its index.`);
          for (const id of members) {
            const from = ix.offset[id]! - start;
            bySeq.set(id, JSON.parse(buffer.toString('utf8', from, from + ix.length[id]!)) as TraceRecord);
          }
        }),
      );
      k = last;
    }
    await Promise.all(reads);
    return ids.map((id) => bySeq.get(id)!);
  }

  private reader(segment: number): Promise<FileHandle> {
    let handle = this.readers.get(segment);
    if (!handle) this.readers.set(segment, (handle = open(path.join(this.dir, segmentName(segment)), 'r')));
    return handle;
  }

  /** Records per subject and per agent, from the index (no disk reads). */
  counts(): TraceCounts {
    const subjects: Record<string, number> = {};
    const names = this.subjects.names;
    for (let id = 0; id < names.length; id++) {
      const count = this.subjectCounts[id] ?? 0;
      if (count) subjects[this.subjects.label(id)] = count;
    }
    if (this.overflowSubjects) subjects['>'] = this.overflowSubjects;
    const agents: Record<string, number> = {};
    for (let id = 1; id < this.agents.names.length; id++) {
      const count = this.agentCounts[id] ?? 0;
      if (count) agents[this.agents.names[id]!] = count;
    }
    if (this.overflowAgents) agents['*'] = this.overflowAgents;
    return { records: this.index.count, messages: this.messages, events: this.index.count - this.messages, subjects, agents };
  }

  /** Writes the run as NDJSON (header line, then one record a line): the segments, concatenated. */
  async exportNdjson(out: string): Promise<void> {
    const n = this.index.count;
    await this.flush();
    // Up to the last record flushed: bytes written later (maybe out of order) are left out.
    const end = n === 0 ? { segment: 1, bytes: Buffer.byteLength(`${JSON.stringify(this.header)}\n`) } : { segment: this.index.segment[n - 1]!, bytes: this.index.offset[n - 1]! + this.index.length[n - 1]! + 1 };
    await copySegments(this.dir, out, end);
  }

  /** Writes what is buffered, syncs it to disk and closes the files; the run can be reopened. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
      if (this.fd >= 0) fsyncSync(this.fd);
    } finally {
      this.release();
      await Promise.all([...this.readers.values()].map((h) => h.then((fh) => fh.close()).catch(() => undefined)));
      this.readers.clear();
    }
  }

  private release(): void {
    this.closed = true;
    for (const job of this.jobs.splice(0)) if (job.closeAfter) closeSync(job.fd); // only after a failure
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (openStores.get(this.dir) === this) openStores.delete(this.dir);
  }
}

/** The runs under one root directory (the app's `<dataDir>/traces`). */
export class TraceLibrary {
  constructor(readonly root: string) {}

  /** Starts a new run; its id defaults to a fresh one. */
  create(header: { run?: string; startedAt?: string; topology?: string | null } = {}, options?: TraceStoreOptions): Promise<TraceStore> {
    const { run = newRunId(), startedAt = new Date().toISOString(), topology = null } = header;
    return TraceStore.create(this.root, { format: TRACE_FORMAT, run, startedAt, topology }, options);
  }

  /** Opens a run (rebuilding its index, cutting a torn tail). */
  async open(runId: string, options?: TraceStoreOptions): Promise<TraceStore> {
    return (await TraceStore.open(this.root, runId, options)).store;
  }

  /** Run ids with their headers, oldest first by start time. */
  async list(): Promise<{ runId: string; header: TraceHeader }[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const runs: { runId: string; header: TraceHeader }[] = [];
    for (const runId of names) {
      const header = await readHeader(path.join(this.root, runId, segmentName(1))).catch(() => null);
      if (header) runs.push({ runId, header });
    }
    return runs.sort((a, b) => (a.header.startedAt < b.header.startedAt ? -1 : a.header.startedAt > b.header.startedAt ? 1 : 0));
  }

  /** Deletes a run's directory. */
  async remove(runId: string): Promise<void> {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id.`);
    const dir = path.join(this.root, runId);
    if (openStores.has(dir)) throw new Error(`run ${runId} is open; close it first.`);
    await rm(dir, { recursive: true, force: true });
    scrubSpares(this.root); // recycled journal files may still hold this run's traffic
  }

  /**
   * Imports an NDJSON export as a new run (the header keeps its original `run`). Every line is
   * validated; on any bad line nothing is kept and TraceImportError lists them by line number.
   */
  async importNdjson(file: string, options: TraceStoreOptions & { runId?: string } = {}): Promise<TraceStore> {
    const runId = options.runId ?? newRunId('import');
    const problems: ImportProblem[] = [];
    const report = (line: number, message: string) => problems.push({ line, message }) < 100;
    // Assigned inside the scan callbacks, hence a holder (TypeScript does not track closures).
    const state: { header: TraceHeader | null; store: TraceStore | null } = { header: null, store: null };
    const valid: TraceRecord[] = [];
    let lineNo = 0;
    let expected = 1;
    const onLine = (text: string): boolean => {
      lineNo++;
      if (text.trim() === '') return true;
      const raw = safeJson(text);
      if (!state.header) {
        const header = TraceHeaderSchema.safeParse(raw);
        if (header.success) state.header = header.data;
        else report(lineNo, raw === undefined ? 'not JSON (the first line must be the trace header)' : `not a trace header: ${issues(header.error)}`);
        return header.success;
      }
      const seq = expected++; // a bad line still takes its place, so one mistake is reported once
      if (raw === undefined) return report(lineNo, 'not JSON');
      const parsed = TraceRecordSchema.safeParse(raw);
      if (!parsed.success) return report(lineNo, issues(parsed.error));
      if (parsed.data.seq !== seq) return report(lineNo, `seq ${parsed.data.seq} where ${seq} was expected`);
      if (problems.length === 0) valid.push(parsed.data);
      return true;
    };
    // Valid records go to disk after each chunk, so memory stays bounded however long the file.
    const drain = async () => {
      if (problems.length || !state.header) return;
      state.store ??= await TraceStore.create(this.root, state.header, { ...options, runId });
      for (const record of valid.splice(0)) state.store.append(record);
    };
    try {
      await scanLines(file, true, onLine, drain);
      if (!state.header && problems.length === 0) report(Math.max(1, lineNo), 'no trace header');
      if (problems.length) throw new TraceImportError(problems, file);
      await drain();
      await state.store!.flush();
      return state.store!;
    } catch (error) {
      const store = state.store as TraceStore | null;
      if (store) {
        await store.close().catch(() => undefined);
        await rm(store.dir, { recursive: true, force: true });
      }
      throw error;
    }
  }

  /** Writes a run as NDJSON to `out` (lossless: re-importing and exporting gives the same bytes). */
  async exportNdjson(runId: string, out: string): Promise<void> {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id.`);
    const dir = path.join(this.root, runId);
    const open = openStores.get(dir);
    if (open) return open.exportNdjson(out);
    await copySegments(dir, out);
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onLine` for each newline-terminated line of `file` (and, with `final`, an unterminated
 * last one) with its byte offset and length; stops when it returns false. `between` runs after
 * each chunk (async work without holding the whole file). Returns where complete lines end.
 */
async function scanLines(
  file: string,
  final: boolean,
  onLine: (text: string, offset: number, bytes: number) => boolean,
  between?: () => Promise<void>,
): Promise<{ end: number; size: number }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    let buffer = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(size, 1)));
    let have = 0; // bytes in buffer
    let base = 0; // file offset of buffer[0]
    for (let position = 0; ; ) {
      if (have === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2); // a line longer than the buffer
        buffer.copy(bigger, 0, 0, have);
        buffer = bigger;
      }
      const { bytesRead } = await fh.read(buffer, have, buffer.length - have, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      have += bytesRead;
      const view = buffer.subarray(0, have);
      let start = 0;
      for (let nl = view.indexOf(NEWLINE, start); nl !== -1; nl = view.indexOf(NEWLINE, start)) {
        if (!onLine(view.toString('utf8', start, nl), base + start, nl - start)) return { end: base + start, size };
        start = nl + 1;
      }
      buffer.copy(buffer, 0, start, have);
      have -= start;
      base += start;
      await between?.();
    }
    if (final && have > 0) {
      if (onLine(buffer.toString('utf8', 0, have), base, have)) return { end: base + have, size };
    }
    return { end: base, size };
  } finally {
    await fh.close();
  }
}

async function readHeader(file: string): Promise<TraceHeader | null> {
  let header: TraceHeader | null = null;
  await scanLines(file, false, (line) => ((header = TraceHeaderSchema.safeParse(safeJson(line)).data ?? null), false));
  return header;
}

/** The segment numbers of a run, checked to run 1..n without a gap. */
async function segmentNumbers(dir: string): Promise<number[]> {
  const numbers = (await readdir(dir))
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (numbers[0] !== 1 || numbers.some((n, i) => n !== i + 1)) throw new Error(`${dir}: trace segments missing or out of order (${numbers.join(', ') || 'none'}).`);
  return numbers;
}

/** Concatenates a run's segments into `out`, up to `end` when given, else leaving out a torn tail. */
async function copySegments(dir: string, out: string, end?: { segment: number; bytes: number }): Promise<void> {
  const numbers = (await segmentNumbers(dir)).filter((n) => !end || n <= end.segment);
  const target = await open(out, 'w');
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (const n of numbers) {
      const file = path.join(dir, segmentName(n));
      const length = end && n === end.segment ? end.bytes : n === numbers.length ? await completeLength(file) : (await stat(file)).size;
      const source = await open(file, 'r');
      try {
        for (let position = 0; position < length; ) {
          const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, length - position), position);
          if (bytesRead === 0) break;
          await target.write(buffer, 0, bytesRead);
          position += bytesRead;
        }
      } finally {
        await source.close();
      }
    }
  } finally {
    await target.close();
  }
}

/** Length of `file` up to and including its last newline. */
async function completeLength(file: string): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buffer.length);
      await fh.read(buffer, 0, end - start, start);
      const nl = buffer.subarray(0, end - start).lastIndexOf(NEWLINE);
      if (nl !== -1) return start + nl + 1;
      end = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}
