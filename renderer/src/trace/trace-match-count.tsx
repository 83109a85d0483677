/**
 * How many records the filter matches, beside the filter bar: the host's total when it knows the
 * positions (the table's scroll range is exactly that); for a text filter, the count so far and
 * that it is partial — text is searched record by record, so the table pages by seq and its
 * scrollbar covers only the rows loaded.
 */
import { useTraceStore } from '../stores/trace-store';

/** A count written out in full (the table's scroll range is exactly this many rows). */
const exactly = (n: number) => n.toLocaleString('en-US');

/** The match count of the filter bar. */
export function MatchCount() {
  const total = useTraceStore((s) => s.total);
  const matching = useTraceStore((s) => s.matching);
  const exact = useTraceStore((s) => s.matchingExact);
  const all = useTraceStore((s) => s.counts?.records ?? null);
  const text = useTraceStore((s) => s.filter.text !== undefined);
  const shown = text ? matching : (total ?? matching);
  if (shown === null) return <span className="muted trace-filter-status" data-testid="trace-row-count" />;
  const partial = text && !exact;
  return (
    <span className="muted trace-filter-status" data-testid="trace-row-count" data-partial={text || undefined}>
      {partial ? '≥ ' : ''}
      {exactly(shown)} {shown === 1 && !partial ? 'record matches' : 'records match'}
      {all !== null && shown !== all ? ` of ${exactly(all)}` : ''}
      {text && (
        <span className="trace-count-partial" title="Text is searched in each record's payload: the table loads matches page by page as you scroll, and its scrollbar covers the rows loaded so far." data-testid="trace-count-partial">
          {partial ? ' · partial count (text search)' : ' · text search: scroll to load more'}
        </span>
      )}
    </span>
  );
}
