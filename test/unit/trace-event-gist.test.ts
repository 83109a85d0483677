// How the trace explorer words issue 15's events: the one-line gist in the table's subject column
// (what was stripped — kinds and counts, never a value —, a verdict, a negotiation's tally, where a
// workflow resumed after a crash, a batch's size) and the detail's fields.
import { describe, expect, it } from 'vitest';
import type { RuntimeEventName } from '../../agents/protocol/runtime-events.js';
import { eventGist, strippedText } from '../../agents/trace/event-gist.js';
import { eventFields } from '../../renderer/src/trace/record-fields.js';
import { rowCells } from '../../renderer/src/trace/trace-format.js';
import { eventRecord, type PayloadFields } from '../helpers/trace-events.js';

const event = <N extends RuntimeEventName>(name: N, agent: string, fields: PayloadFields<N> = {}) => eventRecord({ seq: 1, time: '2026-12-06T20:00:00.000Z', mono: 1 }, name, agent, fields);
const fields = (record: ReturnType<typeof event>) => Object.fromEntries(eventFields(record));

describe('the gist of gateway events', () => {
  it('names the peer and what was stripped, by kind and count, never the value', () => {
    const request = event('protocol.a2a.request', 'desk', { peer: 'travel', direction: 'outbound', operation: null, stripped: [{ kind: 'email', path: 'text', count: 2 }, { kind: 'phone', count: 1 }, { kind: 'email', path: '$.cc', count: 1 }], preview: 'Mail [email removed] or call [phone removed]' });
    expect(eventGist(request)).toBe('→ travel · stripped 3 e-mails, 1 phone number');
    expect(rowCells(request).subject).toBe('→ travel · stripped 3 e-mails, 1 phone number');
    expect(fields(request)['PII']).toBe('stripped 3 e-mails, 1 phone number');
    expect(fields(request)['call']).toBe('A2A desk → travel');
    expect(eventGist(event('protocol.mcp.request', 'desk', { peer: 'files', direction: 'outbound', operation: 'read_file', stripped: [] }))).toBe('→ files read_file');
  });

  it('says how a call ended and how long it took', () => {
    const failed = event('protocol.a2a.response', 'desk', { peer: 'travel', state: 'error', durationMs: 5003.4, error: 'travel did not answer within 5000 ms', bytes: 0 });
    expect(eventGist(failed)).toBe('travel: error · 5003 ms · travel did not answer within 5000 ms');
    expect(fields(failed)['error']).toBe('travel did not answer within 5000 ms');
    const served = event('protocol.a2a.response', 'travel_agent', { peer: 'a2a-caller', direction: 'inbound', state: 'completed', durationMs: 145.2, error: null });
    expect(eventGist(served)).toBe('answered a2a-caller: completed · 145 ms');
    expect(fields(served)['call']).toBe('A2A a2a-caller → travel_agent');
  });

  it('writes nothing when nothing was stripped', () => expect(strippedText([])).toBe(''));
});

describe('the gist of workflow, negotiation, evaluation and batch events', () => {
  it('shows where a workflow went on after a crash, and that finished steps are not redone', () => {
    const resumed = event('workflow.resumed', 'switchboard-workflows', { workflow: 'pipeline', workflowId: 'wf-1', step: 'enrich', attempt: 1, done: ['extract'], interrupted: true });
    expect(eventGist(resumed)).toBe('pipeline wf-1 resumed at enrich (extract done, not redone) after a crash');
    expect(fields(resumed)['already done']).toBe('extract (not redone)');
    const failed = event('workflow.failed', 'switchboard-workflows', { workflow: 'pipeline', workflowId: 'wf-1', step: 'report', attempts: 3, reason: 'report_bot answered failed: no data' });
    expect(eventGist(failed)).toBe('pipeline failed at report after 3 attempts: report_bot answered failed: no data');
  });

  it('tallies a negotiation and marks a late answer', () => {
    const finished = event('negotiation.finished', 'broker', { state: 'finalized', selected: ['a'], responses: { a: { status: 'accepted', terms: { cost: 60 }, afterMs: 3 }, b: { status: 'declined', reason: 'too busy', afterMs: 4 }, c: { status: 'timed-out' } } });
    expect(eventGist(finished)).toBe('finalized with a · 1 accepted, 1 declined, 1 silent');
    expect(fields(finished)['b']).toBe('declined: too busy');
    expect(fields(finished)['c']).toBe('no answer before the deadline');
    expect(eventGist(event('negotiation.answered', 'broker', { from: 'c', accept: false, reason: 'late anyway', late: true }))).toBe('c declined: late anyway (late, not counted)');
  });

  it('says a verdict and what the coordinator does next', () => {
    const judged = event('evaluation.judged', 'coordinator', { runId: 'r1', round: 1, evaluator: 'rules', verdict: 'fail', feedback: 'must mention the deadline', next: 'revise', reason: null });
    expect(eventGist(judged)).toBe('round 1: fail by rules → revising · must mention the deadline');
    expect(fields(judged)['next']).toBe('revising with this feedback');
  });

  it('says a batch is one run and lists its members', () => {
    const batch = event('batch.formed', 'desk', { runId: 'r9', members: [{ messageId: 'm1', from: 'a', subject: 'agents.request.desk' }, { messageId: 'm2', from: 'b', subject: 'agents.request.desk' }] });
    expect(eventGist(batch)).toBe('batch of 2 → one run r9');
    expect(fields(batch)['#2']).toBe('b · m2 · agents.request.desk');
  });
});
