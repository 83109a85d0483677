/** The cycle inspector's building blocks: a conversation as a chat, tool calls, a "Show in trace" link. */
import type { ReactNode } from 'react';
import type { LlmMessage, LlmToolCall } from '../../../agents/protocol/llm';
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

/** Tool calls as `name {args}` lines. */
export function ToolCallList({ calls }: { calls: readonly LlmToolCall[] }) {
  if (calls.length === 0) return null;
  return (
    <ul className="cy-calls">
      {calls.map((c) => (
        <li key={c.id} className="cy-call" data-testid="cycle-tool-call" data-tool={c.name}>
          <span className="cy-call-name mono">{c.name}</span>
          <code className="cy-call-args">{JSON.stringify(c.arguments)}</code>
        </li>
      ))}
    </ul>
  );
}

/** A system prompt and messages as a chat, oldest first. */
export function Chat({ system, messages, testId }: { system: string | null; messages: readonly LlmMessage[]; testId?: string }) {
  return (
    <div className="cy-chat" data-testid={testId}>
      {system !== null && (
        <div className="cy-msg cy-msg-system" data-role="system">
          <span className="cy-role">system</span>
          <div className="cy-text">{system}</div>
        </div>
      )}
      {messages.map((m, i) => (
        <div key={i} className={`cy-msg cy-msg-${m.role}${m.role === 'tool' && m.isError ? ' cy-error' : ''}`} data-role={m.role}>
          <span className="cy-role">{m.role === 'tool' ? `tool result · ${m.name}` : m.role}</span>
          {m.content && <div className="cy-text">{m.content}</div>}
          {m.role === 'assistant' && m.toolCalls && <ToolCallList calls={m.toolCalls} />}
        </div>
      ))}
      {messages.length === 0 && system === null && <p className="muted">No messages.</p>}
    </div>
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
