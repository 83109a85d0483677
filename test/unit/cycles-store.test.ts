// The cycle inspector's store over a scripted host: it lists the agents and loads the first one's
// runs; the trace explorer's "Show in cycle inspector" (the debug store's focus) selects the turn
// and phase of the record and reads its records by seq; a fork opens on the recorded decision,
// refuses an invalid edit without calling the host, and calls run.replay with the agent's decision number.
import { describe, expect, it } from 'vitest';
import { assembleCycles, CyclesInputSchema } from '../../agents/trace/cycles.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import type { RpcResult } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { createStores } from '../../renderer/src/stores/stores.js';
import { eventRecord } from '../helpers/trace-events.js';
import { until } from '../helpers/until.js';

const ok = (value: unknown): RpcResult => ({ ok: true, value });
const base = (seq: number) => ({ seq, time: '2026-12-06T12:00:00.000Z', mono: seq });

/** Two coordinator runs (decisions 1 and 2) and one weather bot run. */
const records: TraceRecord[] = [
  eventRecord(base(1), 'run.started', 'coord', { runId: 'A', message: { from_agent: 'user', content: 'first', message_id: 'm1' } }),
  eventRecord(base(2), 'ooda.phase', 'coord', { runId: 'A', turn: 1, phase: 'observe' }),
  eventRecord(base(3), 'ooda.phase', 'coord', { runId: 'A', turn: 1, phase: 'orient' }),
  eventRecord(base(4), 'llm.call', 'coord', { runId: 'A', turn: 1, response: { text: 'asked', toolCalls: [{ id: 'c1', name: 'request_agent', arguments: { agent: 'bot' } }], usage: { inputTokens: 3, outputTokens: 2 }, stopReason: 'tool_calls', model: 'm' } }),
  eventRecord(base(5), 'ooda.phase', 'coord', { runId: 'A', turn: 1, phase: 'decide' }),
  eventRecord(base(6), 'run.started', 'bot', { runId: 'B', message: { from_agent: 'coord', content: 'weather?', message_id: 'm2' } }),
  eventRecord(base(7), 'run.completed', 'bot', { runId: 'B' }),
  eventRecord(base(8), 'ooda.phase', 'coord', { runId: 'A', turn: 1, phase: 'act' }),
  eventRecord(base(9), 'run.completed', 'coord', { runId: 'A' }),
  eventRecord(base(10), 'run.started', 'coord', { runId: 'C', message: { from_agent: 'user', content: 'second', message_id: 'm3' } }),
  eventRecord(base(11), 'llm.call', 'coord', { runId: 'C', turn: 1 }),
];

/** A host answering trace.getCycles and trace.query from `records`, and run.replay; it logs the calls. */
function cyclesHost() {
  const calls: { method: string; input: unknown }[] = [];
  const transport: Transport = {
    call: async (method, input) => {
      calls.push({ method, input });
      if (method === 'trace.getCycles') {
        const { runId, ...page } = CyclesInputSchema.parse(input);
        return ok(assembleCycles(runId, records, page));
      }
      if (method === 'trace.query') {
        const { query } = input as { query: { after: number; limit: number } };
        return ok({ records: records.filter((r) => r.seq > query.after).slice(0, query.limit), hasMore: true, total: null, offset: null });
      }
      if (method === 'run.replay') return ok({ state: 'running', runId: 'fork-1', topology: 'trio', agents: [], startedAt: null, error: null, replay: null });
      return { ok: false, error: { code: 'unavailable', message: `no script for ${method}` } };
    },
    on: () => () => undefined,
    onConnection: () => () => undefined,
  };
  return { client: new ApiClient(transport), calls };
}

describe('the cycles store', () => {
  it('lists agents, follows the trace explorer’s focus to a turn and phase, and forks from a decision', async () => {
    const host = cyclesHost();
    const stores = createStores(host.client);
    const cycles = stores.cycles;
    stores.trace.setState({ runId: 'run-1' });
    await cycles.getState().refresh();
    expect(cycles.getState().agents).toEqual([
      { agent: 'coord', runCount: 2 },
      { agent: 'bot', runCount: 1 },
    ]);
    expect(cycles.getState().selection.agent).toBe('coord');
    expect(cycles.getState().page?.runs.map((r) => r.runId)).toEqual(['A', 'C']);

    // "Show in cycle inspector" on the llm.call of run A: turn 1, Decide, its records read.
    stores.debug.getState().setFocus({ agent: 'coord', oodaRun: 'A', seq: 4 });
    await until(() => cycles.getState().selection.phase !== null, 'the focus applied');
    expect(cycles.getState().selection).toEqual({ agent: 'coord', oodaRun: 'A', turn: 1, phase: 'decide' });
    await until(() => 5 in cycles.getState().records, 'the phase records read');
    expect(Object.keys(cycles.getState().records).map(Number).sort((a, b) => a - b)).toEqual([4, 5]);

    // Run C's turn 1 is the coordinator's second decision.
    await cycles.getState().selectPhase('C', 1, 'decide');
    await cycles.getState().openFork();
    expect(cycles.getState().fork).toMatchObject({ agent: 'coord', decision: 2, oodaRun: 'C', turn: 1, error: null });
    expect(JSON.parse(cycles.getState().fork!.initial)).toEqual({ text: 'ok', toolCalls: [] });
    cycles.getState().setForkText('{"text": "x"');
    await cycles.getState().runFork();
    expect(cycles.getState().fork?.error).toMatch(/^Not JSON/);
    cycles.getState().setForkText('{"text": "x", "toolCalls": [], "more": 1}');
    await cycles.getState().runFork();
    expect(cycles.getState().fork?.error).toContain('more');
    expect(host.calls.filter((c) => c.method === 'run.replay')).toEqual([]);

    cycles.getState().setForkText('{"text": "forked", "toolCalls": []}');
    await cycles.getState().runFork();
    expect(host.calls.filter((c) => c.method === 'run.replay').map((c) => c.input)).toEqual([{ runId: 'run-1', fork: { agent: 'coord', turn: 2, decision: { text: 'forked', toolCalls: [] } } }]);
    expect(cycles.getState().fork).toBeNull();
  });
});
