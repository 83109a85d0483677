/**
 * Complete, valid runtime event payloads and event records for tests, so a test states only the
 * fields it is about and every record it builds would also pass the trace schema on import.
 */
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { RuntimeEventSchemas, type RuntimeEventName, type RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { EventRecordSchema, type EventRecord, type MessageRecord } from '../../agents/trace/record.js';

/** A full AgentMessage with `fields` over plain defaults. */
export function sampleMessage(fields: Partial<AgentMessage> = {}): AgentMessage {
  return {
    message_type: 'request',
    from_agent: 'user',
    to_agent: 'agent',
    content: '',
    metadata: {},
    timestamp: '2025-01-01T00:00:00.000Z',
    message_id: 'm1',
    in_reply_to: null,
    priority: 2,
    ...fields,
  };
}

const runId = 'run-1';
const SAMPLES: RuntimeEvents = {
  'agent.started': { agent: 'agent', instance: 'i1', subjects: [] },
  'agent.stopped': { agent: 'agent', instance: 'i1' },
  'agent.announced': {
    agent: 'agent',
    metadata: { name: 'agent', description: '', capabilities: [], tools: [], status: 'available', model: '', version: '1.0.0', registered_at: '2025-01-01T00:00:00.000Z', last_heartbeat: '2025-01-01T00:00:00.000Z' },
    via: 'announcement',
  },
  'message.received': { agent: 'agent', subject: 'agents.request.agent', message: sampleMessage() },
  'message.invalid': { agent: 'agent', subject: 'agents.request.agent', reason: 'not JSON', preview: '' },
  'message.sent': { agent: 'agent', subject: 'agents.response.agent', message: sampleMessage({ message_type: 'response' }) },
  'handler.failed': { agent: 'agent', messageId: 'm1', error: 'failed' },
  'run.started': { agent: 'agent', runId, message: sampleMessage() },
  'ooda.phase': { agent: 'agent', runId, turn: 1, phase: 'observe', input: null, output: null, durationMs: 1 },
  'ooda.paused': { agent: 'agent', runId, turn: 1, phase: 'decide', payload: null },
  'ooda.resumed': { agent: 'agent', runId, phase: 'decide', mode: 'continue', edited: false },
  'llm.call': {
    agent: 'agent',
    runId,
    turn: 1,
    provider: 'scripted',
    model: 'm',
    request: { model: 'm', system: '', messages: [], tools: [] },
    response: { text: 'ok', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'stop', model: 'm' },
    error: null,
    latencyMs: 1,
  },
  'tool.invoked': { agent: 'agent', runId, tool: 'tool', arguments: {}, idempotencyKey: null },
  'tool.result': { agent: 'agent', runId, tool: 'tool', arguments: {}, result: 'ok', isError: false, durationMs: 1, refused: null, replayed: false },
  'memory.consolidated': { agent: 'agent', runId, conversation: 'c1', before: 2, after: 1 },
  'budget.exceeded': { agent: 'agent', runId, budget: 'max_turns', limit: 1, used: 2 },
  'run.completed': { agent: 'agent', runId, status: 'completed', reply: 'ok', error: null, turns: 1, tokens: 2 },
  'replay.diverged': { agent: 'agent', runId, kind: 'llm', call: 1, expected: 'the system prompt at character 1: "a"', actual: '"b"' },
  'replay.forked': { agent: 'agent', runId, turn: 1, decision: { text: 'edited', toolCalls: [] } },
  'batch.formed': { agent: 'agent', runId, members: [{ messageId: 'm1', from: 'user', subject: 'agents.request.agent' }] },
  'evaluation.judged': { agent: 'agent', runId, round: 1, evaluator: 'rules', verdict: 'pass', feedback: '', next: 'send', reason: null },
  'protocol.a2a.request': { agent: 'agent', peer: 'peer', protocol: 'a2a', direction: 'outbound', callId: 'c1', requestId: 'm1', runId: null, operation: null, stripped: [], preview: 'hi' },
  'protocol.a2a.response': { agent: 'agent', peer: 'peer', protocol: 'a2a', direction: 'outbound', callId: 'c1', requestId: 'm1', runId: null, operation: null, stripped: [], state: 'completed', durationMs: 5, error: null, preview: 'hello', bytes: 5 },
  'protocol.mcp.request': { agent: 'agent', peer: 'files', protocol: 'mcp', direction: 'outbound', callId: 'c2', requestId: null, runId, operation: 'read', stripped: [], preview: '{}' },
  'protocol.mcp.response': { agent: 'agent', peer: 'files', protocol: 'mcp', direction: 'outbound', callId: 'c2', requestId: null, runId, operation: 'read', stripped: [], state: 'completed', durationMs: 3, error: null, preview: 'ok', bytes: 2 },
  'workflow.started': { agent: 'switchboard-workflows', workflow: 'wf', workflowId: 'wf-1', input: 'go', steps: ['a', 'b'] },
  'workflow.resumed': { agent: 'switchboard-workflows', workflow: 'wf', workflowId: 'wf-1', step: 'b', attempt: 1, done: ['a'], interrupted: true },
  'workflow.stepStarted': { agent: 'agent', workflow: 'wf', workflowId: 'wf-1', step: 'a', attempt: 1, input: 'go' },
  'workflow.stepFinished': { agent: 'agent', workflow: 'wf', workflowId: 'wf-1', step: 'a', attempt: 1, status: 'completed', result: 'done', error: null, durationMs: 4 },
  'workflow.finished': { agent: 'switchboard-workflows', workflow: 'wf', workflowId: 'wf-1', result: 'done' },
  'workflow.failed': { agent: 'switchboard-workflows', workflow: 'wf', workflowId: 'wf-1', step: 'b', attempts: 3, reason: 'failed' },
  'negotiation.proposed': { agent: 'agent', negotiationId: 'neg-1', type: 'task_assignment', with: ['a', 'b'], decision: 'all-accept', proposal: { task: 't' }, constraints: { max_cost: 100 }, deadline: 1735689600000 },
  'negotiation.answered': { agent: 'agent', negotiationId: 'neg-1', from: 'a', accept: true, terms: { cost: 60 }, reason: null, afterMs: 12, late: false },
  'negotiation.finished': { agent: 'agent', negotiationId: 'neg-1', state: 'finalized', reason: null, selected: ['a'], responses: { a: { status: 'accepted', terms: { cost: 60 }, afterMs: 12 }, b: { status: 'timed-out' } } },
  'bus.disconnected': { agent: 'switchboard-recorder', server: 'nats://127.0.0.1:4222', reason: 'the connection closed' },
  'bus.reconnected': { agent: 'switchboard-recorder', server: 'nats://127.0.0.1:4222', gapMs: 312 },
};

/** Fields a test may set on a payload; a message may be given in part (the rest is `sampleMessage`). */
export type PayloadFields<N extends RuntimeEventName> = { [K in keyof RuntimeEvents[N]]?: RuntimeEvents[N][K] extends AgentMessage ? Partial<AgentMessage> : RuntimeEvents[N][K] };

/** A valid payload of `name`: the sample with `fields` over it, checked by the event's schema. */
export function samplePayload<N extends RuntimeEventName>(name: N, fields: PayloadFields<N> = {}): RuntimeEvents[N] {
  const merged: Record<string, unknown> = { ...SAMPLES[name], ...fields };
  if ('message' in fields && fields.message) merged["message"] = sampleMessage(fields.message);
  // TypeScript cannot tie a generic name's schema to that name's payload type; the parse has just checked it.
  return RuntimeEventSchemas[name].parse(merged) as RuntimeEvents[N];
}

/** A valid event record of `name` about `agent` (the payload's `agent` too, unless `fields` says otherwise). */
export function eventRecord<N extends RuntimeEventName>(base: { seq: number; time: string; mono: number }, name: N, agent: string, fields: PayloadFields<N> = {}): EventRecord {
  return EventRecordSchema.parse({ ...base, kind: 'event', name, agent, payload: samplePayload(name, { agent, ...fields } as PayloadFields<N>) });
}

/** A message record carrying `payload` on `subject`, not an AgentMessage unless `extra` says so. */
export function messageRecord(base: { seq: number; time: string; mono: number }, subject: string, payload: string, extra: Partial<MessageRecord> = {}): MessageRecord {
  return { ...base, kind: 'message', subject, reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: false, reason: 'not an AgentMessage' }, ...extra };
}
