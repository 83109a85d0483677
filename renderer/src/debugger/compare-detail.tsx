/**
 * Below the aligned rows: the selected row's two records in full (read from the host by seq), each
 * with "Show in trace", which opens that run in the Trace view with the record selected.
 */
import type { AlignedRow } from '../../../agents/trace/diff-schema';
import type { TraceRecord } from '../../../agents/trace/record';
import { useCompareStore, type CompareSide } from '../stores/compare-store';
import { JsonTree } from '../trace/json-tree';
import { payloadJson } from '../trace/trace-format';
import { compareRowAt } from './compare-rows';
import '../trace/trace.css';

/** A record as the pane shows it: a message's payload first, as JSON when it is, without the parsed copy. */
function shown(record: TraceRecord): unknown {
  if (record.kind === 'event') return record;
  // The message first: it is what differs; the envelope after it.
  const { parsed: _parsed, payload, ...envelope } = record;
  const json = payloadJson(record);
  return { payload: json.ok ? json.value : payload, ...envelope };
}

/** One side's record. */
function RecordPane({ side, runId, row, record }: { side: CompareSide; runId: string; row: AlignedRow; record: TraceRecord | null }) {
  const showInTrace = useCompareStore((s) => s.showInTrace);
  const digest = row[side];
  const label = side === 'a' ? 'A' : 'B';
  return (
    <section className={`compare-record compare-record-${side}`} data-testid={`compare-record-${side}`} aria-label={`Run ${label}’s record`}>
      <header className="compare-record-head">
        <strong>{label}</strong>
        {digest ? (
          <>
            <span className="mono muted">#{digest.seq}</span>
            <span className="compare-record-title">
              {digest.from}
              {digest.to && digest.to !== digest.from ? ` → ${digest.to}` : ''} · {digest.type}
            </span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
        <span className="spacer" />
        <button type="button" className="btn btn-small" disabled={!digest} onClick={() => digest && void showInTrace(runId, digest.seq)} title={`Open run ${runId} in the Trace view with this record selected`} data-testid={`compare-show-${side}`}>
          Show in trace
        </button>
      </header>
      <div className="compare-record-body">
        {!digest ? (
          <p className="empty">Not in run {label}: this message is only in run {side === 'a' ? 'B' : 'A'}.</p>
        ) : record ? (
          <JsonTree value={shown(record)} />
        ) : (
          <p className="empty">Loading…</p>
        )}
      </div>
    </section>
  );
}

/** The selected row's records, side by side. */
export function CompareDetail() {
  const selected = useCompareStore((s) => s.selected);
  const rows = useCompareStore((s) => s.rows);
  const records = useCompareStore((s) => s.records);
  const a = useCompareStore((s) => s.a);
  const b = useCompareStore((s) => s.b);
  const row = selected === null ? undefined : compareRowAt(rows, selected);
  if (!row || !a || !b) return <div className="compare-detail compare-detail-empty">{<p className="empty">Select a row to see both records in full.</p>}</div>;
  return (
    <div className="compare-detail" data-testid="compare-detail" data-index={row.index}>
      {row.differs.length > 0 && (
        <p className="compare-differs-note" data-testid="compare-differs">
          Row {row.index + 1} differs in <strong>{row.differs.join(', ')}</strong>
        </p>
      )}
      <div className="compare-records">
        <RecordPane side="a" runId={a} row={row} record={records.a} />
        <RecordPane side="b" runId={b} row={row} record={records.b} />
      </div>
    </div>
  );
}
