/**
 * The selected phase's detail: what went in and what came out, readable. Observe: the incoming
 * message (or the tool results a later turn observes) and the conversation's memory; Orient: the
 * assembled system prompt and messages as a chat; Decide: the model request and response (the
 * `llm.call` record: messages, tool calls, tokens, latency); Act: the tool calls with arguments and
 * results (refused, replayed, timed out) and the messages sent. Each record links to the trace.
 */
import type { ReactNode } from 'react';
import type { LlmMessage } from '../../../agents/protocol/llm';
import type { OodaPhase } from '../../../agents/protocol/runtime-events';
import type { CycleRun, CycleTurn } from '../../../agents/trace/cycles';
import type { TraceRecord } from '../../../agents/trace/record';
import { JsonTree } from '../trace/json-tree';
import { useCyclesStore } from '../stores/cycles-store';
import { CycleFork } from './cycle-fork';
import { eventOf, formatMs } from './cycle-model';
import { Block, Facts } from './cycle-parts';
import { ChatView, DecisionView } from './paused-phase-input';

type Records = Record<number, TraceRecord>;
type Observation = { kind: string; from: string; content: string; conversation?: string; toolResults?: { name: string; content: string; isError: boolean }[] };
type Orientation = { system: string; messages: LlmMessage[]; blackboard?: Record<string, string> };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObservation = (v: unknown): Observation | null => (isRecord(v) && typeof v['from'] === 'string' && typeof v['content'] === 'string' ? (v as Observation) : null);
const asOrientation = (v: unknown): Orientation | null => (isRecord(v) && typeof v['system'] === 'string' && Array.isArray(v['messages']) ? (v as Orientation) : null);

/** The `ooda.phase` record of `phase` in `turn`, once read. */
function phaseRecord(records: Records, turn: CycleTurn, phase: OodaPhase) {
  return eventOf(records, turn.phases.find((p) => p.phase === phase)?.seq ?? null, 'ooda.phase');
}

function ObserveDetail({ run, turn, records }: { run: CycleRun; turn: CycleTurn; records: Records }) {
  const started = turn === run.turns[0] ? eventOf(records, run.startedSeq, 'run.started') : null;
  const record = phaseRecord(records, turn, 'observe');
  const observation = asObservation(record?.payload.output);
  const message = started?.payload.message;
  // What memory held for this conversation: Orient's messages before the one this run answers.
  const oriented = started ? asOrientation(phaseRecord(records, turn, 'orient')?.payload.output) : null;
  const memory = oriented ? oriented.messages.length - 1 : null;
  return (
    <>
      {message && (
        <Block title="Incoming message" seq={run.startedSeq} testId="cycle-observe-message">
          <Facts
            rows={[
              ['from', <span className="mono">{message.from_agent}</span>],
              ['to', <span className="mono">{message.to_agent ?? '—'}</span>],
              ['subject', <span className="mono">{run.subject ?? '—'}</span>],
              ['type', message.message_type],
              ['message id', <span className="mono muted">{message.message_id}</span>],
            ]}
          />
          <div className="cy-content">{message.content}</div>
          {Object.keys(message.metadata).length > 0 && <JsonTree value={message.metadata} />}
        </Block>
      )}
      {record && (
        <Block title={observation?.kind === 'tool_results' ? 'Observed tool results' : 'Observation'} seq={record.seq} testId="cycle-observe">
          {observation ? (
            <>
              <Facts
                rows={[
                  ['from', <span className="mono">{observation.from}</span>],
                  ...(observation.conversation ? [['conversation', <span className="mono muted">{observation.conversation}</span>] as [string, ReactNode]] : []),
                  ...(memory !== null ? [['memory', <span data-testid="cycle-memory">{memory === 0 ? 'empty: a new conversation' : `${memory} earlier message${memory === 1 ? '' : 's'} (shown in Orient)`}</span>] as [string, ReactNode]] : []),
                ]}
              />
              {observation.toolResults?.length ? (
                <ul className="cy-results">
                  {observation.toolResults.map((r, i) => (
                    <li key={i} className={r.isError ? 'cy-error' : undefined}>
                      <span className="cy-call-name mono">{r.name}</span> <span className="cy-text">{r.content}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                !message && <div className="cy-content">{observation.content}</div>
              )}
            </>
          ) : (
            <JsonTree value={record.payload.output} />
          )}
        </Block>
      )}
      {!record && !message && <p className="muted">Not recorded yet.</p>}
    </>
  );
}

function OrientDetail({ turn, records }: { turn: CycleTurn; records: Records }) {
  const record = phaseRecord(records, turn, 'orient');
  if (!record) return <p className="muted">Not recorded yet.</p>;
  const orientation = asOrientation(record.payload.output);
  // What memory held: the conversation before the message this turn answers.
  const memory = orientation && turn.turn === 1 ? orientation.messages.length - 1 : null;
  return (
    <Block title="Assembled prompt" seq={record.seq} testId="cycle-orient" extra={memory !== null && <span className="muted">{memory === 0 ? 'no earlier messages in memory' : `${memory} from memory`}</span>}>
      {orientation ? (
        <div data-testid="cycle-orient-chat">
          <ChatView o={orientation} />
        </div>
      ) : (
        <JsonTree value={record.payload.output} />
      )}
    </Block>
  );
}

function DecideDetail({ turn, records }: { turn: CycleTurn; records: Records }) {
  const call = eventOf(records, turn.llmSeq, 'llm.call');
  if (!call) return <p className="muted">{turn.llmSeq === null ? 'No model call recorded for this turn.' : 'Loading…'}</p>;
  const { request, response, error, latencyMs, provider, model } = call.payload;
  const usage = response?.usage;
  return (
    <>
      <Block title="Model call" seq={call.seq} testId="cycle-decide-call">
        <Facts
          rows={[
            ['model', <span className="mono">{`${provider} · ${model}`}</span>],
            ['latency', <span data-testid="cycle-latency">{formatMs(latencyMs)}</span>],
            ['tokens', usage ? <span data-testid="cycle-tokens">{`${usage.inputTokens} in · ${usage.outputTokens} out`}</span> : '—'],
            ['stop reason', response?.stopReason ?? '—'],
            ['tools offered', request.tools.length > 0 ? <span className="mono">{request.tools.map((t) => t.name).join(', ')}</span> : 'none'],
          ]}
        />
      </Block>
      <Block title="Request" testId="cycle-decide-request">
        <ChatView o={{ system: request.system, messages: request.messages }} />
      </Block>
      <Block title="Response" testId="cycle-decide-response">
        {error !== null && <div className="cy-content cy-error">{error}</div>}
        {response && (
          <div className="pi-msg pi-msg-assistant" data-role="assistant">
            <span className="pi-role">assistant</span>
            <DecisionView d={{ text: response.text, toolCalls: response.toolCalls }} />
          </div>
        )}
      </Block>
    </>
  );
}

/** A tool result's flags: error, refused (and why), replayed, timed out. */
function ToolFlags({ record }: { record: Extract<TraceRecord, { kind: 'event'; name: 'tool.result' }> }) {
  const { isError, refused, replayed } = record.payload;
  return (
    <span className="cy-flags">
      {refused === 'timeout' ? <span className="cy-flag cy-flag-bad">timed out</span> : refused && <span className="cy-flag cy-flag-bad">refused: {refused.replace('_', ' ')}</span>}
      {isError && !refused && <span className="cy-flag cy-flag-bad">error</span>}
      {replayed && <span className="cy-flag">replayed</span>}
      <span className="muted">{formatMs(record.payload.durationMs)}</span>
    </span>
  );
}

function ActDetail({ turn, records }: { turn: CycleTurn; records: Records }) {
  const record = phaseRecord(records, turn, 'act');
  const reply = isRecord(record?.payload.output) && typeof record.payload.output['reply'] === 'string' ? record.payload.output['reply'] : null;
  return (
    <>
      {turn.toolSeqs.map((seq) => {
        const tool = eventOf(records, seq, 'tool.result');
        return (
          <Block key={seq} title={tool ? <span className="cy-call-name mono">{tool.payload.tool}</span> : 'Tool call'} seq={seq} testId="cycle-tool-result" extra={tool && <ToolFlags record={tool} />}>
            {tool && (
              <>
                <div className="cy-label">arguments</div>
                <JsonTree value={tool.payload.arguments} />
                <div className="cy-label">result</div>
                <div className={`cy-content${tool.payload.isError ? ' cy-error' : ''}`}>{tool.payload.result}</div>
              </>
            )}
          </Block>
        );
      })}
      {turn.sentSeqs.map((seq) => {
        const sent = eventOf(records, seq, 'message.sent');
        const m = sent?.payload.message;
        return (
          <Block key={seq} title={m ? `Sent ${m.message_type} → ${m.to_agent ?? sent.payload.subject}` : 'Message sent'} seq={seq} testId="cycle-sent">
            {m && (
              <>
                <Facts rows={[['subject', <span className="mono">{sent.payload.subject || '—'}</span>]]} />
                <div className="cy-content">{m.content}</div>
              </>
            )}
          </Block>
        );
      })}
      {record && reply !== null && turn.sentSeqs.length === 0 && (
        <Block title="Reply" seq={record.seq} testId="cycle-act-reply">
          <div className="cy-content">{reply}</div>
        </Block>
      )}
      {record && turn.toolSeqs.length === 0 && turn.sentSeqs.length === 0 && reply === null && <Block title="Act" seq={record.seq}><JsonTree value={record.payload.output} /></Block>}
      {!record && turn.toolSeqs.length === 0 && <p className="muted">Not recorded yet.</p>}
    </>
  );
}

const TITLES: Record<OodaPhase, string> = { observe: 'Observe', orient: 'Orient', decide: 'Decide', act: 'Act' };

/** The right pane: the selected phase of the selected turn. */
export function CycleDetail({ run, turn, phase }: { run: CycleRun; turn: CycleTurn; phase: OodaPhase }) {
  const records = useCyclesStore((s) => s.records);
  const fork = useCyclesStore((s) => s.fork);
  const openFork = useCyclesStore((s) => s.openFork);
  const duration = turn.phases.find((p) => p.phase === phase)?.durationMs ?? null;
  const canFork = (phase === 'decide' || phase === 'act') && turn.decision !== null;
  return (
    <div className="cy-detail" data-testid="cycle-detail" data-phase={phase}>
      <header className="cy-detail-head">
        <span className={`cy-chip phase-${phase} cy-chip-static`}>{TITLES[phase]}</span>
        <span>
          turn {turn.turn}
          {turn.decision !== null && <span className="muted"> · decision {turn.decision}</span>}
          {duration !== null && <span className="muted"> · {formatMs(duration)}</span>}
        </span>
        {canFork && !fork && (
          <button type="button" className="btn cy-fork-btn" data-testid="cycle-fork-open" title={`Edit this turn’s decision (the agent’s decision ${turn.decision}) and replay the run from here`} onClick={() => void openFork()}>
            Fork from here…
          </button>
        )}
      </header>
      {fork && fork.oodaRun === run.runId && fork.turn === turn.turn && <CycleFork />}
      <div className="cy-detail-body">
        {phase === 'observe' && <ObserveDetail run={run} turn={turn} records={records} />}
        {phase === 'orient' && <OrientDetail turn={turn} records={records} />}
        {phase === 'decide' && <DecideDetail turn={turn} records={records} />}
        {phase === 'act' && <ActDetail turn={turn} records={records} />}
      </div>
    </div>
  );
}
