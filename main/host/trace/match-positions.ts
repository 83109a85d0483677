/**
 * Where a filter's matches are in a run: the record positions (0-based, seq − 1) of every record a
 * filter matches, in order, as a Uint32Array built by one scan of the index and extended as records
 * are appended, so the record at position k of the filtered result, or the position of a seq, is a
 * lookup: paging by position costs a page, not a run. A few filters are kept (least recently used
 * goes); filters only the records answer (text, correlation) have none.
 */
import { matchesQuery, needsRecords, type ParsedTraceFilter } from '../../../agents/trace/query.js';
import type { TraceRecord } from '../../../agents/trace/record.js';
import { MAYBE, NO, type RunIndex } from './run-index.js';

/** Filters whose positions are kept (each at most 4 bytes a matching record). */
const KEPT = 4;
/** Records scanned between reads of the ones the index cannot decide. */
const CHUNK = 65_536;

/** The positions a filter matches among a run's first `length` matching records. */
export interface Matches {
  /** Record positions (seq − 1), ascending; only the first `length` are meaningful. */
  readonly positions: Uint32Array;
  readonly length: number;
}

interface Entry {
  filter: ParsedTraceFilter;
  positions: Uint32Array;
  length: number;
  /** Records scanned so far (positions below it are decided). */
  scanned: number;
  /** The index's flag patches when scanned: a later patch (a request failed) can make an `errors` filter match an earlier record. */
  patches: number;
  /** The scan in progress: extensions run one after another. */
  work: Promise<void>;
}

/** The first index in `positions[0, length)` whose value is ≥ `value` (`length` when none is). */
export function lowerBound(positions: Uint32Array, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (positions[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The match positions of the filters a run was lately queried with. */
export class MatchPositions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly index: RunIndex,
    private readonly read: (ids: readonly number[]) => Promise<TraceRecord[]>,
  ) {}

  /**
   * The positions `filter` matches among the first `n` records, exactly as `matchesQuery` decides
   * (records the index cannot decide are read and checked); null for a filter that needs every
   * record read (text, correlation). Paging fields of a query are ignored.
   */
  async of(filter: ParsedTraceFilter, n: number): Promise<Matches | null> {
    if (needsRecords(filter)) return null;
    const { from, to, subject, agent, kind, type, infrastructure, errors } = filter;
    const only: ParsedTraceFilter = { from, to, subject, agent, kind, type, infrastructure, errors };
    const key = JSON.stringify(only);
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key); // re-inserted below: the most recent
    else {
      entry = { filter: only, positions: new Uint32Array(1024), length: 0, scanned: 0, patches: this.index.patches, work: Promise.resolve() };
      if (this.entries.size >= KEPT) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, entry);
    const current = entry;
    current.work = current.work.then(() => this.extend(current, n));
    await current.work;
    // Another query may have scanned further: this answer covers the first n records only.
    const length = current.scanned > n ? lowerBound(current.positions, current.length, n) : current.length;
    return { positions: current.positions, length };
  }

  /** Scans records [scanned, n): the index decides most; the rest are read and checked. */
  private async extend(entry: Entry, n: number): Promise<void> {
    if (entry.filter.errors && entry.patches !== this.index.patches) Object.assign(entry, { length: 0, scanned: 0, patches: this.index.patches });
    if (entry.scanned >= n) return;
    const candidate = this.index.compile(entry.filter);
    if (!candidate) return void (entry.scanned = n); // nothing so far can match (a name not seen yet)
    while (entry.scanned < n) {
      const end = Math.min(n, entry.scanned + CHUNK);
      const found: number[] = [];
      const undecided: number[] = [];
      for (let i = entry.scanned; i < end; i++) {
        const verdict = candidate(i);
        if (verdict === NO) continue;
        found.push(i);
        if (verdict === MAYBE) undecided.push(i);
      }
      let rejected: Set<number> | null = null;
      if (undecided.length) {
        const records = await this.read(undecided);
        rejected = new Set(undecided.filter((id, k) => !matchesQuery(records[k]!, entry.filter, this.index.flagsAt(id))));
      }
      this.append(entry, rejected ? found.filter((id) => !rejected.has(id)) : found);
      entry.scanned = end;
    }
  }

  private append(entry: Entry, ids: readonly number[]): void {
    if (entry.length + ids.length > entry.positions.length) {
      const grown = new Uint32Array(Math.max(entry.positions.length * 2, entry.length + ids.length));
      grown.set(entry.positions.subarray(0, entry.length));
      entry.positions = grown;
    }
    entry.positions.set(ids, entry.length);
    entry.length += ids.length;
  }
}
