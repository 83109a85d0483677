/**
 * What the host found around the selected record (`trace.getRelated`): its request or reply with
 * the latency, the handoff chain it is a hop of, and its whole conversation threaded like a mail
 * thread. Every entry is a link that selects its record; long threads show a page at a time.
 */
import { useMemo, useState } from 'react';
import type { TraceRecord } from '../../../agents/trace/record';
import type { RelatedRecords } from '../../../agents/trace/row-facts';
import { useTraceStore } from '../stores/trace-store';
import { shownCount, threadConversation, type ThreadEntry } from './conversation-thread';
import { RecordLink, Section } from './detail-parts';
import { formatDuration, formatOffset, rowCells, statusLabel } from './trace-format';

/** Thread lines shown at first, and added by each "more". */
const THREAD_PAGE = 20;
/** Deeper replies stop moving right (the depth is still written). */
const MAX_INDENT = 8;

/** The record's request or reply, its handoff chain and its conversation, once loaded. */
export function RelatedRecordsView({ seq, event = false }: { seq: number; event?: boolean }) {
  const related = useTraceStore((s) => (s.related?.seq === seq ? s.related : null));
  const bySeq = useMemo(() => new Map(related?.records.map((r) => [r.seq, r])), [related]);
  if (!related) {
    return (
      <Section title="Request ↔ reply" testId="detail-related">
        <p className="muted">Looking for its request or reply, handoff chain and conversation…</p>
      </Section>
    );
  }
  return (
    <>
      {/* An event is neither a request nor a reply: the section says something only when correlation tied one to it. */}
      {(!event || related.facts.requestSeq !== null || related.facts.replySeq !== null) && <RequestReply related={related} bySeq={bySeq} />}
      {related.chain && <HandoffChainView chain={related.chain} seq={seq} bySeq={bySeq} />}
      {related.conversation && <ConversationView conversation={related.conversation} seq={seq} bySeq={bySeq} />}
    </>
  );
}

type Lookup = ReadonlyMap<number, TraceRecord>;

/** Status, latency, and a link to the request or the reply. */
function RequestReply({ related, bySeq }: { related: RelatedRecords; bySeq: Lookup }) {
  const { facts } = related;
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
    </Section>
  );
}

/** The agents the task visited, and each hop as a link. */
function HandoffChainView({ chain, seq, bySeq }: { chain: NonNullable<RelatedRecords['chain']>; seq: number; bySeq: Lookup }) {
  return (
    <Section title={`Handoff chain · ${chain.total} ${chain.total === 1 ? 'hop' : 'hops'}`} testId="detail-chain">
      <p className="chain-agents mono" data-testid="chain-agents">
        {chain.agents.map((agent, i) => (
          <span key={i}>
            {i > 0 && <span className="chain-arrow"> → </span>}
            {agent}
          </span>
        ))}
      </p>
      <ol className="chain-hops">
        {chain.seqs.map((s, i) => {
          const record = bySeq.get(s);
          return (
            <li key={s} aria-current={s === seq || undefined}>
              {record ? (
                <RecordLink record={record} testId="chain-hop">
                  <span className="record-link-role">hop {i + 1}</span>
                </RecordLink>
              ) : (
                <span className="muted">#{s}</span>
              )}
            </li>
          );
        })}
      </ol>
      {chain.total > chain.seqs.length && <p className="detail-note">The {chain.seqs.length} hops nearest this record of {chain.total}.</p>}
    </Section>
  );
}

/** The conversation as a thread: each message under the one it answers. */
function ConversationView({ conversation, seq, bySeq }: { conversation: NonNullable<RelatedRecords['conversation']>; seq: number; bySeq: Lookup }) {
  const entries = useMemo(() => threadConversation(conversation.seqs, bySeq), [conversation, bySeq]);
  const [limit, setLimit] = useState(THREAD_PAGE);
  const shown = shownCount(entries, seq, limit);
  const first = entries.length > 0 ? bySeq.get(Math.min(...conversation.seqs)) : undefined;
  const hidden = entries.length - shown;
  if (conversation.total === 1) {
    return (
      <Section title="Conversation" testId="detail-conversation">
        <p className="muted">Only this message: nothing answers it, and it answers nothing recorded.</p>
      </Section>
    );
  }
  return (
    <Section
      title={
        <>
          Conversation · {conversation.total} {conversation.total === 1 ? 'message' : 'messages'} · <span className="mono conversation-id">{conversation.id}</span>
        </>
      }
      testId="detail-conversation"
    >
      <p className="detail-note conversation-agents">{conversation.agents.join(', ')}</p>
      <div className="thread" role="list" data-testid="conversation-thread">
        {entries.slice(0, shown).map((entry) => (
          <ThreadLine key={entry.seq} entry={entry} record={bySeq.get(entry.seq)} current={entry.seq === seq} startMono={first?.mono ?? 0} />
        ))}
      </div>
      {hidden > 0 && (
        <button type="button" className="btn btn-small thread-more" onClick={() => setLimit(shown + THREAD_PAGE)} data-testid="thread-more">
          Show {Math.min(hidden, THREAD_PAGE)} more ({hidden} not shown)
        </button>
      )}
      {conversation.total > conversation.seqs.length && (
        <p className="detail-note">
          The {conversation.seqs.length} messages nearest this record of {conversation.total}; the rest are further away in the run.
        </p>
      )}
    </Section>
  );
}

/** One message of the thread, indented by its depth; a click selects it. */
function ThreadLine({ entry, record, current, startMono }: { entry: ThreadEntry; record: TraceRecord | undefined; current: boolean; startMono: number }) {
  const jumpTo = useTraceStore((s) => s.jumpTo);
  const indent = { paddingLeft: `${Math.min(entry.depth, MAX_INDENT) * 14 + 6}px` };
  if (!record) {
    return (
      <div role="listitem" className="thread-line thread-missing" style={indent}>
        <span className="mono">#{entry.seq}</span> <span className="muted">not loaded</span>
      </div>
    );
  }
  const cells = rowCells(record);
  const message = record.kind === 'message' && record.parsed.ok ? record.parsed.message : null;
  const gist = message ? message.content : record.kind === 'message' ? record.subject : record.name;
  return (
    <button
      type="button"
      role="listitem"
      className="thread-line"
      style={indent}
      aria-current={current || undefined}
      data-testid="thread-entry"
      data-seq={record.seq}
      data-depth={entry.depth}
      onClick={() => void jumpTo(record)}
      title={`#${record.seq} ${cells.fromTo}\n${gist}`}
    >
      {entry.depth > 0 && <span className="thread-branch">{entry.depth > MAX_INDENT ? `↳${entry.depth}` : '↳'}</span>}
      <span className="mono thread-seq">#{record.seq}</span>
      <span className="type-chip thread-type">{cells.type ?? 'raw'}</span>
      <span className="thread-who">{cells.fromTo}</span>
      <span className="thread-gist">{gist}</span>
      <span className="mono thread-time">+{formatOffset(record.mono - startMono)}</span>
    </button>
  );
}
