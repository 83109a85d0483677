/**
 * The detail pane's field lists: an AgentMessage's fields, and an event record's typed payload as
 * label/value pairs. Events narrow on `record.name` (the record union's discriminant): no casts.
 */
import type { AgentMessage } from '../../../agents/protocol/agent-message';
import type { ProtocolRequestEvent } from '../../../agents/protocol/protocol-gateway';
import { strippedText } from '../../../agents/trace/event-gist';
import type { EventRecord } from '../../../agents/trace/record';

/** A label and its value as shown. */
export type Field = [label: string, value: string];

/** The fields of a parsed AgentMessage (metadata is shown as a tree beside them). */
export function messageFields(m: AgentMessage): Field[] {
  return [
    ['message_type', m.message_type],
    ['from_agent', m.from_agent],
    ['to_agent', m.to_agent ?? '(none: a broadcast)'],
    ['message_id', m.message_id],
    ['in_reply_to', m.in_reply_to ?? '—'],
    ['timestamp', m.timestamp],
    ['priority', String(m.priority)],
  ];
}

const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** What every protocol gateway event says: the call, its peer and direction, what was stripped (kinds and counts; never values). */
function gatewayFields(p: ProtocolRequestEvent): Field[] {
  return [
    ['call', `${p.protocol.toUpperCase()} ${p.direction === 'outbound' ? `${p.agent} → ${p.peer}` : `${p.peer} → ${p.agent}`}${p.operation ? ` · ${p.operation}` : ''}`],
    ['call id', p.callId],
    ...(p.requestId ? [['for request', p.requestId] as Field] : []),
    ...(p.runId ? [['run', p.runId] as Field] : []),
    ['PII', strippedText(p.stripped) || 'nothing stripped'],
  ];
}

/** The main facts of an event's payload, by event name (the whole payload is shown as a tree too). */
export function eventFields(record: EventRecord): Field[] {
  const head: Field[] = [
    ['event', record.name],
    ['agent', record.agent],
  ];
  switch (record.name) {
    case 'agent.started':
      return [...head, ['instance', record.payload.instance], ['subjects', record.payload.subjects.join(', ')]];
    case 'agent.stopped':
      return [...head, ['instance', record.payload.instance]];
    case 'agent.announced':
      return [...head, ['via', record.payload.via]];
    case 'message.received':
    case 'message.sent':
      return [...head, ['subject', record.payload.subject], ['message', `${record.payload.message.message_type} ${record.payload.message.message_id}`], ['content', clip(record.payload.message.content)]];
    case 'message.invalid':
      return [...head, ['subject', record.payload.subject], ['reason', record.payload.reason], ['preview', clip(record.payload.preview)]];
    case 'handler.failed':
      return [...head, ['message', record.payload.messageId], ['error', record.payload.error]];
    case 'run.started':
      return [...head, ['run', record.payload.runId], ['message', record.payload.message.message_id], ['content', clip(record.payload.message.content)]];
    case 'batch.formed':
      return [
        ...head,
        ['run', `${record.payload.runId} (one run, one model call for all of them)`],
        ['members', `${record.payload.members.length} request${record.payload.members.length === 1 ? '' : 's'}, each answered on its own`],
        ...record.payload.members.map((m, i): Field => [`#${i + 1}`, `${m.from} · ${m.messageId} · ${m.subject}`]),
      ];
    case 'ooda.phase':
      return [...head, ['run', record.payload.runId], ['turn', String(record.payload.turn)], ['phase', record.payload.phase], ['duration', `${record.payload.durationMs} ms`]];
    case 'ooda.paused':
      return [
        ...head,
        ['run', record.payload.runId],
        ['turn', String(record.payload.turn)],
        ['phase', record.payload.phase],
        ...(record.payload.cause ? [['why', record.payload.cause.detail ?? record.payload.cause.reason] as Field] : []),
      ];
    case 'ooda.resumed':
      return [...head, ['run', record.payload.runId], ['phase', record.payload.phase], ['mode', record.payload.mode], ['edited', record.payload.edited ? 'yes' : 'no']];
    case 'llm.call':
      return [
        ...head,
        ['run', record.payload.runId],
        ['turn', String(record.payload.turn)],
        ['model', `${record.payload.provider} / ${record.payload.model}`],
        ['latency', `${record.payload.latencyMs} ms`],
        ['result', record.payload.error ? `error: ${record.payload.error}` : 'ok'],
      ];
    case 'tool.invoked':
      return [...head, ['run', record.payload.runId], ['tool', record.payload.tool], ['arguments', clip(JSON.stringify(record.payload.arguments))]];
    case 'tool.result':
      return [
        ...head,
        ['run', record.payload.runId],
        ['tool', record.payload.tool],
        ['duration', `${record.payload.durationMs} ms`],
        ['status', record.payload.refused ? `refused (${record.payload.refused})` : record.payload.isError ? 'error' : record.payload.replayed ? 'ok (replayed)' : 'ok'],
        ['result', clip(record.payload.result)],
      ];
    case 'replay.diverged':
      return [...head, ['run', record.payload.runId], ['call', `${record.payload.kind === 'llm' ? 'decision' : record.payload.kind === 'tool' ? 'tool call' : 'memory consolidation'} ${record.payload.call}`], ['recorded', clip(record.payload.expected)], ['asked', clip(record.payload.actual)]];
    case 'replay.forked':
      return [...head, ['run', record.payload.runId], ['decision', String(record.payload.turn)], ['text', clip(record.payload.decision.text)], ['tool calls', record.payload.decision.toolCalls.map((c) => c.name).join(', ') || '—']];
    case 'bus.disconnected':
      return [...head, ['server', record.payload.server], ['why', record.payload.reason], ['gap', 'messages routed from here until the connection is back are not in this trace']];
    case 'bus.reconnected':
      return [...head, ['server', record.payload.server], ['gap', `${record.payload.gapMs.toFixed(0)} ms not recorded`]];
    case 'memory.consolidated':
      return [...head, ['run', record.payload.runId], ['conversation', record.payload.conversation], ['messages', `${record.payload.before} → ${record.payload.after}`]];
    case 'budget.exceeded':
      return [...head, ['run', record.payload.runId], ['budget', record.payload.budget], ['used', `${record.payload.used} of ${record.payload.limit}`]];
    case 'protocol.a2a.request':
    case 'protocol.mcp.request':
      return [...head, ...gatewayFields(record.payload), ['sent', clip(record.payload.preview)]];
    case 'protocol.a2a.response':
    case 'protocol.mcp.response': {
      const p = record.payload;
      return [
        ...head,
        ...gatewayFields(p),
        ['state', p.state],
        ['duration', `${p.durationMs.toFixed(0)} ms`],
        ...(p.error ? [['error', p.error] as Field] : []),
        ['answer', `${clip(p.preview)} (${p.bytes} bytes${p.controlCharsRemoved ? `, ${p.controlCharsRemoved} control characters removed` : ''})`],
      ];
    }
    case 'workflow.started':
      return [...head, ['workflow', `${record.payload.workflow} ${record.payload.workflowId}`], ['steps', record.payload.steps.join(' → ')], ['input', clip(record.payload.input)]];
    case 'workflow.resumed': {
      const p = record.payload;
      return [
        ...head,
        ['workflow', `${p.workflow} ${p.workflowId}`],
        ['resumed at', `${p.step}${p.attempt > 1 ? `, attempt ${p.attempt}` : ''}`],
        ['already done', p.done.length > 0 ? `${p.done.join(', ')} (not redone)` : 'nothing'],
        ['why', p.interrupted ? 'the run executing it stopped mid-way (crash or kill) and this run picked it up from the stream' : 'picked up from the stream'],
      ];
    }
    case 'workflow.stepStarted':
      return [...head, ['workflow', `${record.payload.workflow} ${record.payload.workflowId}`], ['step', `${record.payload.step}, attempt ${record.payload.attempt}`], ['input', clip(record.payload.input)]];
    case 'workflow.stepFinished': {
      const p = record.payload;
      return [...head, ['workflow', `${p.workflow} ${p.workflowId}`], ['step', `${p.step}, attempt ${p.attempt}`], ['status', p.status], ['duration', `${p.durationMs.toFixed(0)} ms`], p.error ? ['error', p.error] : ['result', clip(p.result ?? '')]];
    }
    case 'workflow.finished':
      return [...head, ['workflow', `${record.payload.workflow} ${record.payload.workflowId}`], ['result', clip(record.payload.result)]];
    case 'workflow.failed':
      return [...head, ['workflow', `${record.payload.workflow} ${record.payload.workflowId}`], ['failed at', `${record.payload.step} after ${record.payload.attempts} attempts`], ['reason', record.payload.reason]];
    case 'evaluation.judged': {
      const p = record.payload;
      const next = p.next === 'send' ? 'reply sent' : p.next === 'revise' ? 'revising with this feedback' : 'reply sent unapproved';
      return [...head, ['run', p.runId], ['round', String(p.round)], ['evaluator', p.evaluator], ['verdict', p.verdict], ['feedback', clip(p.feedback)], ['next', p.reason ? `${next}: ${p.reason}` : next]];
    }
    case 'negotiation.proposed': {
      const p = record.payload;
      return [
        ...head,
        ['negotiation', `${p.type} ${p.negotiationId}`],
        ['proposed to', p.with.join(', ')],
        ['decision', p.decision],
        ['proposal', clip(JSON.stringify(p.proposal))],
        ['constraints', clip(JSON.stringify(p.constraints))],
        ['deadline', new Date(p.deadline).toISOString().slice(11, 23)],
      ];
    }
    case 'negotiation.answered': {
      const p = record.payload;
      return [
        ...head,
        ['negotiation', p.negotiationId],
        ['from', p.from],
        ['answer', p.accept ? `accepted: ${clip(JSON.stringify(p.terms ?? {}))}` : `declined: ${p.reason ?? ''}`],
        ['after', `${p.afterMs.toFixed(0)} ms${p.late ? ' — late: after the deadline, not counted' : ''}`],
      ];
    }
    case 'negotiation.finished': {
      const p = record.payload;
      return [
        ...head,
        ['negotiation', p.negotiationId],
        ['outcome', p.state === 'finalized' ? `finalized${p.selected.length > 0 ? `: ${p.selected.join(', ')}` : ''}` : `failed: ${p.reason ?? ''}`],
        ...Object.entries(p.responses).map(([from, r]): Field => [from, r.status === 'accepted' ? `accepted ${clip(JSON.stringify(r.terms), 120)}` : r.status === 'declined' ? `declined: ${r.reason}` : 'no answer before the deadline']),
      ];
    }
    case 'run.completed':
      return [
        ...head,
        ['run', record.payload.runId],
        ['status', record.payload.status],
        ['turns', String(record.payload.turns)],
        ['tokens', String(record.payload.tokens)],
        [record.payload.error ? 'error' : 'reply', clip(record.payload.error ?? record.payload.reply)],
      ];
  }
}
