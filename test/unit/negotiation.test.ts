// Seed 002's A2A negotiation as pure functions: the proposer's state machine (every response
// recorded, timed out at the deadline, late answers kept but not counted), the four decision
// rules, a scripted responder's rule, and the topology checks of `pattern.negotiate`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerProposal, decideNegotiation, startNegotiation, stepNegotiation, type NegotiationInput, type NegotiationResponse, type NegotiationState } from '../../agents/runtime/patterns/negotiation-state.js';
import { outcomeText, proposalOf } from '../../agents/runtime/patterns/negotiation.js';
import { loadTopology } from '../../agents/topology/load.js';
import { runNegotiateTool } from '../../agents/tools/negotiate-tool.js';
import type { AgentHandle } from '../../agents/tools/agent-handle.js';
import { isFailureEvent, isFailureEventJson } from '../../agents/trace/record-flags.js';
import { eventRecord, messageRecord } from '../helpers/trace-events.js';
import { designedVsObserved } from '../../agents/trace/designed-vs-observed.js';
import type { NegotiationDecision } from '../../agents/protocol/seed-002-negotiation.js';

const T0 = 1_000_000;
const open = (decision: NegotiationDecision = 'all-accept', targets = ['a', 'b', 'c']) =>
  stepNegotiation(startNegotiation({ id: 'neg-1', type: 'task_assignment', targets, decision, startedAt: T0, timeoutMs: 1000 }), { kind: 'sent', at: T0 + 1 });
const run = (state: NegotiationState, ...inputs: NegotiationInput[]) => inputs.reduce(stepNegotiation, state);
const yes = (from: string, at: number, terms: Record<string, unknown> = {}): NegotiationInput => ({ kind: 'answer', from, at: T0 + at, answer: { accept: true, terms } });
const no = (from: string, at: number, reason: string): NegotiationInput => ({ kind: 'answer', from, at: T0 + at, answer: { accept: false, reason } });
const deadline: NegotiationInput = { kind: 'deadline', at: T0 + 1000 };

describe('negotiation state machine', () => {
  it('goes proposed → collecting → finalized, recording every answer, and closes as soon as everyone answered', () => {
    const proposed = startNegotiation({ id: 'neg-1', type: 't', targets: ['a', 'b'], decision: 'all-accept', startedAt: T0, timeoutMs: 1000 });
    expect(proposed.phase).toBe('proposed');
    const collecting = stepNegotiation(proposed, { kind: 'sent', at: T0 });
    expect(collecting.phase).toBe('collecting');
    const half = stepNegotiation(collecting, yes('a', 10, { cost: 5 }));
    expect(half.phase).toBe('collecting');
    const done = stepNegotiation(half, yes('b', 20));
    expect(done).toMatchObject({ phase: 'finalized', selected: ['a', 'b'], reason: null, responses: { a: { status: 'accepted', terms: { cost: 5 }, afterMs: 10 }, b: { status: 'accepted', afterMs: 20 } } });
  });

  it('fails all-accept when one declines, keeping the reason', () => {
    const state = run(open(), yes('a', 10), no('b', 20, 'Insufficient resources'), yes('c', 30));
    expect(state.phase).toBe('failed');
    expect(state.responses['b']).toEqual({ status: 'declined', reason: 'Insufficient resources', afterMs: 20 });
    expect(state.reason).toBe('all-accept: not every agent accepted: b declined (Insufficient resources)');
  });

  it('records agents without an answer as timed out at the deadline', () => {
    const state = run(open('any-accept'), yes('a', 10), deadline);
    expect(state).toMatchObject({ phase: 'finalized', selected: ['a'], responses: { a: { status: 'accepted' }, b: { status: 'timed-out' }, c: { status: 'timed-out' } } });
  });

  it('fails a negotiation nobody answers, with the reason and the deadline', () => {
    const state = run(open('any-accept'), { kind: 'deadline', at: T0 + 999 });
    expect(state.phase).toBe('collecting'); // not yet: the deadline has not passed
    const failed = stepNegotiation(state, deadline);
    expect(failed.phase).toBe('failed');
    expect(failed.reason).toBe('nobody answered before the deadline (1000 ms): a, b, c timed out');
  });

  it('records an answer after the deadline as late without changing the outcome', () => {
    const closed = run(open('majority'), yes('a', 10), no('b', 20, 'busy'), deadline);
    expect(closed.phase).toBe('failed');
    const late = stepNegotiation(closed, yes('c', 1500));
    expect(late.phase).toBe('failed');
    expect(late.responses['c']).toEqual({ status: 'timed-out' });
    expect(late.late).toEqual([{ from: 'c', answer: { accept: true, terms: {} }, afterMs: 1500 }]);
    expect(late.reason).toBe(closed.reason);
  });

  it('closes by the deadline an answer that arrives after it before the deadline timer fired', () => {
    const state = run(open('any-accept'), yes('a', 1200));
    expect(state.phase).toBe('failed');
    expect(state.late.map((l) => l.from)).toEqual(['a']);
    expect(state.responses['a']).toEqual({ status: 'timed-out' });
  });

  it('ignores answers from agents not asked and second answers (replicas)', () => {
    const state = run(open(), yes('zed', 10), yes('a', 20), no('a', 30, 'changed my mind'));
    expect(Object.keys(state.responses)).toEqual(['a']);
    expect(state.responses['a']?.status).toBe('accepted');
    const closed = run(state, deadline, yes('b', 1100), yes('b', 1200), yes('a', 1300));
    expect(closed.late.map((l) => l.from)).toEqual(['b']);
  });
});

describe('decision rules', () => {
  const responses: Record<string, NegotiationResponse> = {
    a: { status: 'accepted', terms: { cost: 90 }, afterMs: 1 },
    b: { status: 'accepted', terms: { cost: 60 }, afterMs: 2 },
    c: { status: 'declined', reason: 'too busy', afterMs: 3 },
    d: { status: 'timed-out' },
  };
  const decide = (decision: NegotiationDecision, targets: string[], prefer: { term: string; order: 'lowest' | 'highest' } | null = null) => decideNegotiation(decision, targets, responses, prefer, 1000);

  it('all-accept needs every target', () => {
    expect(decide('all-accept', ['a', 'b'])).toEqual({ ok: true, selected: ['a', 'b'] });
    expect(decide('all-accept', ['a', 'c', 'd'])).toEqual({ ok: false, selected: [], reason: 'all-accept: not every agent accepted: c declined (too busy); d timed out' });
  });

  it('any-accept needs one', () => {
    expect(decide('any-accept', ['c', 'b'])).toEqual({ ok: true, selected: ['b'] });
    expect(decide('any-accept', ['c', 'd'])).toMatchObject({ ok: false, reason: 'any-accept: no agent accepted: c declined (too busy); d timed out' });
  });

  it('majority needs more than half', () => {
    expect(decide('majority', ['a', 'b', 'c'])).toEqual({ ok: true, selected: ['a', 'b'] });
    expect(decide('majority', ['a', 'b', 'c', 'd'])).toMatchObject({ ok: false, reason: 'majority: 2 of 4 accepted (3 needed): c declined (too busy); d timed out' });
  });

  it('best-terms picks the preferred offer, lowest or highest, missing terms last', () => {
    expect(decide('best-terms', ['a', 'b', 'c'], { term: 'cost', order: 'lowest' })).toEqual({ ok: true, selected: ['b'] });
    expect(decide('best-terms', ['a', 'b', 'c'], { term: 'cost', order: 'highest' })).toEqual({ ok: true, selected: ['a'] });
    expect(decide('best-terms', ['a', 'b'], { term: 'speed', order: 'lowest' })).toEqual({ ok: true, selected: ['a'] });
    expect(decide('best-terms', ['c', 'd'], { term: 'cost', order: 'lowest' })).toMatchObject({ ok: false, reason: 'best-terms: no agent accepted: c declined (too busy); d timed out' });
  });
});

describe('a scripted responder', () => {
  const terms = { cost: 120, accuracy: 0.99, gpu: true };
  it('accepts with its terms when they meet max_/min_/required_ bounds and equal keys', () => {
    expect(answerProposal({ when: 'constraints-met', terms }, { max_cost: 150, required_accuracy: 0.95, min_accuracy: 0.9, gpu: true, note: 'info only' })).toEqual({ accept: true, terms });
  });
  it('declines with the unmet constraint (after its own reason when it has one)', () => {
    expect(answerProposal({ when: 'constraints-met', terms }, { max_cost: 100 })).toEqual({ accept: false, reason: 'cost 120 is above max_cost 100' });
    expect(answerProposal({ when: 'constraints-met', terms, reason: 'Insufficient budget' }, { max_cost: 100 })).toEqual({ accept: false, reason: 'Insufficient budget (cost 120 is above max_cost 100)' });
    expect(answerProposal({ when: 'constraints-met', terms }, { required_accuracy: 0.999 })).toEqual({ accept: false, reason: 'accuracy 0.99 is below required_accuracy 0.999' });
    expect(answerProposal({ when: 'constraints-met', terms }, { max_latency: 5 })).toEqual({ accept: false, reason: 'offers no latency for max_latency 5' });
    expect(answerProposal({ when: 'constraints-met', terms }, { gpu: false })).toEqual({ accept: false, reason: 'gpu true is not false' });
  });
  it('always and never ignore the constraints', () => {
    expect(answerProposal({ when: 'always', terms }, { max_cost: 1 })).toEqual({ accept: true, terms });
    expect(answerProposal({ when: 'never', terms: {}, reason: 'on holiday' }, {})).toEqual({ accept: false, reason: 'on holiday' });
    expect(answerProposal({ when: 'never', terms: {} }, {})).toEqual({ accept: false, reason: 'declines every proposal' });
  });
});

describe('a proposer', () => {
  it('takes the proposal from the request: JSON {proposal, constraints} over the declared ones, else the text as the task', () => {
    const declared = { proposal: { data_size: '10GB' }, constraints: { max_cost: 100 } };
    expect(proposalOf('Analyze sales', declared)).toEqual({ proposal: { data_size: '10GB', task: 'Analyze sales' }, constraints: { max_cost: 100 } });
    expect(proposalOf('{"proposal":{"task":"x"},"constraints":{"max_cost":50}}', declared)).toEqual({ proposal: { data_size: '10GB', task: 'x' }, constraints: { max_cost: 50 } });
    expect(proposalOf('[1,2]', declared).proposal).toEqual({ data_size: '10GB', task: '[1,2]' });
  });

  it('replies with the outcome and one line per target', () => {
    const state = run(open('majority'), yes('a', 10, { cost: 60 }), no('b', 20, 'busy'), deadline);
    expect(outcomeText(state)).toBe(
      'Negotiation neg-1 (task_assignment, majority) failed: majority: 1 of 3 accepted (2 needed): b declined (busy); c timed out.\n' +
        '- a: accepted {"cost":60}\n- b: declined (busy)\n- c: no answer before the deadline',
    );
  });
});

describe('topology checks', () => {
  const template = readFileSync('templates/seed-002-negotiation.yaml', 'utf8');
  const problems = (edit: (text: string) => string) => loadTopology(edit(template), 't.yaml').problems.map((p) => `${p.severity} ${p.path.join('.')}: ${p.message}`);

  it('the template validates cleanly', () => {
    expect(problems((t) => t)).toEqual([]);
  });

  it('an unknown agent in negotiate.with is an error naming the known ones', () => {
    expect(problems((t) => t.replace('with: [fast_analyst, careful_analyst, gpu_analyst]', 'with: [fast_analyst, nobody]'))).toEqual([
      'error spec.agents.0.pattern.negotiate.with.1: Unknown agent "nobody" in negotiate.with (agents: fast_analyst, careful_analyst, gpu_analyst).',
    ]);
  });

  it('an empty negotiate.with is an error', () => {
    const found = problems((t) => t.replace('with: [fast_analyst, careful_analyst, gpu_analyst]', 'with: []'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^error spec\.agents\.0\.pattern\.negotiate\.with: negotiate\.with needs at least one agent to propose to/);
  });

  it('itself, twice, best-terms without prefer, and a target that never answers', () => {
    const found = problems((t) =>
      t
        .replace('with: [fast_analyst, careful_analyst, gpu_analyst]', 'with: [planner, fast_analyst, fast_analyst, careful_analyst]')
        .replace('          prefer: { term: cost, order: lowest }\n', '')
        .replace("      pattern:\n        accept:\n          terms: { cost: 90, accuracy: 0.99, estimated_minutes: 30 }\n", ''),
    );
    expect(found).toEqual([
      'error spec.agents.0.pattern.negotiate.with.0: planner cannot negotiate with itself.',
      'error spec.agents.0.pattern.negotiate.with.2: "fast_analyst" is listed twice in negotiate.with.',
      'warning spec.agents.0.pattern.negotiate.with.3: careful_analyst has no pattern.accept, so it never answers proposals: it is recorded as timed out.',
      'error spec.agents.0.pattern.negotiate.decision: decision best-terms needs negotiate.prefer { term, order } (which term ranks the accepted offers).',
    ]);
  });
});

describe('the negotiate tool', () => {
  const agent = { name: 'planner' } as AgentHandle; // bad arguments fail before the bus is touched
  const bad = (args: Record<string, unknown>) => runNegotiateTool(args, agent, 'dev').then(() => 'ran', (e: Error) => e.message);
  it('refuses bad arguments with a clear error', async () => {
    expect(await bad({ proposal: {} })).toBe('"with" must be a non-empty list of agent names.');
    expect(await bad({ with: [], proposal: {} })).toBe('"with" must be a non-empty list of agent names.');
    expect(await bad({ with: ['a.b'], proposal: {} })).toBe('"with" must be a non-empty list of agent names.');
    expect(await bad({ with: ['planner'], proposal: {} })).toBe('planner cannot negotiate with itself.');
    expect(await bad({ with: ['a'], proposal: {}, decision: 'vote' })).toBe('"decision" must be one of all-accept, any-accept, majority, best-terms.');
    expect(await bad({ with: ['a'], proposal: {}, timeout_ms: 0 })).toBe('"timeout_ms" must be a whole number of milliseconds from 1 to 600000 (got 0).');
    expect(await bad({ with: ['a'], proposal: 'do it' })).toBe('"proposal" must be an object.');
  });
});

describe('in the trace', () => {
  it('a failed negotiation is a failure row (also from its JSON, as the recorder decides), a finalized one and its answers are not', () => {
    const base = { seq: 1, time: '2025-01-01T00:00:00.000Z', mono: 1 };
    const failed = eventRecord(base, 'negotiation.finished', 'planner', { state: 'failed', reason: 'nobody answered before the deadline (500 ms): a timed out', selected: [], responses: { a: { status: 'timed-out' } } });
    const finalized = eventRecord(base, 'negotiation.finished', 'planner');
    const declined = eventRecord(base, 'negotiation.answered', 'planner', { accept: false, terms: null, reason: 'failed to agree' });
    for (const [record, failure] of [[failed, true], [finalized, false], [declined, false]] as const) {
      expect(isFailureEvent(record)).toBe(failure);
      expect(isFailureEventJson(record.name, JSON.stringify(record.payload))).toBe(failure);
    }
  });
});

describe('designed vs observed', () => {
  it('a proposal to one of negotiate.with is designed traffic; one to another agent is not', () => {
    const topology = loadTopology(readFileSync('templates/seed-002-negotiation.yaml', 'utf8'), 't.yaml').topology!;
    const base = (seq: number) => ({ seq, time: '2025-01-01T00:00:00.000Z', mono: seq });
    const records = [
      messageRecord(base(1), 'agents.dev.a2a.negotiate.gpu_analyst', '{}', { reply: '_INBOX_planner.x.gpu_analyst' }),
      messageRecord(base(2), 'agents.dev.a2a.negotiate.planner', '{}', { reply: '_INBOX_gpu_analyst.x.planner' }),
    ];
    expect(designedVsObserved(topology, records).undeclaredSubjects.map((u) => u.subject)).toEqual(['agents.dev.a2a.negotiate.planner']);
  });
});
