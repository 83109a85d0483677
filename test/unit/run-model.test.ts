// The run panel's pure rules: kept records, agents' status dots, and how a record reads.
import { describe, expect, it } from 'vitest';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import type { RunStatus } from '../../preload/contract.js';
import { agentStatuses, appendRecords, describeRecord } from '../../renderer/src/run/run-model.js';
import { eventRecord, type PayloadFields } from '../helpers/trace-events.js';

const running: RunStatus = { state: 'running', runId: 'r', topology: 't', agents: [{ name: 'a', instances: 1 }, { name: 'b', instances: 2 }], startedAt: null, error: null };
const event = <N extends RuntimeEventName>(seq: number, agent: string, name: N, fields: PayloadFields<N> = {}): TraceRecord =>
  eventRecord({ seq, time: '2026-01-01T00:00:00.000Z', mono: seq }, name, agent, fields);

describe('run model', () => {
  it('keeps the newest records up to the capacity', () => {
    const batch = [1, 2, 3].map((n) => event(n, 'a', 'agent.started'));
    expect(appendRecords(batch, [event(4, 'a', 'agent.started'), event(5, 'a', 'agent.started')], 4).map((r) => r.seq)).toEqual([2, 3, 4, 5]);
    const same = appendRecords(batch, []);
    expect(same).toBe(batch);
  });

  it('shows running agents, paused ones, and failures; nothing when not running', () => {
    expect(agentStatuses(running, [])).toEqual({ a: 'running', b: 'running' });
    expect(agentStatuses(running, [event(1, 'a', 'ooda.paused'), event(2, 'b', 'run.completed', { status: 'failed' })])).toEqual({ a: 'paused', b: 'error' });
    expect(agentStatuses(running, [event(1, 'a', 'ooda.paused'), event(2, 'a', 'ooda.resumed')])).toEqual({ a: 'running', b: 'running' });
    expect(agentStatuses({ ...running, state: 'idle' }, [])).toEqual({});
    expect(agentStatuses(null, [])).toEqual({});
  });

  it('describes messages by sender → receiver, type and subject', () => {
    const message: TraceRecord = {
      seq: 1,
      time: '2026-01-01T00:00:00.000Z',
      mono: 0,
      kind: 'message',
      subject: 'agents.request.b',
      reply: '_INBOX_a.x',
      headers: null,
      size: 10,
      payload: '{}',
      encoding: 'utf8',
      truncated: false,
      parsed: { ok: true, message: { message_type: 'request', from_agent: 'a', to_agent: 'b', content: 'hi', metadata: {}, timestamp: '', message_id: 'm', in_reply_to: null, priority: 2 } },
    };
    expect(describeRecord(message)).toEqual({ who: 'a → b', what: 'request · agents.request.b', detail: 'hi' });
    expect(describeRecord(event(2, 'a', 'ooda.phase', { phase: 'decide', turn: 1 }))).toEqual({ who: 'a', what: 'ooda.phase', detail: 'decide (turn 1)' });
  });
});
