/** The cycle inspector's rules: a phase's records, a record's turn and phase, a fork's decision from the editor. */
import { describe, expect, it } from 'vitest';
import type { CycleRun } from '../../agents/trace/cycles.js';
import { decisionOf, locateSeq, parseDecision, phaseSeqs } from '../../renderer/src/debugger/cycle-model.js';
import { eventRecord } from '../helpers/trace-events.js';

const run: CycleRun = {
  runId: 'r',
  status: 'completed',
  from: 'user',
  content: 'hi',
  subject: 'agents.request.a',
  receivedSeq: 9,
  startedSeq: 10,
  completedSeq: 30,
  durationMs: 5,
  error: null,
  turns: [
    {
      turn: 1,
      decision: 3,
      phases: [
        { phase: 'observe', seq: 11, durationMs: 0 },
        { phase: 'orient', seq: 12, durationMs: 0 },
        { phase: 'decide', seq: 14, durationMs: 1 },
        { phase: 'act', seq: 17, durationMs: 1 },
      ],
      llmSeq: 13,
      toolSeqs: [15],
      sentSeqs: [16],
    },
    { turn: 2, decision: 4, phases: [{ phase: 'observe', seq: 20, durationMs: 0 }], llmSeq: null, toolSeqs: [], sentSeqs: [31] },
  ],
};

describe('cycle model', () => {
  it('names the records of each phase', () => {
    const [t1, t2] = run.turns;
    expect(phaseSeqs(run, t1!, 'observe')).toEqual([10, 11, 12]);
    expect(phaseSeqs(run, t2!, 'observe')).toEqual([20]);
    expect(phaseSeqs(run, t1!, 'orient')).toEqual([12]);
    expect(phaseSeqs(run, t1!, 'decide')).toEqual([13, 14]);
    expect(phaseSeqs(run, t2!, 'decide')).toEqual([]);
    expect(phaseSeqs(run, t1!, 'act')).toEqual([17, 15, 16]);
  });

  it('finds the turn and phase of a record', () => {
    expect(locateSeq(run, 12)).toEqual({ turn: 1, phase: 'orient' });
    expect(locateSeq(run, 13)).toEqual({ turn: 1, phase: 'decide' });
    expect(locateSeq(run, 15)).toEqual({ turn: 1, phase: 'act' });
    expect(locateSeq(run, 31)).toEqual({ turn: 2, phase: 'act' });
    expect(locateSeq(run, 10)).toEqual({ turn: 1, phase: 'observe' });
    expect(locateSeq(run, 30)).toEqual({ turn: 2, phase: 'act' });
    expect(locateSeq(run, 99)).toBeNull();
  });

  it('takes a fork’s decision from the model call and checks the edited one', () => {
    const call = eventRecord({ seq: 13, time: '2026-01-01T00:00:00.000Z', mono: 1 }, 'llm.call', 'a', {
      response: { text: 'go', toolCalls: [{ id: 'c1', name: 't', arguments: { x: 1 } }], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'tool_calls', model: 'm' },
    });
    expect(decisionOf(call)).toEqual({ text: 'go', toolCalls: [{ id: 'c1', name: 't', arguments: { x: 1 } }] });
    expect(decisionOf(eventRecord({ seq: 1, time: '2026-01-01T00:00:00.000Z', mono: 1 }, 'llm.call', 'a', { response: null, error: 'down' }))).toBeNull();
    expect(parseDecision('{"text":"x","toolCalls":[]}')).toEqual({ decision: { text: 'x', toolCalls: [] } });
    expect(parseDecision('{"text":"x"')).toMatchObject({ error: expect.stringMatching(/^Not JSON: /) });
    expect(parseDecision('{"text":"x","toolCalls":[],"extra":1}')).toMatchObject({ error: expect.stringContaining('extra') });
    expect(parseDecision('{"text":1,"toolCalls":[]}')).toMatchObject({ error: expect.stringMatching(/^text: /) });
  });
});
