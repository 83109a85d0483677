/**
 * The detail pane's field lists: an AgentMessage's fields, and an event record's typed payload as
 * label/value pairs. Events narrow on `record.name` (the record union's discriminant): no casts.
 */
import type { AgentMessage } from '../../../agents/protocol/agent-message';
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
      return [...head, ['run', record.payload.runId], ['members', `${record.payload.members.length}: ${clip(record.payload.members.map((m) => `${m.from} ${m.messageId}`).join(', '))}`]];
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
