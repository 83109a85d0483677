/** The cycle inspector's structure: runs, turns, phases, decisions counted across runs, sent messages attributed, paging. */
import { describe, expect, it } from 'vitest';
import { assembleCycles, CycleAssembler, CyclesSchema } from '../../agents/trace/cycles.js';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import { eventRecord, messageRecord, type PayloadFields } from '../helpers/trace-events.js';

/** Builds records with consecutive seqs and mono = 10 × seq. */
function recorder() {
  const records: TraceRecord[] = [];
  const base = () => ({ seq: records.length + 1, time: '2026-01-01T00:00:00.000Z', mono: (records.length + 1) * 10 });
  return {
    records,
    event<N extends RuntimeEventName>(name: N, agent: string, fields: PayloadFields<N> = {}): number {
      records.push(eventRecord(base(), name, agent, fields));
      return records.length;
    },
    message(): number {
      records.push(messageRecord(base(), 'agents.request.x', '{}'));
      return records.length;
    },
  };
}

/** One turn's four phases of `runId`, with an llm.call after decide and `tools` results during act. */
function turn(r: ReturnType<typeof recorder>, agent: string, runId: string, n: number, tools = 0) {
  const seqs = { observe: 0, orient: 0, decide: 0, llm: 0, tools: [] as number[], act: 0 };
  seqs.observe = r.event('ooda.phase', agent, { runId, turn: n, phase: 'observe', durationMs: 1 });
  seqs.orient = r.event('ooda.phase', agent, { runId, turn: n, phase: 'orient', durationMs: 2 });
  // The loop emits llm.call inside Decide, before Decide's phase record.
  seqs.llm = r.event('llm.call', agent, { runId, turn: n });
  seqs.decide = r.event('ooda.phase', agent, { runId, turn: n, phase: 'decide', durationMs: 30 });
  for (let k = 0; k < tools; k++) seqs.tools.push(r.event('tool.result', agent, { runId, tool: `t${k}` }));
  seqs.act = r.event('ooda.phase', agent, { runId, turn: n, phase: 'act', durationMs: 4 });
  return seqs;
}

describe('cycles', () => {
  it('assembles runs, turns and phases, numbering decisions per agent across runs', () => {
    const r = recorder();
    const received = r.event('message.received', 'coord', { subject: 'agents.request.coord', message: { from_agent: 'user', content: 'plan a trip', message_id: 'in-1' } });
    const s1 = r.event('run.started', 'coord', { runId: 'A', message: { from_agent: 'user', content: 'plan a trip', message_id: 'in-1' } });
    r.message(); // bus messages are skipped
    const t1 = turn(r, 'coord', 'A', 1, 2);
    const sentDuringAct = r.event('message.sent', 'coord', { message: { from_agent: 'coord', message_id: 'out-1', in_reply_to: null } });
    const t2 = turn(r, 'coord', 'A', 2);
    const c1 = r.event('run.completed', 'coord', { runId: 'A', status: 'completed' });
    // The reply is sent after run.completed: it belongs to the run whose message it answers.
    const reply = r.event('message.sent', 'coord', { message: { from_agent: 'coord', message_id: 'out-2', in_reply_to: 'in-1' } });
    r.event('run.started', 'coord', { runId: 'B', message: { from_agent: 'user', content: 'again', message_id: 'in-2' } });
    const t3 = turn(r, 'coord', 'B', 1);
    r.event('run.started', 'spec', { runId: 'C', message: { from_agent: 'coord', content: 'x'.repeat(500), message_id: 'in-3' } });
    const t4 = turn(r, 'spec', 'C', 1);
    r.event('run.completed', 'spec', { runId: 'C', status: 'failed', error: 'boom' });

    const cycles = CyclesSchema.parse(assembleCycles('run-x', r.records));
    expect(cycles.records).toBe(r.records.length);
    expect(cycles.agents.map((a) => [a.agent, a.runCount])).toEqual([
      ['coord', 2],
      ['spec', 1],
    ]);
    const [a, b] = cycles.agents[0]!.runs;
    expect(a).toMatchObject({ runId: 'A', status: 'completed', from: 'user', content: 'plan a trip', subject: 'agents.request.coord', receivedSeq: received, startedSeq: s1, completedSeq: c1, durationMs: (c1 - s1) * 10, error: null });
    expect(a!.turns).toEqual([
      {
        turn: 1,
        decision: 1,
        phases: [
          { phase: 'observe', seq: t1.observe, durationMs: 1 },
          { phase: 'orient', seq: t1.orient, durationMs: 2 },
          { phase: 'decide', seq: t1.decide, durationMs: 30 },
          { phase: 'act', seq: t1.act, durationMs: 4 },
        ],
        llmSeq: t1.llm,
        toolSeqs: t1.tools,
        sentSeqs: [sentDuringAct],
      },
      expect.objectContaining({ turn: 2, decision: 2, llmSeq: t2.llm, toolSeqs: [], sentSeqs: [reply] }),
    ]);
    // Run B's first turn is coord's third decision: decisions count across the agent's runs.
    expect(b).toMatchObject({ runId: 'B', status: 'running', completedSeq: null, durationMs: null });
    expect(b!.turns[0]).toMatchObject({ turn: 1, decision: 3, llmSeq: t3.llm });
    const spec = cycles.agents[1]!.runs[0]!;
    // Run C's message.received is not in the trace: no subject.
    expect(spec).toMatchObject({ status: 'failed', error: 'boom', from: 'coord', subject: null, receivedSeq: null });
    expect(spec.content.length).toBe(200);
    expect(spec.turns[0]).toMatchObject({ decision: 1, llmSeq: t4.llm });
  });

  it('pages one agent’s runs and says what was left out', () => {
    const r = recorder();
    for (let k = 0; k < 5; k++) {
      r.event('run.started', 'a', { runId: `r${k}`, message: { message_id: `m${k}` } });
      turn(r, 'a', `r${k}`, 1);
    }
    r.event('run.started', 'b', { runId: 'rb', message: { message_id: 'mb' } });
    const one = assembleCycles('x', r.records, { agent: 'a', offset: 3, limit: 10 });
    expect(one.agents).toHaveLength(1);
    expect(one.agents[0]).toMatchObject({ agent: 'a', runCount: 5, offset: 3, truncated: true });
    expect(one.agents[0]!.runs.map((run) => [run.runId, run.turns[0]!.decision])).toEqual([
      ['r3', 4],
      ['r4', 5],
    ]);
    const counts = assembleCycles('x', r.records, { limit: 0 });
    expect(counts.agents.map((a) => [a.agent, a.runCount, a.runs.length])).toEqual([
      ['a', 5, 0],
      ['b', 1, 0],
    ]);
    expect(assembleCycles('x', r.records, { agent: 'nobody' }).agents).toEqual([]);
    expect(assembleCycles('x', r.records, { agent: 'a' }).agents[0]!.truncated).toBe(false);
  });

  it('extends incrementally, and an answer is a copy later records do not change', () => {
    const r = recorder();
    r.event('run.started', 'a', { runId: 'r', message: { message_id: 'm' } });
    r.event('ooda.phase', 'a', { runId: 'r', turn: 1, phase: 'observe' });
    const assembler = new CycleAssembler();
    for (const record of r.records) assembler.add(record);
    const before = assembler.result('x');
    expect(before.agents[0]!.runs[0]!.turns[0]).toMatchObject({ decision: null, llmSeq: null, phases: [{ phase: 'observe' }] });

    const from = r.records.length;
    r.event('ooda.phase', 'a', { runId: 'r', turn: 1, phase: 'orient' });
    const llm = r.event('llm.call', 'a', { runId: 'r', turn: 1 });
    for (const record of r.records.slice(from)) assembler.add(record);
    const after = assembler.result('x');
    expect(after.agents[0]!.runs[0]!.turns[0]).toMatchObject({ decision: 1, llmSeq: llm });
    expect(after).toEqual(assembleCycles('x', r.records));
    expect(before.agents[0]!.runs[0]!.turns[0]!.phases).toHaveLength(1);
  });

  it('attributes a sent message without a reply link to the sender’s most recently active open run', () => {
    const r = recorder();
    r.event('run.started', 'a', { runId: 'r1', message: { message_id: 'm1' } });
    r.event('run.started', 'a', { runId: 'r2', message: { message_id: 'm2' } });
    r.event('ooda.phase', 'a', { runId: 'r1', turn: 1, phase: 'observe' });
    r.event('ooda.phase', 'a', { runId: 'r2', turn: 1, phase: 'observe' });
    const sent = r.event('message.sent', 'a', { message: { message_id: 'o', in_reply_to: null } });
    // Another agent's message, or one with no open run to go to, is not attributed.
    r.event('message.sent', 'b', { message: { message_id: 'o2', in_reply_to: 'm1' } });
    const [r1, r2] = assembleCycles('x', r.records).agents[0]!.runs;
    expect(r1!.turns[0]!.sentSeqs).toEqual([]);
    expect(r2!.turns[0]!.sentSeqs).toEqual([sent]);
  });
});
