/**
 * Where the sequence view's pages come from: `trace.query` by position (`offset`) with the table's
 * filter and each record's facts. A filter only the records answer (free text, correlation) has
 * no positions: then pages are read forward from the previous page's last seq, and the total grows
 * as they load (one page past what is loaded while the host says there is more).
 */
import type { TraceRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';
import type { TraceFilter } from '../../../agents/trace/query';
import type { FetchPositions, PositionPage } from './sequence-pages';

/** One `trace.query` answer, as far as the sequence view reads it. */
export interface QueryAnswer {
  records: TraceRecord[];
  hasMore: boolean;
  total: number | null;
  facts?: RowFacts[];
}

/** A `trace.query` call with the filter and one way of paging. */
export type QueryCall = (query: TraceFilter & { offset?: number; after?: number; limit: number }) => Promise<QueryAnswer>;

/** True when only the records answer `filter` (no positions, no total: see trace.query's `offset`). */
export const pagesForward = (filter: TraceFilter): boolean => filter.text !== undefined || filter.correlation !== undefined;

/** A {@link FetchPositions} over `query` with `filter`. */
export function positionFetcher(query: QueryCall, filter: TraceFilter): FetchPositions {
  if (!pagesForward(filter)) {
    return async (offset, limit) => {
      const page = await query({ ...filter, offset, limit });
      return { records: page.records, facts: page.facts, total: page.total ?? offset + page.records.length };
    };
  }
  // The last seq before each offset read so far (offset 0 starts after seq 0), and the reads on their way.
  const cursors = new Map<number, number>([[0, 0]]);
  const reading = new Map<number, Promise<unknown>>();
  const read = async (offset: number, limit: number): Promise<PositionPage> => {
    // The page before is on its way (both came into view at once): its last seq starts this one.
    if (!cursors.has(offset)) await reading.get(offset - limit)?.catch(() => undefined);
    const after = cursors.get(offset);
    if (after === undefined) throw new Error('With a text or correlation filter the diagram reads forward: scroll down to this row.');
    const page = await query({ ...filter, after, limit });
    const end = offset + page.records.length;
    const last = page.records.at(-1);
    if (last) cursors.set(end, last.seq);
    return { records: page.records, facts: page.facts, total: end + (page.hasMore ? limit : 0) };
  };
  return (offset, limit) => {
    const work = read(offset, limit);
    reading.set(offset, work);
    void work.finally(() => reading.get(offset) === work && reading.delete(offset)).catch(() => undefined);
    return work;
  };
}
