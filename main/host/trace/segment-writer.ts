/**
 * The append side of a run: records are buffered and handed to the OS at least every `flushMs`
 * (so a crash of the recording process loses at most that much), written positionally on
 * libuv's thread pool, and the durable seq advances only over a written prefix. A segment is
 * closed and the next begun once it would grow past `segmentBytes`.
 */
import { closeSync, fsyncSync, openSync, write, writeSync } from 'node:fs';
import path from 'node:path';
import { NEWLINE, segmentName } from './segments.js';

const WRITE_BUFFER = 1024 * 1024;
/** Bytes handed to the OS writer but not yet written past which appends write themselves. */
const MAX_UNWRITTEN = 64 * 1024 * 1024;

/** Where appending goes on: the open segment and how far it is filled. */
export interface WritePosition {
  fd: number;
  segmentNo: number;
  /** Bytes of the segment (its header line included). */
  segmentBytes: number;
  /** Records in the segment. */
  segmentRecords: number;
  /** Records of the run so far, all on disk. */
  records: number;
}

/** Options of a {@link SegmentWriter}. */
export interface SegmentWriterOptions {
  segmentBytes: number;
  flushMs: number;
  onFlush?: ((durableSeq: number) => void) | undefined;
}

/** One buffer on its way to a segment file. */
interface WriteJob {
  fd: number;
  length: number;
  /** The last seq in this buffer (on disk once this and every earlier job is). */
  durable: number;
  /** Close the segment once written: the writer has moved on to the next one. */
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

/** Appends lines to a run's segments. */
export class SegmentWriter {
  /** The segment the last written line went to, and its byte offset there. */
  segmentNo: number;
  offset = 0;
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
  /** Bytes of the current segment, written or pending. */
  private segmentBytes: number;
  private segmentRecords: number;
  private records: number;
  private durable: number;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly dir: string,
    private readonly runId: string,
    where: WritePosition,
    private readonly opts: SegmentWriterOptions,
  ) {
    this.fd = where.fd;
    this.segmentNo = where.segmentNo;
    this.segmentBytes = where.segmentBytes;
    this.segmentRecords = where.segmentRecords;
    this.records = where.records;
    this.durable = where.records;
  }

  /** The last seq known to be written to the OS. */
  get durableSeq(): number {
    return this.durable;
  }

  /** Why writing stopped, if it did (the disk refused); writes throw it. */
  get failed(): Error | null {
    return this.failure;
  }

  /**
   * Buffers `line` plus a newline as the next record; returns its length in bytes (without the
   * newline) and leaves where it went in `segmentNo` and `offset`.
   */
  write(line: string): number {
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
    this.offset = this.segmentBytes;
    this.segmentBytes += bytes;
    this.segmentRecords++;
    this.records++;
    // Timers wait while the loop is busy with a burst; check the age of the buffer every so often.
    if ((this.records & 255) === 0 && performance.now() - this.pendingSince >= this.opts.flushMs) this.handOff(false);
    else this.timer ??= setTimeout(() => this.handOff(false), this.opts.flushMs);
    return bytes - 1;
  }

  /** Writes every record so far and resolves once the OS has them; later writes do not hold it up. */
  flush(): Promise<void> {
    this.handOff(false);
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.records;
    if (this.durable >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => this.flushWaiters.push({ seq, resolve, reject }));
  }

  /** Syncs the open segment to disk (after a flush). */
  sync(): void {
    if (this.fd >= 0) fsyncSync(this.fd);
  }

  /** Stops writing and closes the files (what is not flushed is lost). */
  release(): void {
    for (const job of this.jobs.splice(0)) if (job.closeAfter) closeSync(job.fd); // only after a failure
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
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
    const job: WriteJob = { fd: this.fd, length: this.pending, durable: this.records, closeAfter, written: this.pending === 0 };
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

  private roll(): void {
    if (this.segmentNo >= 0xffff) throw new Error(`run ${this.runId}: too many segments; raise segmentBytes.`);
    this.segmentNo++;
    this.fd = openSync(path.join(this.dir, segmentName(this.segmentNo)), 'wx');
    this.segmentBytes = 0;
    this.segmentRecords = 0;
  }
}
