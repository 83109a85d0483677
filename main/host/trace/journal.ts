/**
 * The recorder's journal: what arrived, as it arrived — raw bytes from the bus tap and runtime
 * events — appended to files in the run's directory within 100 ms. Capturing is cheap (no
 * parsing); the journal is decoded into records later (journal-decoder.ts), so a burst on the bus
 * is recorded without competing with it, and a crash loses at most the last 100 ms.
 *
 * Journal files are recycled, as databases recycle their write-ahead log: a file whose records are
 * safely in the store goes to a small pool beside the runs and is written over by a later file of
 * this or another run. Writing into a file's existing pages costs a tenth of growing a new file
 * (measured here: 55 MB in ~7 ms of CPU instead of ~100 ms), and a burst's bytes are the one cost
 * the recorder adds while the burst is on.
 *
 * File: "SBJ1", 4 reserved bytes, then the valid length (u32 LE, updated after every flush, so
 * stale bytes from a file's previous use or a write torn by a crash are never read), 4 reserved.
 * Entry: kind (u8), length (u32 LE), wall-clock ms (f64 LE), run-relative monotonic ms (f64 LE),
 * then `length` bytes. Files rotate between flushes, so an entry never spans two files. A
 * checkpoint names the position up to which the journal is decoded into the store, and the seq
 * the next record from there gets.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync, writevSync } from 'node:fs';
import path from 'node:path';

/** Raw bytes from the bus tap's connection. */
export const ENTRY_BUS = 1;
/** One runtime event: JSON name, newline, JSON agent, newline, JSON payload. */
export const ENTRY_EVENT = 2;
/** The tap (re)connected: bytes after this start a new protocol stream. */
export const ENTRY_STREAM = 3;

export const ENTRY_HEADER = 21;
/** Bytes before the first entry of a file: where a fresh journal starts. */
export const FILE_HEADER = 16;
const MAGIC = 0x314a4253; // "SBJ1" little-endian
const ROTATE_BYTES = 32 * 1024 * 1024;
/** Recycled files kept for later journals (at most this many times ROTATE_BYTES of disk). */
const MAX_SPARES = 3;
/** Files smaller than this are not worth keeping. */
const MIN_SPARE_BYTES = 1024 * 1024;
/** Pending bytes past which an append writes at once (memory stays bounded under a burst). */
const MAX_PENDING = 32 * 1024 * 1024;
/** The most one socket read brings into the read ring. */
export const READ_SLICE = 1024 * 1024;
/** The ring the tap reads into: MAX_PENDING and room for the reads that cross it. */
const RING_BYTES = MAX_PENDING + 2 * READ_SLICE;
/** Buffers per writev call (below IOV_MAX). */
const WRITEV_BATCH = 512;
/**
 * Read rings of closed writers, kept for the next ones. Touching fresh memory costs a page fault
 * per page the first time: ~50 ms per 32 MB here, as much as the rest of a burst's capture.
 * (Allocating RING_BYTES untouched costs nothing: only pages written to are faulted in.)
 */
const rings: Buffer[] = [];
const MAX_RINGS = 2;
const FILE = /^journal-(\d{6})\.bin$/;
const CHECKPOINT = 'journal.json';
const SPARES = '.journal-spares';

export const journalName = (n: number): string => `journal-${String(n).padStart(6, '0')}.bin`;

/** A place in the journal: an entry's start, and how far into its bytes. */
export interface JournalPosition {
  file: number;
  offset: number;
  inner: number;
}

/** Decoded up to `position`; the record decoded next from there gets `seq`. */
export interface Checkpoint extends JournalPosition {
  seq: number;
  /** The recorder's payload limit, so a replay cuts payloads as it would have. */
  payloadLimit: number;
}

/** Journal file numbers present in `dir`, in order. */
export function journalFiles(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => FILE.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function readCheckpoint(dir: string): Checkpoint | null {
  const file = path.join(dir, CHECKPOINT);
  if (!existsSync(file)) return null;
  try {
    const cp = JSON.parse(readFileSync(file, 'utf8')) as Partial<Checkpoint>;
    const ok = [cp.file, cp.offset, cp.inner, cp.seq, cp.payloadLimit].every((n) => Number.isSafeInteger(n) && n! >= 0);
    return ok ? (cp as Checkpoint) : null;
  } catch {
    return null;
  }
}

/** Replaces the checkpoint atomically (a crash leaves the old one or the new one). */
export function writeCheckpoint(dir: string, cp: Checkpoint): void {
  const tmp = path.join(dir, `${CHECKPOINT}.tmp`);
  writeFileSync(tmp, JSON.stringify({ file: cp.file, offset: cp.offset, inner: cp.inner, seq: cp.seq, payloadLimit: cp.payloadLimit }));
  renameSync(tmp, path.join(dir, CHECKPOINT));
}

/** Where recycled journal files wait: beside the runs (the parent of a run's directory). */
export const sparesDir = (dir: string): string => path.join(path.dirname(dir), SPARES);

/**
 * Retires journal files before `file` (all of them, and the checkpoint, when `file` is Infinity):
 * recycled into the spares while there is room, deleted otherwise.
 */
export function retireJournal(dir: string, before = Number.POSITIVE_INFINITY): void {
  // The checkpoint goes first: a crash halfway leaves files without one (ignored), never a
  // checkpoint naming a file that is gone.
  if (before === Number.POSITIVE_INFINITY) for (const name of [CHECKPOINT, `${CHECKPOINT}.tmp`]) if (existsSync(path.join(dir, name))) unlinkSync(path.join(dir, name));
  for (const n of journalFiles(dir)) if (n < before) recycle(dir, path.join(dir, journalName(n)));
}

/**
 * Overwrites the recycled journal files beside the runs with zeros: they hold old bus traffic,
 * perhaps a deleted run's. Zeros written over existing pages keep the files cheap to reuse.
 */
export function scrubSpares(root: string): void {
  const spares = path.join(root, SPARES);
  if (!existsSync(spares)) return;
  const zeros = Buffer.alloc(1024 * 1024);
  for (const name of readdirSync(spares)) {
    const file = path.join(spares, name);
    try {
      const fd = openSync(file, 'r+');
      try {
        const size = statSync(file).size;
        for (let at = 0; at < size; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
      } finally {
        closeSync(fd);
      }
    } catch {
      rmSync(file, { force: true }); // taken meanwhile, or unwritable: gone either way
    }
  }
}

let spareNo = 0;

function recycle(dir: string, file: string): void {
  const spares = sparesDir(dir);
  try {
    if (statSync(file).size >= MIN_SPARE_BYTES) {
      mkdirSync(spares, { recursive: true });
      if (readdirSync(spares).length < MAX_SPARES) {
        renameSync(file, path.join(spares, `spare-${process.pid}-${Date.now()}-${spareNo++}.bin`));
        return;
      }
    }
  } catch {
    // no room or no pool (another process may have removed it): delete instead
  }
  unlinkSync(file);
}

/**
 * Opens journal file `n` of `dir` for writing, with a fresh header: a spare when there is one
 * (its header is reset before it gets the journal's name, so its old bytes are never valid).
 */
function openJournalFile(dir: string, n: number): number {
  const target = path.join(dir, journalName(n));
  const header = Buffer.alloc(FILE_HEADER);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FILE_HEADER, 8);
  const spares = sparesDir(dir);
  for (const name of existsSync(spares) ? readdirSync(spares) : []) {
    const claimed = path.join(dir, `.${journalName(n)}.new`);
    try {
      renameSync(path.join(spares, name), claimed); // atomic: two recorders never get the same spare
    } catch {
      continue;
    }
    let fd = -1;
    try {
      fd = openSync(claimed, 'r+');
      writeSync(fd, header, 0, FILE_HEADER, 0);
      renameSync(claimed, target);
      return fd;
    } catch (error) {
      if (fd >= 0) closeSync(fd);
      rmSync(claimed, { force: true });
      throw error;
    }
  }
  const fd = openSync(target, 'wx');
  writeSync(fd, header, 0, FILE_HEADER, 0);
  return fd;
}

/** The valid length written in a journal file's header (0 when it is not a journal file). */
function validLength(fd: number): number {
  const header = Buffer.alloc(FILE_HEADER);
  if (readSync(fd, header, 0, FILE_HEADER, 0) < FILE_HEADER || header.readUInt32LE(0) !== MAGIC) return 0;
  return header.readUInt32LE(8);
}

/**
 * Appends entries; they reach the OS on flush() (the recorder calls it within 100 ms). Pending
 * entries are kept by reference and written with one writev: bus bytes are read by the tap
 * straight into this writer's read ring (reserve/commitRead), so they are never copied in between.
 */
export class JournalWriter {
  private fd: number;
  private file: number;
  private size = FILE_HEADER;
  private readonly length = Buffer.alloc(4);
  private broken: Error | null = null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly ring = rings.pop() ?? Buffer.allocUnsafeSlow(RING_BYTES);
  /** Where the next read into the ring goes; the ring before it is pending or written. */
  private ringAt = 0;
  /** When the oldest pending entry was appended (performance.now()), or 0. */
  pendingSince = 0;
  private readonly rotateBytes: number;

  constructor(
    private readonly dir: string,
    options: { first?: number; rotateBytes?: number } = {},
  ) {
    this.file = options.first ?? 1;
    this.rotateBytes = options.rotateBytes ?? ROTATE_BYTES;
    this.fd = openJournalFile(dir, this.file);
  }

  /** The end of what is on disk: entries before it can be read back. */
  get flushed(): JournalPosition {
    return { file: this.file, offset: this.size, inner: 0 };
  }

  get hasPending(): boolean {
    return this.pendingBytes > 0;
  }

  /** Why the writer stopped (a failed write), or null. */
  get failure(): Error | null {
    return this.broken;
  }

  /** Queues an entry; `data` is kept by reference until the next flush, so it must not change. */
  append(kind: number, wallMs: number, mono: number, data: Uint8Array): void {
    if (this.broken) throw this.broken;
    this.queue(kind, wallMs, mono, data);
  }

  /**
   * Where the next socket read should go: the ring after everything read so far. Node asks for
   * it right after each read, before the next arrives, so other entries and flushes may come in
   * between; the ring's unread part is never pending, so they cannot touch it.
   */
  reserve(): Buffer {
    if (this.broken) throw this.broken;
    if (this.ringAt + READ_SLICE > this.ring.length) {
      this.flush(); // all of the ring is on its way to disk: start over at its beginning
      this.ringAt = 0;
    }
    return this.ring.subarray(this.ringAt, this.ringAt + READ_SLICE);
  }

  /** Makes `bytes`, just read into reserve()'s buffer, an entry. */
  commitRead(kind: number, wallMs: number, mono: number, bytes: Buffer): void {
    if (this.broken) throw this.broken;
    this.ringAt = bytes.byteOffset - this.ring.byteOffset + bytes.length;
    this.queue(kind, wallMs, mono, bytes);
  }

  private queue(kind: number, wallMs: number, mono: number, data: Uint8Array): void {
    const header = Buffer.allocUnsafe(ENTRY_HEADER);
    header.writeUInt8(kind, 0);
    header.writeUInt32LE(data.length, 1);
    header.writeDoubleLE(wallMs, 5);
    header.writeDoubleLE(mono, 13);
    if (this.pendingBytes === 0) this.pendingSince = performance.now();
    this.pending.push(header, data);
    this.pendingBytes += ENTRY_HEADER + data.length;
    if (this.pendingBytes >= MAX_PENDING) this.flush();
  }

  /**
   * Hands everything pending to the OS (a page-cache copy: survives the process, not the machine).
   * A failed write (disk full) breaks the writer for good: what it had is dropped, the file keeps
   * its last valid length, and every later append or flush throws the same error — a journal with
   * a hole in the middle of a protocol stream could not be decoded past the hole.
   */
  flush(): void {
    if (this.broken) throw this.broken;
    if (this.pendingBytes === 0) return;
    const buffers = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingSince = 0;
    const valid = this.size;
    try {
      for (let i = 0; i < buffers.length; i += WRITEV_BATCH) this.writeAll(buffers.slice(i, i + WRITEV_BATCH));
      // Only now are the bytes valid: a crash during the write above leaves the old length.
      this.length.writeUInt32LE(this.size, 0);
      writeSync(this.fd, this.length, 0, 4, 8);
      if (this.size >= this.rotateBytes) {
        const next = openJournalFile(this.dir, this.file + 1); // before closing: a failure leaves this one usable
        closeSync(this.fd);
        this.fd = next;
        this.file++;
        this.size = FILE_HEADER;
      }
    } catch (error) {
      this.size = valid;
      this.broken = error instanceof Error ? error : new Error(String(error));
      throw this.broken;
    }
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      if (!this.broken) this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
      if (rings.length < MAX_RINGS) rings.push(this.ring);
    }
  }

  private writeAll(buffers: Uint8Array[]): void {
    let left = buffers.reduce((n, b) => n + b.length, 0);
    let written = writevSync(this.fd, buffers, this.size);
    this.size += written;
    left -= written;
    while (left > 0) {
      // A short write (rare on files): write the rest from where it stopped.
      const rest = Buffer.concat(buffers).subarray(-left);
      written = writevSync(this.fd, [rest], this.size);
      this.size += written;
      left -= written;
    }
  }
}

/** One entry read back; `data` is a view valid until the next read. */
export interface JournalEntry {
  kind: number;
  wallMs: number;
  mono: number;
  data: Buffer;
  file: number;
  offset: number;
}

/** Reads entries in order from a position, up to a limit (the writer's flushed end) or the end of the files. */
export class JournalReader {
  private buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  private bufStart = 0;
  private bufLength = 0;
  private pos = 0;
  private fd: number;
  private file: number;

  constructor(
    private readonly dir: string,
    from: { file: number; offset: number },
  ) {
    this.file = from.file;
    this.fd = openSync(path.join(dir, journalName(from.file)), 'r');
    this.bufStart = from.offset;
  }

  /** Where the next entry starts. */
  get position(): { file: number; offset: number } {
    return { file: this.file, offset: this.bufStart + this.pos };
  }

  /**
   * The next whole entry before `limit` (null: up to the end of the last file), or null when
   * there is none yet. A torn entry at the very end (a crash mid-write) reads as the end.
   */
  next(limit: JournalPosition | null): JournalEntry | null {
    for (;;) {
      // The current file is complete when a later one is within the limit (or, without one, exists).
      const later = limit ? limit.file > this.file : existsSync(path.join(this.dir, journalName(this.file + 1)));
      const end = limit && limit.file === this.file ? limit.offset : validLength(this.fd);
      const entry = this.entryAt(end);
      if (entry || !later) return entry;
      closeSync(this.fd);
      this.file++;
      this.fd = openSync(path.join(this.dir, journalName(this.file)), 'r');
      this.bufStart = FILE_HEADER;
      this.bufLength = 0;
      this.pos = 0;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** The entry at the read position if all of it lies before `end`. */
  private entryAt(end: number): JournalEntry | null {
    if (!this.fill(ENTRY_HEADER, end)) return null;
    const at = this.pos;
    const length = this.buf.readUInt32LE(at + 1);
    if (!this.fill(ENTRY_HEADER + length, end)) return null;
    const start = this.pos; // fill may have moved the bytes
    const entry: JournalEntry = {
      kind: this.buf.readUInt8(start),
      wallMs: this.buf.readDoubleLE(start + 5),
      mono: this.buf.readDoubleLE(start + 13),
      data: this.buf.subarray(start + ENTRY_HEADER, start + ENTRY_HEADER + length),
      file: this.file,
      offset: this.bufStart + start,
    };
    this.pos = start + ENTRY_HEADER + length;
    return entry;
  }

  /** Makes `bytes` bytes from the read position available, reading no further than `end`. */
  private fill(bytes: number, end: number): boolean {
    if (this.bufStart + this.pos + bytes > end) return false;
    if (this.bufLength - this.pos >= bytes) return true;
    // Keep the unread bytes, in a bigger buffer when one entry needs it.
    const keep = this.bufLength - this.pos;
    const target = bytes > this.buf.length ? Buffer.allocUnsafe(Math.max(bytes, this.buf.length * 2)) : this.buf;
    this.buf.copy(target, 0, this.pos, this.bufLength);
    this.buf = target;
    this.bufStart += this.pos;
    this.pos = 0;
    this.bufLength = keep;
    const want = Math.min(this.buf.length - keep, end - (this.bufStart + keep));
    let got = 0;
    while (got < want) {
      const n = readSync(this.fd, this.buf, keep + got, want - got, this.bufStart + keep + got);
      if (n === 0) break;
      got += n;
    }
    this.bufLength = keep + got;
    return this.bufLength >= bytes;
  }
}
