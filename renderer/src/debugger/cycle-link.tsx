/** The trace explorer's "Show in cycle inspector" for a record of an OODA run (its payload names the run). */
import type { TraceRecord } from '../../../agents/trace/record';
import { useStores } from '../stores/stores-context';

/** The OODA run a record belongs to, if its payload names one. */
export function oodaRunOf(record: TraceRecord): string | null {
  return record.kind === 'event' && 'runId' in record.payload ? record.payload.runId : null;
}

/** A link from a trace record to its turn and phase in the Debug view's Cycles tab (nothing for other records). */
export function CycleLink({ record }: { record: TraceRecord }) {
  const stores = useStores();
  const oodaRun = oodaRunOf(record);
  if (oodaRun === null || record.kind !== 'event') return null;
  const show = () => {
    const debug = stores.debug.getState();
    debug.setFocus({ agent: record.agent, oodaRun, seq: record.seq });
    debug.setTab('cycles');
    stores.view.getState().setView('debug');
  };
  return (
    <button type="button" className="record-link" data-testid="show-in-cycles" title="Show this record’s turn and phase in the cycle inspector" onClick={show}>
      ⟳ Show in cycle inspector
    </button>
  );
}
