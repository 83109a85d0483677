/**
 * The detail pane of the selected record, as Wireshark's details and bytes panes: the record's
 * facts, its AgentMessage fields (or why it is not one) or its event's typed payload, headers,
 * and the payload as a JSON tree, raw text and a hex + ASCII dump; its request or reply, handoff
 * chain and conversation (related-records.tsx); copy as JSON / nats pub / nats req and Edit &
 * republish (detail-copy.tsx, republish-dialog.tsx).
 */
import { useMemo, useState } from 'react';
import { isInjected } from '../../../agents/trace/row-facts';
import type { TraceRecord } from '../../../agents/trace/record';
import { CycleLink } from '../debugger/cycle-link';
import { formatBytes } from '../lib/format';
import { useTraceStore } from '../stores/trace-store';
import { DetailActions } from './detail-copy';
import { Fields, InjectedBadge, Section } from './detail-parts';
import { JsonTree } from './json-tree';
import { eventFields, messageFields, type Field } from './record-fields';
import { ExchangeLink } from './exchange-link';
import { RelatedRecordsView } from './related-records';
import { RepublishDialog } from './republish-dialog';
import { SynadiaSection } from './synadia-detail';
import { formatOffset, hexDump, payloadBytes, payloadJson, payloadText, statusLabel, synadiaLabel } from './trace-format';

type PayloadTab = 'json' | 'text' | 'hex';

/** The payload as JSON, text or hex, by tab. */
function Payload({ record }: { record: TraceRecord }) {
  const json = useMemo(() => payloadJson(record), [record]);
  const [chosen, setTab] = useState<PayloadTab | null>(null);
  const tab = chosen ?? (json.ok ? 'json' : 'text');
  // A narrow pane shows 8 bytes a line, so that the ASCII column stays in view.
  const perLine = useTraceStore((s) => (s.layout.detail < 520 ? 8 : 16));
  const dump = useMemo(() => (tab === 'hex' ? hexDump(payloadBytes(record), undefined, perLine) : null), [record, tab, perLine]);
  const truncated = record.kind === 'message' && record.truncated;
  return (
    <div className="detail-payload">
      <div className="detail-tabs" role="tablist" aria-label="Payload as">
        {(['json', 'text', 'hex'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className="detail-tab" data-testid={`payload-${t}`} onClick={() => setTab(t)}>
            {t === 'json' ? 'JSON' : t === 'text' ? 'Text' : 'Hex'}
          </button>
        ))}
        {truncated && (
          <span className="badge badge-warn" data-testid="payload-truncated" title="The recorder keeps payloads up to its size limit">
            cut: {formatBytes(record.payload.length)} of {formatBytes(record.size)}
          </span>
        )}
      </div>
      <div className="detail-payload-body" data-testid="payload-body" data-tab={tab}>
        {tab === 'json' && (json.ok ? <JsonTree value={json.value} /> : <p className="muted">Not JSON: {json.reason}.</p>)}
        {tab === 'text' && <pre className="detail-text mono">{payloadText(record)}</pre>}
        {tab === 'hex' && dump && (
          <pre className="detail-hex mono" data-testid="hex-dump">
            {dump.lines.map((l) => (
              <div key={l.offset} className="hex-line">
                <span className="hex-offset">{l.offset}</span>
                <span className="hex-bytes">{l.hex.padEnd(perLine * 3)}</span>
                <span className="hex-ascii">{l.ascii}</span>
              </div>
            ))}
            {dump.omitted > 0 && <div className="muted">… {dump.omitted} more bytes</div>}
          </pre>
        )}
      </div>
    </div>
  );
}

/** What went wrong with the record (timed out, no responders, failed…), said first: the table's chip is narrow. */
function DetailStatus({ seq }: { seq: number }) {
  const facts = useTraceStore((s) => (s.related?.seq === seq ? s.related.facts : null));
  if (!facts || facts.status === 'ok' || facts.status === 'pending') return null;
  return (
    <p className={`detail-status status-${facts.status}`} role="status" data-testid="detail-status">
      {/* The reason says the status already ("timed out after 1500 ms: …"); the label alone when there is none. */}
      {facts.error ?? statusLabel(facts.status)}
    </p>
  );
}

/** The pane's content for one record. */
function RecordDetail({ record }: { record: TraceRecord }) {
  const facts: Field[] = [
    ['seq', String(record.seq)],
    ['time', record.time],
    ['since start', formatOffset(record.mono)],
  ];
  if (record.kind === 'message') {
    const size = record.truncated ? `${record.size} bytes (cut: ${record.payload.length} kept)` : `${record.size} bytes`;
    facts.push(['subject', record.subject], ['reply to', record.reply ?? '—'], ['size', size], ['encoding', record.encoding]);
  }
  const title = record.kind === 'message' ? record.subject : record.name;
  // A Synadia protocol message is told by its facts (a chunk by the prompt it answers).
  const rowFacts = useTraceStore((s) => (s.related?.seq === record.seq ? s.related.facts : null));
  const synadia = record.kind === 'message' && !record.parsed.ok && synadiaLabel(rowFacts?.type) !== null;
  return (
    <div className="detail-scroll">
      <header className="detail-header">
        <span className={`kind-chip kind-${record.kind}`}>{record.kind}</span>
        <span className="detail-title mono" title={title}>
          #{record.seq} {title}
        </span>
        {record.kind === 'message' && isInjected(record) && <InjectedBadge />}
        {record.kind === 'message' && record.truncated && (
          <span className="badge badge-warn" data-testid="detail-truncated" title="The recorder keeps payloads up to its size limit">
            cut · {formatBytes(record.size)}
          </span>
        )}
      </header>
      <DetailStatus seq={record.seq} />
      <DetailActions record={record} />
      <Section title="Record">
        <Fields fields={facts} />
      </Section>
      {record.kind === 'message' && synadia ? (
        <SynadiaSection record={record} facts={rowFacts} />
      ) : record.kind === 'message' ? (
        <Section title="AgentMessage" testId="detail-agent-message">
          {record.parsed.ok ? (
            <>
              <Fields fields={messageFields(record.parsed.message)} />
              <div className="detail-content">
                <div className="detail-label">content</div>
                <pre className="detail-text mono">{record.parsed.message.content}</pre>
              </div>
              {Object.keys(record.parsed.message.metadata).length > 0 && (
                <div className="detail-content">
                  <div className="detail-label">metadata</div>
                  <JsonTree value={record.parsed.message.metadata} />
                </div>
              )}
            </>
          ) : (
            <p className="muted" data-testid="not-agent-message">
              Not an AgentMessage: {record.parsed.reason}
            </p>
          )}
        </Section>
      ) : (
        <Section title={`Event · ${record.name}`} testId="detail-event">
          <Fields fields={eventFields(record)} />
          <CycleLink record={record} />
          <ExchangeLink record={record} />
        </Section>
      )}
      <RelatedRecordsView seq={record.seq} event={record.kind === 'event'} />
      {record.kind === 'message' && (
        <Section title={`Headers${record.headers ? ` (${Object.keys(record.headers).length})` : ''}`}>
          {record.headers ? <Fields fields={Object.entries(record.headers).map(([k, v]): Field => [k, v.join(', ')])} /> : <p className="muted">No headers.</p>}
        </Section>
      )}
      <Section title={record.kind === 'message' ? `Payload · ${formatBytes(record.size)}` : 'Payload'} testId="detail-payload">
        <Payload record={record} />
      </Section>
    </div>
  );
}

/** The detail pane: the selected record, or a hint. */
export function TraceDetail() {
  const selected = useTraceStore((s) => s.selected);
  const setDetailOpen = useTraceStore((s) => s.setDetailOpen);
  return (
    <aside className="trace-detail" aria-label="Record detail" data-testid="trace-detail">
      <button type="button" className="detail-close" title="Close the detail pane (Esc)" aria-label="Close the detail pane" onClick={() => setDetailOpen(false)}>
        ×
      </button>
      {selected ? (
        <RecordDetail key={selected.seq} record={selected} />
      ) : (
        <p className="empty">Select a record to see its AgentMessage fields, its request or reply, handoff chain and conversation, headers, and payload as JSON, text and hex. ↑ ↓ move, Enter opens.</p>
      )}
      <RepublishDialog />
    </aside>
  );
}
