/** The Trace tab: send a request into the running topology, and watch every message and event arrive. */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { TraceRecord } from '../../../agents/trace/record';
import { useDocumentStore } from '../stores/document-store';
import { useRunStore } from '../stores/run-store';
import { useViewStore } from '../stores/view-store';
import { isGapEvent } from '../trace/trace-format';
import { describeRecord } from './run-model';
import './run.css';

/** The Trace tab's content. */
export function TracePanel() {
  const { status, records, skipped, reply, busy, error, send, startWorkflow } = useRunStore();
  const topology = useDocumentStore((s) => s.topology);
  const running = status?.state === 'running';
  const agents = useMemo(() => status?.agents.map((a) => a.name) ?? [], [status]);
  const example = topology?.metadata.example;
  const [chosen, setTo] = useState('');
  const [typed, setInput] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const setView = useViewStore((s) => s.setView);
  // Durable workflows are started from the same box: `workflow:NAME` (a node name cannot hold ":").
  const workflows = useMemo(() => (running ? (topology?.spec.workflows ?? []).map((w) => w.name) : []), [running, topology]);
  // Until the user picks, the template's example is the first thing worth sending.
  const to = agents.includes(chosen) || workflows.includes(chosen.replace(/^workflow:/, '')) ? chosen : example && agents.includes(example.to) ? example.to : (agents[0] ?? '');
  const workflow = to.startsWith('workflow:') ? to.slice('workflow:'.length) : null;
  const input = typed ?? example?.input ?? '';

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [records]);

  if (!status || status.runId === null) {
    return <p className="empty">No run yet. Press ▶ Run to start the open topology; its messages and OODA events appear here as they happen.</p>;
  }
  return (
    <div className="trace-panel">
      <form
        className="trace-send"
        onSubmit={(e) => {
          e.preventDefault();
          if (workflow && input) void startWorkflow(workflow, input);
          else if (to && input) void send(to, input);
        }}
      >
        <select value={to} onChange={(e) => setTo(e.target.value)} disabled={!running} aria-label="Send to" data-testid="send-to">
          {agents.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          {workflows.length > 0 && (
            <optgroup label="Durable workflows">
              {workflows.map((name) => (
                <option key={name} value={`workflow:${name}`}>
                  workflow {name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <input value={input} onChange={(e) => setInput(e.target.value)} placeholder={running ? (workflow ? 'The workflow’s input…' : 'A request for the agent…') : 'Start the topology to send requests'} disabled={!running} aria-label="Request" data-testid="send-input" />
        <button type="submit" className="btn btn-primary" disabled={!running || busy || !to || !input} data-testid="send-button">
          {workflow ? 'Start' : 'Send'}
        </button>
        <span className="muted trace-meta">
          run {status.runId} · {records.length} records{skipped ? ` (${skipped} older in the store)` : ''}
        </span>
        <button type="button" className="btn" onClick={() => setView('trace')} title="Filter, inspect and page through the whole run" data-testid="open-trace-view">
          Open in Trace view
        </button>
      </form>
      {reply && (
        <p className={`trace-reply ${reply.failed ? 'trace-reply-failed' : ''}`} data-testid="send-reply">
          <strong>{reply.to}:</strong> {reply.content}
        </p>
      )}
      {error && <p className="card-error">{error}</p>}
      <div className="trace-list" ref={list} data-testid="trace-list">
        {records.map((record) => (
          <TraceRow key={record.seq} record={record} />
        ))}
      </div>
    </div>
  );
}

/** One line of the list; a record already shown is not drawn again when a batch arrives. */
const TraceRow = memo(function TraceRow({ record }: { record: TraceRecord }) {
  const line = describeRecord(record);
  return (
    <div className={`trace-row trace-${record.kind}${isGapEvent(record) ? ' trace-gap' : ''}`} data-subject={record.kind === 'message' ? record.subject : undefined}>
      <span className="trace-seq mono">{record.seq}</span>
      <span className="trace-time mono">{record.time.slice(11, 23)}</span>
      <span className="trace-who">{line.who}</span>
      <span className="trace-what mono">{line.what}</span>
      <span className="trace-detail">{line.detail}</span>
    </div>
  );
});
