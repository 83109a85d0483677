/**
 * Edit & republish: the captured message in a JSON editor (Monaco with the AgentMessage schema,
 * loaded on first use), its subject editable, published on the live bus through
 * `trace.republish`. A draft that is not an AgentMessage is refused with the reason until the
 * user picks "Publish anyway"; an external server asks first. Closing keeps the draft.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import type { MessageRecord } from '../../../agents/trace/record';
import type { CallOutput } from '../../../preload/contract';
import { Modal } from '../files/modal';
import { formatBytes } from '../lib/format';
import { useRepublishStore } from '../stores/republish-store';
import { useRunStore } from '../stores/run-store';
import { useServerStore } from '../stores/server-store';
import { useTraceStore } from '../stores/trace-store';
import { checkDraft, draftOf } from './republish-draft';

const RepublishEditor = lazy(() => import('./republish-editor').then((m) => ({ default: m.RepublishEditor })));

type Phase = { at: 'editing' } | { at: 'confirm'; anyway: boolean } | { at: 'publishing' } | { at: 'done'; result: CallOutput<'trace.republish'> } | { at: 'failed'; error: string };

/** The dialog, while a record is being edited. */
export function RepublishDialog() {
  const record = useRepublishStore((s) => s.record);
  return record ? <RepublishBody key={record.seq} record={record} /> : null;
}

function RepublishBody({ record }: { record: MessageRecord }) {
  const close = useRepublishStore((s) => s.close);
  const keep = useRepublishStore((s) => s.keep);
  const publish = useRepublishStore((s) => s.publish);
  const kept = useRepublishStore((s) => (s.kept?.seq === record.seq ? s.kept : null));
  const external = useServerStore((s) => s.status?.mode === 'external');
  const serverUrl = useServerStore((s) => s.status?.clientUrl ?? null);
  const running = useRunStore((s) => s.status?.state === 'running');
  const setFollow = useTraceStore((s) => s.setFollow);
  const draft = useMemo(() => draftOf(record, { id: crypto.randomUUID(), time: new Date().toISOString() }), [record]);
  const [subject, setSubject] = useState(kept?.subject ?? draft.subject);
  const [text, setText] = useState(kept?.text ?? draft.text);
  const [request, setRequest] = useState(draft.request);
  const [phase, setPhase] = useState<Phase>({ at: 'editing' });
  const check = useMemo(() => checkDraft(subject.trim(), text), [subject, text]);
  const headerCount = Object.values(draft.headers).reduce((n, v) => n + v.length, 0);

  const leave = () => {
    keep({ seq: record.seq, subject, text });
    close();
  };
  const send = async (confirmExternal: boolean) => {
    setPhase({ at: 'publishing' });
    try {
      const result = await publish({ subject: subject.trim(), payload: text, headers: draft.headers, request, ...(confirmExternal && { confirmExternal: true }) });
      setPhase({ at: 'done', result });
    } catch (error) {
      setPhase({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
  const start = (anyway: boolean) => (external ? setPhase({ at: 'confirm', anyway }) : void send(false));
  const busy = phase.at === 'publishing';
  const subjectOk = check.subjectProblem === null;

  const footer =
    phase.at === 'confirm' ? (
      <>
        <span className="republish-confirm" data-testid="republish-confirm">
          The server is external ({serverUrl ?? 'not the workbench’s own'}): every client on it receives this message. Publish there?
        </span>
        <span className="grow" />
        <button type="button" className="btn" onClick={() => setPhase({ at: 'editing' })}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void send(true)} data-testid="republish-confirm-yes">
          Publish on the external server
        </button>
      </>
    ) : (
      <>
        <label className="republish-request" title="Publish with a fresh reply inbox, so the answer is recorded as this message's reply">
          <input type="checkbox" checked={request} onChange={(e) => setRequest(e.target.checked)} data-testid="republish-request" /> Wait for a reply
        </label>
        <span className="grow" />
        <button type="button" className="btn" onClick={leave}>
          Close
        </button>
        {!check.payload.ok && (
          <button type="button" className="btn" disabled={!subjectOk || busy} onClick={() => start(true)} data-testid="republish-anyway" title="Publish this text although it is not an AgentMessage">
            Publish anyway
          </button>
        )}
        <button type="button" className="btn btn-primary" disabled={!subjectOk || !check.payload.ok || busy} onClick={() => start(false)} data-testid="republish-publish">
          {busy ? 'Publishing…' : 'Publish'}
        </button>
      </>
    );

  return (
    <Modal title={`Edit & republish #${record.seq}`} onClose={leave} footer={footer} testId="republish-dialog" size="large">
      <div className="republish-form">
        <label className="republish-subject">
          <span>Subject</span>
          <input className="mono" value={subject} onChange={(e) => setSubject(e.target.value)} spellCheck={false} data-testid="republish-subject" aria-invalid={!subjectOk} />
        </label>
        <p className="republish-meta muted">
          {headerCount > 0 ? `${headerCount} captured ${headerCount === 1 ? 'header' : 'headers'} sent along, ` : 'No captured headers; '}
          plus <span className="mono">Switchboard-Injected: 1</span>.
          {draft.renewedFrom && (
            <>
              {' '}
              New <span className="mono">message_id</span> and <span className="mono">timestamp</span> (captured id <span className="mono">{draft.renewedFrom}</span>).
            </>
          )}
          {record.truncated && <> The recorder cut this payload at {formatBytes(record.payload.length)} of {formatBytes(record.size)}.</>}
        </p>
        <Suspense fallback={<div className="republish-monaco republish-loading muted">Loading the editor…</div>}>
          <RepublishEditor initial={text} onChange={setText} />
        </Suspense>
        <div className="republish-checks" data-testid="republish-checks" aria-live="polite">
          {!subjectOk && <p className="republish-problem">Subject: {check.subjectProblem}.</p>}
          {check.payload.ok ? (
            <p className="republish-ok">
              A valid AgentMessage: {check.payload.value.message_type} from {check.payload.value.from_agent} to {check.payload.value.to_agent ?? 'everyone'}.
            </p>
          ) : (
            <p className="republish-problem" data-testid="republish-invalid">
              Not an AgentMessage, so not published: {check.payload.reason}
            </p>
          )}
          {!running && <p className="republish-problem">Nothing is running: start a topology to publish on its bus.</p>}
          {phase.at === 'failed' && (
            <p className="republish-problem" role="alert" data-testid="republish-error">
              {phase.error}
            </p>
          )}
          {phase.at === 'done' && (
            <div className="republish-done" data-testid="republish-done">
              Published {formatBytes(phase.result.bytes)} on <span className="mono">{phase.result.subject}</span>
              {phase.result.reply && (
                <>
                  {' '}
                  (reply inbox <span className="mono">{phase.result.reply}</span>)
                </>
              )}
              ; its record is marked injected.{' '}
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  void setFollow(true);
                  leave();
                }}
                data-testid="republish-follow"
              >
                Follow the live trace
              </button>
            </div>
          )}
        </div>
      </div>
    </Modal>
  );
}
