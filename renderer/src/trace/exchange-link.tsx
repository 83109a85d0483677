/**
 * "Show every record of this workflow / call / negotiation / batch": filters the trace to the id
 * that ties them (a text search, so the bus messages that carry it are found with the events).
 */
import { exchangeOf } from '../../../agents/trace/event-gist';
import type { TraceRecord } from '../../../agents/trace/record';
import { useTraceStore } from '../stores/trace-store';

/** The link, for an event that belongs to an exchange; nothing otherwise. */
export function ExchangeLink({ record }: { record: TraceRecord }) {
  const setFilterText = useTraceStore((s) => s.setFilterText);
  const exchange = record.kind === 'event' ? exchangeOf(record) : null;
  if (!exchange) return null;
  return (
    <button type="button" className="record-link" data-testid="show-exchange" title={`Filter the trace to "${exchange.id}"`} onClick={() => void setFilterText(`"${exchange.id}"`)}>
      ⇄ Show every record of this {exchange.what}
    </button>
  );
}
