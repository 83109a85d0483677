/** The cycle inspector's building blocks: a titled block with its record's "Show in trace" link, label/value rows. */
import type { ReactNode } from 'react';
import { useCyclesStore } from '../stores/cycles-store';

/** A link that opens record `seq` in the trace explorer. */
export function ShowInTrace({ seq, label = 'Show in trace' }: { seq: number; label?: string }) {
  const showInTrace = useCyclesStore((s) => s.showInTrace);
  return (
    <button type="button" className="cy-link" data-testid="cycle-show-in-trace" data-seq={seq} title={`Select record #${seq} in the trace explorer`} onClick={() => showInTrace(seq)}>
      {label} <span className="mono">#{seq}</span>
    </button>
  );
}

/** A titled block of the detail pane with its record link. */
export function Block({ title, seq, testId, children, extra }: { title: ReactNode; seq?: number | null; testId?: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <section className="cy-block" data-testid={testId}>
      <header className="cy-block-head">
        <h4>{title}</h4>
        <span className="cy-block-extra">
          {extra}
          {seq != null && <ShowInTrace seq={seq} />}
        </span>
      </header>
      {children}
    </section>
  );
}

/** Label/value rows (values as given). */
export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="cy-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="cy-fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
