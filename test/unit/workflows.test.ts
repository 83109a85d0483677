// Durable workflows, the pure parts: validation of spec.workflows, the fold of stream records, the
// resume point, step input templates.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillStepInput, workflowIdOfSubject, workflowRecordMsgId, workflowSubject, type WorkflowRecord } from '../../agents/protocol/workflow-record.js';
import { matchesQuery, TraceFilterSchema } from '../../agents/trace/query.js';
import { TraceRecordSchema } from '../../agents/trace/record.js';
import { foldRecord, resumePoint, type WorkflowInstance } from '../../agents/runtime/workflows/workflow-state.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { WorkflowSpec } from '../../agents/topology/schema.js';

const template = readFileSync('templates/durable-pipeline.yaml', 'utf8');

const withWorkflows = (workflows: string) => template.replace(/\n {2}workflows:\n[\s\S]*$/, `\n  workflows:\n${workflows}`);

describe('spec.workflows validation', () => {
  it('accepts the template', () => {
    const result = loadTopology(template, 'durable-pipeline.yaml');
    expect(result.problems).toEqual([]);
    expect(result.topology?.spec.workflows?.[0]?.maxAttempts).toBe(3);
  });

  it('names an unknown agent, a repeated step, a placeholder of a later step, and a workflow declared twice', () => {
    const result = loadTopology(
      withWorkflows(`    - name: w
      steps:
        - { name: a, agent: extract, input: "{{steps.b}}" }
        - { name: b, agent: nobody }
        - { name: a, agent: report, input: "{{previus}}" }
    - name: w
      steps:
        - { name: a, agent: extract }
`),
      'x.yaml',
    );
    const messages = result.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(messages).toEqual([
      'spec.workflows.0.steps.0.input: Unknown placeholder(s) {{steps.b}}: use {{input}}, {{previous}} or {{steps.NAME}} of an earlier step.',
      'spec.workflows.0.steps.1.agent: Unknown agent "nobody" (declare it under spec.agents or spec.externalAgents).',
      'spec.workflows.0.steps.2.name: Workflow "w" already has a step "a"; step names must be unique.',
      'spec.workflows.0.steps.2.input: Unknown placeholder(s) {{previus}}: use {{input}}, {{previous}} or {{steps.NAME}} of an earlier step.',
      'spec.workflows.1.name: A workflow named "w" is already declared; workflow names must be unique.',
    ]);
    expect(result.problems.every((p) => p.line !== undefined)).toBe(true);
  });

  it('refuses a step on an external agent that does not answer, and a workflow without steps', () => {
    const listener = template.replace('  workflows:\n', '  externalAgents:\n    - { name: sink, answers: false }\n  workflows:\n');
    const result = loadTopology(listener.replace('agent: enrich\n', 'agent: sink\n'), 'x.yaml');
    expect(result.problems.map((p) => p.message)).toEqual(['"sink" does not answer requests (answers: false), so it cannot run a step.']);
    const empty = loadTopology(withWorkflows('    - { name: w, steps: [] }\n'), 'x.yaml');
    expect(empty.problems.map((p) => p.message)).toEqual(['a workflow needs at least one step']);
  });
});

const spec: WorkflowSpec = {
  name: 'w',
  description: '',
  maxAttempts: 3,
  stepTimeoutMs: 1000,
  steps: [
    { name: 'a', agent: 'x' },
    { name: 'b', agent: 'y' },
    { name: 'c', agent: 'z' },
  ],
};
const rec = (step: string | null, status: WorkflowRecord['status'], attempt = 1, text: string | null = null, reason: string | null = null): WorkflowRecord => ({
  workflow: 'w',
  id: 'wf-1',
  step,
  status,
  attempt,
  text,
  reason,
  at: '2026-12-06T00:00:00.000Z',
});
const fold = (records: WorkflowRecord[]): WorkflowInstance => {
  const instances = new Map<string, WorkflowInstance>();
  let last!: WorkflowInstance;
  for (const r of records) last = foldRecord(instances, r);
  return last;
};

describe('the fold of workflow records', () => {
  it('resumes at the first unfinished step, counting the interrupted attempt', () => {
    const instance = fold([rec(null, 'requested', 0, 'in'), rec('a', 'started'), rec('a', 'completed', 1, 'A'), rec('b', 'started')]);
    expect(instance.input).toBe('in');
    expect(resumePoint(spec, instance)).toEqual({ index: 1, attempt: 2, done: ['a'], interrupted: true });
  });

  it('after a failed attempt goes on with the next; a requested instance starts at the first step', () => {
    const failed = fold([rec(null, 'requested', 0, 'in'), rec('a', 'started'), rec('a', 'failed', 1, null, 'down')]);
    expect(resumePoint(spec, failed)).toEqual({ index: 0, attempt: 2, done: [], interrupted: false });
    expect(failed.steps.get('a')?.lastReason).toBe('down');
    expect(resumePoint(spec, fold([rec(null, 'requested', 0, 'in')]))).toEqual({ index: 0, attempt: 1, done: [], interrupted: false });
  });

  it('a record read twice changes nothing; finished and failed end the instance', () => {
    const twice = fold([rec(null, 'requested', 0, 'in'), rec('a', 'started'), rec('a', 'started'), rec('a', 'completed', 1, 'A'), rec('a', 'completed', 1, 'A')]);
    expect(resumePoint(spec, twice)).toEqual({ index: 1, attempt: 1, done: ['a'], interrupted: false });
    expect(fold([rec(null, 'requested', 0, 'in'), rec(null, 'finished', 0, 'C')])).toMatchObject({ status: 'finished', result: 'C' });
    expect(fold([rec(null, 'requested', 0, 'in'), rec(null, 'failed', 0, null, 'step a failed')])).toMatchObject({ status: 'failed', reason: 'step a failed' });
  });

  it('message ids tell attempts apart, and a record written again has the same one', () => {
    expect(workflowRecordMsgId(rec('b', 'started', 2))).toBe('w.wf-1.b.started.2');
    expect(workflowRecordMsgId(rec('b', 'started', 2))).not.toBe(workflowRecordMsgId(rec('b', 'started', 3)));
    expect(workflowRecordMsgId(rec(null, 'requested', 0))).toBe('w.wf-1..requested.0');
  });
});

describe('step input templates', () => {
  it('fills the input, the previous result and earlier steps', () => {
    const steps = new Map([['a', 'A!']]);
    expect(fillStepInput('{{ steps.a }} / {{previous}} / {{input}} / {{steps.zz}}', { input: 'in', previous: 'P', steps })).toBe('A! / P / in / {{steps.zz}}');
  });
});

describe('workflow records in the trace', () => {
  const base = { seq: 1, time: '2026-12-06T00:00:00.000Z', mono: 1 };
  const event = TraceRecordSchema.parse({ ...base, kind: 'event', name: 'workflow.resumed', agent: 'switchboard-workflows', payload: { agent: 'switchboard-workflows', workflow: 'w', workflowId: 'wf-1', step: 'b', attempt: 2, done: ['a'], interrupted: true } });
  const payload = JSON.stringify(rec('b', 'started', 2));
  const message = TraceRecordSchema.parse({ ...base, kind: 'message', subject: workflowSubject('w', 'wf-1', 'b'), reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: false, reason: 'not an AgentMessage' } });
  const other = TraceRecordSchema.parse({ ...base, kind: 'message', subject: 'ai.other', reply: null, headers: null, size: 2, payload: '{}', encoding: 'utf8', truncated: false, parsed: { ok: false, reason: 'not an AgentMessage' } });

  it('are found by the instance id: the engine\'s events and the stream\'s records on the bus', () => {
    const byId = TraceFilterSchema.parse({ correlation: 'wf-1' });
    expect(matchesQuery(event, byId)).toBe(true);
    expect(matchesQuery(message, byId)).toBe(true);
    expect(matchesQuery(other, byId)).toBe(false);
    expect(matchesQuery(event, TraceFilterSchema.parse({ correlation: 'wf-2' }))).toBe(false);
    expect(workflowIdOfSubject(workflowSubject('w', 'wf-1'))).toBe('wf-1');
  });
});
