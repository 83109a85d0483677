// trace.checkDesign's host module on a real trace store: the trio's declared request edges counted,
// traffic on a subject no edge declares listed with its count, each call reading only the records
// appended since the last one, and a past run finished once (its unanswered request then listed).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import { DesignChecks } from '../../main/host/trace/design-checks.js';
import { TraceStore } from '../../main/host/trace/index.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { messageRecord, sampleMessage } from '../helpers/trace-events.js';

const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir('design-checks');
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** Records with rising seqs from 1; mono in ms. */
function records() {
  let seq = 0;
  const base = (mono: number) => ({ seq: ++seq, time: new Date(T0 + mono).toISOString(), mono });
  const agentMessage = (mono: number, subject: string, fields: Partial<AgentMessage>, reply: string | null = null): TraceRecord => {
    const message = sampleMessage({ message_id: `m${seq + 1}`, ...fields });
    return messageRecord(base(mono), subject, JSON.stringify(message), { reply, parsed: { ok: true, message } });
  };
  const raw = (mono: number, subject: string, payload: string): TraceRecord => messageRecord(base(mono), subject, payload);
  return { agentMessage, raw };
}

describe('trace.checkDesign (DesignChecks)', () => {
  it('counts declared edges and undeclared traffic, reading only what was appended since the last call', async () => {
    const store = await TraceStore.create(tmp, { format: 'switchboard.trace/v1', run: 'live-1', startedAt: new Date(T0).toISOString(), topology: trio });
    const r = records();
    const ask = (mono: number, n: number) => r.agentMessage(mono, 'agents.request.weather_bot', { message_type: 'request', from_agent: 'task_coordinator', to_agent: 'weather_bot' }, `_INBOX_task_coordinator.x.${n}`);
    const answer = (mono: number, n: number) => r.agentMessage(mono, `_INBOX_task_coordinator.x.${n}`, { message_type: 'response', from_agent: 'weather_bot', to_agent: 'task_coordinator' });
    for (const record of [ask(0, 1), answer(5, 1), r.raw(6, 'metrics.cpu', '0.5')]) store.append(record);
    const checks = new DesignChecks();
    const read = vi.spyOn(store, 'query');

    const first = await checks.check(store, true);
    expect(first).toMatchObject({ runId: store.runId, designed: true, seen: 3, total: 3 });
    expect(first.edges.map((e) => [e.kind, e.from, e.to, e.count])).toEqual([
      ['request', 'task_coordinator', 'weather_bot', 1],
      ['request', 'task_coordinator', 'general_assistant', 0],
    ]);
    expect(first.undeclaredSubjects).toEqual([{ subject: 'metrics.cpu', count: 1, senders: [], firstSeq: 3 }]);
    expect(first.noResponder).toEqual([]);
    const readFirst = read.mock.calls.length;
    expect(read.mock.calls[0]![0]).toMatchObject({ after: 0 });

    // Nothing new: nothing is read.
    await checks.check(store, true);
    expect(read.mock.calls.length).toBe(readFirst);

    // Two more: the next call starts after the third record and adds them to what it had.
    for (const record of [ask(10, 2), r.raw(11, 'metrics.cpu', '0.7')]) store.append(record);
    const second = await checks.check(store, true);
    expect(read.mock.calls.slice(readFirst).map((c) => c[0].after)).toEqual([3]);
    expect(second).toMatchObject({ seen: 5, total: 5 });
    expect(second.edges[0]!.count).toBe(2);
    expect(second.undeclaredSubjects).toEqual([{ subject: 'metrics.cpu', count: 2, senders: [], firstSeq: 3 }]);
    // Live, the second request is still waiting: not a finding yet.
    expect(second.noResponder).toEqual([]);

    // Once the run is over, the request that never got its answer is.
    const ended = await checks.check(store, false);
    expect(ended.noResponder).toEqual([{ seq: 4, subject: 'agents.request.weather_bot', from: 'task_coordinator', to: 'weather_bot', status: 'timed_out', timedOutBy: 'trace_end', targetSeen: true }]);
    expect(ended.totals).toEqual({ undeclaredSubjects: 1, undeclaredFlows: 0, noResponder: 1 });
    await store.close();
  });

  it('says a run recorded without a topology has no design to compare with', async () => {
    const store = await TraceStore.create(tmp, { format: 'switchboard.trace/v1', run: 'bare', startedAt: new Date(T0).toISOString(), topology: null });
    store.append(records().raw(0, 'metrics.cpu', '1'));
    const check = await new DesignChecks().check(store, false);
    expect(check).toMatchObject({ designed: false, seen: 1, total: 1, edges: [], undeclaredSubjects: [] });
    await store.close();
  });
});
