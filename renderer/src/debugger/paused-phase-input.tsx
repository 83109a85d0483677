/**
 * What a paused phase is about to work on, readable: before Observe and Orient the observation (the
 * message, who sent it, tool results), before Decide the prompt as a chat (system prompt, then the
 * messages), before Act the decision (text and tool calls). Anything else as JSON.
 */
import { OodaDecisionSchema, type LlmToolCall, type OodaDecision } from '../../../agents/protocol/llm';
import type { PausedRunInfo } from '../../../preload/contract';

type Observation = { kind: string; from: string; content: string; conversation?: string; toolResults?: { name: string; content: string; isError: boolean }[] };
type ChatMessage = { role: string; content: string; name?: string; toolCalls?: LlmToolCall[]; isError?: boolean };
type Orientation = { system: string; messages: ChatMessage[]; blackboard?: Record<string, string> };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isObservation = (v: unknown): v is Observation => isRecord(v) && typeof v['from'] === 'string' && typeof v['content'] === 'string';
const isOrientation = (v: unknown): v is Orientation => isRecord(v) && typeof v['system'] === 'string' && Array.isArray(v['messages']);

/** Tool calls as `name(args)` cards. */
export function ToolCalls({ calls }: { calls: readonly LlmToolCall[] }) {
  if (calls.length === 0) return null;
  return (
    <ul className="pi-tools">
      {calls.map((c) => (
        <li key={c.id} className="pi-tool" data-testid="paused-tool-call" data-tool={c.name}>
          <span className="pi-tool-name mono">{c.name}</span>
          <code className="pi-tool-args">{JSON.stringify(c.arguments)}</code>
        </li>
      ))}
    </ul>
  );
}

function ObservationView({ o }: { o: Observation }) {
  return (
    <dl className="pi-fields">
      <dt>{o.kind === 'tool_results' ? 'Tool results for' : 'Message from'}</dt>
      <dd className="mono">{o.from}</dd>
      {o.conversation && (
        <>
          <dt>Conversation</dt>
          <dd className="mono muted">{o.conversation}</dd>
        </>
      )}
      {o.toolResults?.length ? (
        <>
          <dt>Results</dt>
          <dd>
            {o.toolResults.map((r, i) => (
              <div key={i} className={`pi-result${r.isError ? ' pi-error' : ''}`}>
                <span className="mono">{r.name}</span>: {r.content}
              </div>
            ))}
          </dd>
        </>
      ) : (
        <>
          <dt>Content</dt>
          <dd className="pi-content">{o.content}</dd>
        </>
      )}
    </dl>
  );
}

/** The system prompt and messages as a chat (also the cycle inspector's Orient and Decide). */
export function ChatView({ o }: { o: Orientation }) {
  return (
    <div className="pi-chat">
      <div className="pi-msg pi-msg-system">
        <span className="pi-role">system</span>
        <div className="pi-text">{o.system}</div>
      </div>
      {o.messages.map((m, i) => (
        <div key={i} className={`pi-msg pi-msg-${m.role}${m.isError ? ' pi-error' : ''}`} data-role={m.role}>
          <span className="pi-role">{m.role === 'tool' ? `tool · ${m.name ?? ''}` : m.role}</span>
          {m.content && <div className="pi-text">{m.content}</div>}
          {m.toolCalls && <ToolCalls calls={m.toolCalls} />}
        </div>
      ))}
      {o.blackboard && Object.keys(o.blackboard).length > 0 && (
        <div className="pi-msg pi-msg-system">
          <span className="pi-role">blackboard</span>
          <div className="pi-text mono">{Object.entries(o.blackboard).map(([k, v]) => `${k}: ${v}`).join('\n')}</div>
        </div>
      )}
    </div>
  );
}

/** The decision (text, tool calls) as the model made it. */
export function DecisionView({ d }: { d: OodaDecision }) {
  return (
    <div className="pi-decision">
      {d.text ? <div className="pi-text">{d.text}</div> : <div className="muted">(no text)</div>}
      <ToolCalls calls={d.toolCalls} />
    </div>
  );
}

/** The paused phase's input, readable. */
export function PhaseInput({ run }: { run: PausedRunInfo }) {
  const p = run.payload;
  const decision = run.phase === 'act' ? OodaDecisionSchema.safeParse(p) : null;
  return (
    <div className="pi" data-testid="paused-input" data-phase={run.phase}>
      {decision?.success ? <DecisionView d={decision.data} /> : isOrientation(p) ? <ChatView o={p} /> : isObservation(p) ? <ObservationView o={p} /> : <pre className="mono pi-json">{JSON.stringify(p, null, 2)}</pre>}
    </div>
  );
}
