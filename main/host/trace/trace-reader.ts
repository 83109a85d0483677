/**
 * The read side of a run: a query narrows candidates with the index, then reads only those
 * records from their segments, neighbours coalesced into one read, so a query over a million
 * records reads only the records it returns (and a few it rejects by text or correlation).
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { matchesQuery, type ParsedTraceFilter, type ParsedTraceQuery, type TracePage } from '../../../agents/trace/query.js';
import type { TraceRecord } from '../../../agents/trace/record.js';
import { lowerBound, MatchPositions, type Matches } from './match-positions.js';
import type { QueryCounts, RunIndex } from './run-index.js';
import { segmentName } from './segments.js';

/** Reads closer than this are merged into one; no read grows past the cap. */
const READ_GAP = 16 * 1024;
const READ_MAX = 4 * 1024 * 1024;
/** The most records a count reads to check filters the index cannot answer (text, correlation, names past capacity). */
const COUNT_READ_LIMIT = 50_000;

/** Reads one run's records by index position. */
export class TraceReader {
  private readonly handles = new Map<number, Promise<FileHandle>>();
  /** The match positions of recent filters (offset paging, totals, locate). */
  private readonly positions: MatchPositions;

  constructor(
    private readonly dir: string,
    private readonly runId: string,
    private readonly index: RunIndex,
  ) {
    this.positions = new MatchPositions(index, (ids) => this.read(ids));
  }

  /**
   * One page of the first `n` records matching `q`, exactly as `matchesQuery` decides. Filters the
   * index answers page by the positions of their matches (match-positions.ts): `offset` is a
   * position in the filtered result, `after` and `before` are found by binary search, and `total`
   * comes with the page. Text and correlation are only known from the records: candidates are read
   * in batches and checked, `after` forward, `before` backward (newest first), without a total.
   */
  async query(q: ParsedTraceQuery, n: number): Promise<TracePage> {
    const matches = await this.positions.of(q, n);
    if (matches) return this.pageOf(q, matches);
    const candidate = this.index.compile(q);
    const records: TraceRecord[] = [];
    if (!candidate) return { records, hasMore: false, total: null, offset: null };
    const backward = q.before !== undefined;
    const step = backward ? -1 : 1;
    const stop = backward ? -1 : n;
    let i = backward ? Math.min(q.before! - 1, n) - 1 : Math.min(q.after ?? 0, n);
    const want = q.limit + 1; // one more than asked tells whether there is more
    let batch = 64;
    while (records.length < want && i !== stop) {
      const need = want - records.length;
      const size = Math.min(4096, Math.max(need, (batch *= 2)));
      const ids: number[] = [];
      for (; i !== stop && ids.length < size; i += step) if (candidate(i)) ids.push(i);
      if (ids.length === 0) break;
      const read = await this.read(ids);
      for (let k = 0; k < read.length; k++) {
        if (matchesQuery(read[k]!, q, this.index.flagsAt(ids[k]!)) && records.push(read[k]!) === want) break;
      }
    }
    const hasMore = records.length > q.limit;
    if (hasMore) records.pop();
    return { records, hasMore, total: null, offset: null };
  }

  /** A page read from a filter's match positions: `offset` from there, `after` forward, `before` backward (newest first). */
  private async pageOf(q: ParsedTraceQuery, { positions, length }: Matches): Promise<TracePage> {
    let start: number;
    let end: number;
    if (q.before !== undefined) {
      end = lowerBound(positions, length, q.before - 1);
      start = Math.max(0, end - q.limit);
    } else {
      start = q.offset ?? lowerBound(positions, length, q.after ?? 0);
      end = Math.min(length, start + q.limit);
    }
    if (start >= end) return { records: [], hasMore: false, total: length, offset: null };
    const ids = Array.from(positions.subarray(start, end));
    const records = await this.read(q.before !== undefined ? ids.reverse() : ids);
    return { records, hasMore: q.before !== undefined ? start > 0 : end < length, total: length, offset: start };
  }

  /**
   * Where record `seq` is among the first `n` records matching `filter`: its position in the
   * filtered result (where it would be when it does not match) and whether it matches. Position
   * and total are null for text and correlation filters (then only `matches` is answered).
   */
  async locate(filter: ParsedTraceFilter, seq: number, n: number): Promise<{ position: number | null; matches: boolean; total: number | null }> {
    const matches = await this.positions.of(filter, n);
    if (!matches) {
      const record = seq >= 1 && seq <= n ? (await this.read([seq - 1]))[0] : undefined;
      return { position: null, matches: record !== undefined && matchesQuery(record, filter, this.index.flagsAt(seq - 1)), total: null };
    }
    const position = lowerBound(matches.positions, matches.length, seq - 1);
    return { position, matches: matches.positions[position] === seq - 1 && position < matches.length, total: matches.length };
  }

  /**
   * Counts of the first `n` records matching `q` (paging ignored), exactly as `matchesQuery`
   * decides: from the index, reading only records it cannot decide, at most COUNT_READ_LIMIT
   * (past that `exact` is false and the rest are not counted).
   */
  async count(q: ParsedTraceFilter, n: number): Promise<QueryCounts> {
    const { tally, undecided, undecidedLeft } = this.index.countMatching(q, n, COUNT_READ_LIMIT);
    const shown = q.infrastructure === 'hide' ? { ...q, infrastructure: 'show' as const } : q;
    for (let at = 0; at < undecided.length; at += 4096) {
      const ids = undecided.slice(at, at + 4096);
      const read = await this.read(ids);
      for (let k = 0; k < read.length; k++) if (matchesQuery(read[k]!, shown, this.index.flagsAt(ids[k]!))) tally.add(ids[k]!, q.infrastructure === 'hide');
    }
    return tally.result(undecidedLeft === 0);
  }

  /** Reads records by index position, coalescing neighbours into one read; keeps the given order. */
  async read(ids: readonly number[]): Promise<TraceRecord[]> {
    const ix = this.index.records;
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
        this.handle(segment).then(async (fh) => {
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

  /** Closes the segment files opened for reading. */
  async close(): Promise<void> {
    await Promise.all([...this.handles.values()].map((h) => h.then((fh) => fh.close()).catch(() => undefined)));
    this.handles.clear();
  }

  private handle(segment: number): Promise<FileHandle> {
    let handle = this.handles.get(segment);
    if (!handle) this.handles.set(segment, (handle = open(path.join(this.dir, segmentName(segment)), 'r')));
    return handle;
  }
}
