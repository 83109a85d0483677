/**
 * The detail pane of the selected record, as Wireshark's details and bytes panes: the record's
 * facts, its AgentMessage fields (or why it is not one) or its event's typed payload, headers,
 * and the payload as a JSON tree, raw text and a hex + ASCII dump. Copy as JSON.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { TraceRecord } from '../../../agents/trace/record';
import { formatBytes } from '../lib/format';
import { useTraceStore } from '../stores/trace-store';
import { JsonTree } from './json-tree';
import { eventFields, messageFields, type Field } from './record-fields';
import { formatDuration, formatOffset, hexDump, payloadBytes, payloadJson, payloadText, rowCells, statusLabel } from './trace-format';

type PayloadTab = 'json' | 'text' | 'hex';

/** A titled, foldable section. */
function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <details className="detail-section" open data-testid={testId}>
      <summary>{title}</summary>
      <div className="detail-section-body">{children}</div>
    </details>
  );
}

/** Label/value rows. */
function Fields({ fields }: { fields: Field[] }) {
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

/** A link to another record: a click selects it (loading the pages around it when it is not in the window). */
function RecordLink({ record, testId, children }: { record: TraceRecord; testId?: string; children: ReactNode }) {
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

/** The record's request or reply with the latency, its status, its handoff chain and its conversation (`trace.getRelated`). */
function Related({ seq }: { seq: number }) {
  const related = useTraceStore((s) => (s.related?.seq === seq ? s.related : null));
  const bySeq = useMemo(() => new Map(related?.records.map((r) => [r.seq, r])), [related]);
  if (!related) return null;
  const { facts, chain, conversation } = related;
  const request = facts.requestSeq === null ? null : (bySeq.get(facts.requestSeq) ?? null);
  const reply = facts.replySeq === null ? null : (bySeq.get(facts.replySeq) ?? null);
  const latency = facts.latencyMs === null ? '' : formatDuration(facts.latencyMs);
  return (
    <Section title="Request ↔ reply" testId="detail-related">
      <dl className="detail-fields">
        <div className="detail-field">
          <dt>status</dt>
          <dd>
            {facts.status === 'ok' ? 'ok' : <span className={`status-chip status-${facts.status}`}>{statusLabel(facts.status)}</span>} {facts.error && <span className="muted">{facts.error}</span>}
          </dd>
        </div>
        {latency && (
          <div className="detail-field">
            <dt>latency</dt>
            <dd className="mono">{latency}</dd>
          </div>
        )}
      </dl>
      {reply && (
        <RecordLink record={reply} testId="jump-reply">
          <span className="record-link-role">reply</span>
        </RecordLink>
      )}
      {request && (
        <RecordLink record={request} testId="jump-request">
          <span className="record-link-role">request</span>
        </RecordLink>
      )}
      {!reply && !request && <p className="muted">Neither a request with a reply nor a reply to a request.</p>}
      {chain && (
        <p className="detail-note">
          Handoff chain: <span className="mono">{chain.agents.join(' → ')}</span> ({chain.total} records)
        </p>
      )}
      {conversation && (
        <details className="detail-conversation">
          <summary>
            Conversation <span className="mono">{conversation.id}</span>: {conversation.total} records
          </summary>
          {conversation.seqs.slice(0, 50).map((s) => {
            const r = bySeq.get(s);
            return r ? (
              <RecordLink key={s} record={r}>
                {s === seq ? <span className="record-link-role">this</span> : null}
              </RecordLink>
            ) : null;
          })}
        </details>
      )}
    </Section>
  );
}

/** The pane's content for one record. */
function RecordDetail({ record }: { record: TraceRecord }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(JSON.stringify(record, null, 2)).then(
      () => setCopied('Copied'),
      () => setCopied('Copy failed (clipboard not allowed)'),
    );
  const facts: Field[] = [
    ['seq', String(record.seq)],
    ['time', record.time],
    ['since start', formatOffset(record.mono)],
  ];
  if (record.kind === 'message') {
    facts.push(['subject', record.subject], ['reply to', record.reply ?? '—'], ['size', `${record.size} bytes${record.truncated ? ' (payload cut)' : ''}`], ['encoding', record.encoding]);
  }
  const title = record.kind === 'message' ? record.subject : record.name;
  return (
    <div className="detail-scroll">
      <header className="detail-header">
        <span className={`kind-chip kind-${record.kind}`}>{record.kind}</span>
        <span className="detail-title mono" title={title}>
          #{record.seq} {title}
        </span>
        <span className="detail-actions">
          {copied && <span className="muted">{copied}</span>}
          <button type="button" className="btn btn-small" onClick={() => void copy()} data-testid="copy-json">
            Copy as JSON
          </button>
        </span>
      </header>
      <Section title="Record">
        <Fields fields={facts} />
      </Section>
      <Related seq={record.seq} />
      {record.kind === 'message' ? (
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
        </Section>
      )}
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
      {selected ? <RecordDetail key={selected.seq} record={selected} /> : <p className="empty">Select a record to see its headers, AgentMessage fields and payload as JSON, text and hex. ↑ ↓ move, Enter opens.</p>}
    </aside>
  );
}
