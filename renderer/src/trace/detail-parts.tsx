/** The detail pane's building blocks: a foldable section, label/value rows, a link that selects another record. */
import type { ReactNode } from 'react';
import type { TraceRecord } from '../../../agents/trace/record';
import { useTraceStore } from '../stores/trace-store';
import type { Field } from './record-fields';
import { rowCells } from './trace-format';
import './trace-detail.css';

/** A titled, foldable section. */
export function Section({ title, children, testId }: { title: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <details className="detail-section" open data-testid={testId}>
      <summary>{title}</summary>
      <div className="detail-section-body">{children}</div>
    </details>
  );
}

/** Label/value rows. */
export function Fields({ fields }: { fields: Field[] }) {
  return (
    <dl className="detail-fields">
      {fields.map(([label, value]) => (
        <div key={label} className="detail-field">
          <dt>{label}</dt>
          <dd className="mono">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A link to another record: a click selects it (loading the pages around it when it is not in the window). */
export function RecordLink({ record, testId, children }: { record: TraceRecord; testId?: string; children?: ReactNode }) {
  const jumpTo = useTraceStore((s) => s.jumpTo);
  const cells = rowCells(record);
  return (
    <button type="button" className="record-link" onClick={() => void jumpTo(record)} data-testid={testId} data-seq={record.seq} title={`Select #${record.seq}`}>
      <span className="record-link-seq mono">#{record.seq}</span>
      {children}
      <span className="record-link-what">
        {cells.type ?? (record.kind === 'message' ? record.subject : '')} {cells.fromTo && `· ${cells.fromTo}`}
      </span>
    </button>
  );
}

/** The "injected" mark of a message the workbench published itself. */
export function InjectedBadge() {
  return (
    <span className="badge badge-injected" data-testid="injected-badge" title="Published by the workbench (Edit & republish), with the Switchboard-Injected header">
      injected
    </span>
  );
}
