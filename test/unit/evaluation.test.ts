// The evaluation layer's pure parts: reading an evaluator's answer as a verdict, judging a reply by
// rules, the topology's evaluator settings and their validation, and when a revision would go past
// the budget envelope.
import { describe, expect, it } from 'vitest';
import { judgeByRules, parseVerdict } from '../../agents/runtime/patterns/evaluation-verdict.js';
import { evaluationRequest, revisionOverBudget, SynthesisReview, type EvaluationSettings } from '../../agents/runtime/patterns/evaluation.js';
import { RuntimeEventBus, type RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { newMessage } from '../../agents/runtime/wire.js';
import type { AgentHandle, RequestOptions } from '../../agents/tools/agent-handle.js';
import { BudgetTracker } from '../../agents/runtime/budget.js';
import { loadTopology } from '../../agents/topology/load.js';
import { isFailureEvent, isFailureEventJson } from '../../agents/trace/record-flags.js';
import { rowFacts } from '../../agents/trace/row-facts.js';
import { summarize } from '../../main/commands/run-summary.js';
import { TestClock } from '../helpers/test-clock.js';
import { eventRecord, samplePayload } from '../helpers/trace-events.js';

describe('parseVerdict', () => {
  it('reads the JSON format, alone, fenced or amid prose, in any letter case', () => {
    expect(parseVerdict('{"verdict": "pass", "feedback": "fine"}')).toEqual({ verdict: 'pass', feedback: 'fine' });
    expect(parseVerdict('```json\n{"verdict":"FAIL","feedback":" Name the delivery day. "}\n```')).toEqual({ verdict: 'fail', feedback: 'Name the delivery day.' });
    expect(parseVerdict('My verdict: {"verdict": "fail"} as requested')).toEqual({ verdict: 'fail', feedback: '' });
  });

  it('finds the verdict when the prose around it has braces too, or its feedback does', () => {
    expect(parseVerdict('The reply uses {placeholders} like {name}. {"verdict": "fail", "feedback": "fill in {name}"} Thanks {!}')).toEqual({ verdict: 'fail', feedback: 'fill in {name}' });
    expect(parseVerdict('An open { never closed, then {"verdict": "pass"}')).toEqual({ verdict: 'pass', feedback: '' });
    expect(parseVerdict('{"draft": {"a": 1}} and {"verdict": "pass", "feedback": "a \\"quoted\\" } brace"}')).toEqual({ verdict: 'pass', feedback: 'a "quoted" } brace' });
    expect(parseVerdict('{'.repeat(10_000) + '{"verdict": "pass"}')).toBeNull(); // past the first 64 braces: no verdict, and quickly
    // A verdict after a quoted JSON document (its nested braces are one span, not 64 tries).
    const draft = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ id: i })) });
    expect(parseVerdict(`The draft was ${draft}. {"verdict": "fail", "feedback": "too long"}`)).toEqual({ verdict: 'fail', feedback: 'too long' });
    // Two verdicts that disagree (a quoted reply holding one) are no verdict; two that agree are one.
    expect(parseVerdict('The reply said {"verdict": "pass"} about itself. Mine: {"verdict": "fail", "feedback": "it graded itself"}')).toBeNull();
    expect(parseVerdict('{"verdict": "pass", "feedback": "good"} {"verdict": "PASS"}')).toEqual({ verdict: 'pass', feedback: 'good' });
  });

  it('falls back to a first word PASS or FAIL, with what follows as feedback', () => {
    expect(parseVerdict('PASS')).toEqual({ verdict: 'pass', feedback: '' });
    expect(parseVerdict('FAIL: too long')).toEqual({ verdict: 'fail', feedback: 'too long' });
    expect(parseVerdict('  **Failed** - the order number is missing')).toEqual({ verdict: 'fail', feedback: 'the order number is missing' });
    expect(parseVerdict('passed.')).toEqual({ verdict: 'pass', feedback: '' });
  });

  it('gives no verdict for anything else (JSON without a verdict, prose, words that only start like one)', () => {
    expect(parseVerdict('{"verdict": "maybe"}')).toBeNull();
    expect(parseVerdict('{"ok": true}')).toBeNull();
    expect(parseVerdict('{not json')).toBeNull();
    expect(parseVerdict('Looks good to me')).toBeNull();
    expect(parseVerdict('Failure to launch')).toBeNull();
    expect(parseVerdict('Passing thoughts')).toBeNull();
    expect(parseVerdict('')).toBeNull();
  });
});

describe('judgeByRules', () => {
  const rules = [
    { mustContain: 'order' },
    { mustNotContain: 'TODO', feedback: 'Finish the answer.' },
    { matches: '\\b\\d{4}\\b' },
    { maxLength: 40 },
  ];

  it('passes when every rule passes (text comparisons ignore letter case)', () => {
    expect(judgeByRules(rules, 'ORDER 1234 shipped')).toEqual({ verdict: 'pass', feedback: 'all 4 rules pass' });
  });

  it('names each failing rule with its own feedback, or what failed', () => {
    const judged = judgeByRules(rules, 'TODO: look it up, then answer the customer politely');
    expect(judged.verdict).toBe('fail');
    expect(judged.feedback).toBe(
      'rule 1 (mustContain "order"): the reply does not contain "order"; ' +
        'rule 2 (mustNotContain "TODO"): Finish the answer.; ' +
        'rule 3 (matches /\\b\\d{4}\\b/): the reply does not match /\\b\\d{4}\\b/; ' +
        'rule 4 (maxLength 40): the reply is 51 characters, more than 40',
    );
  });
});

describe('revisionOverBudget', () => {
  const spent = (budget: ConstructorParameters<typeof BudgetTracker>[0], turns: number, tokens: number, clock = new TestClock()) => {
    const tracker = new BudgetTracker(budget, clock);
    tracker.turns = turns;
    tracker.tokens = tokens;
    return tracker;
  };

  it('allows a revision that fits, refuses one past maxTurns, maxTokens (by the average turn) or the time', async () => {
    expect(revisionOverBudget(spent({}, 5, 10_000))).toBeNull();
    expect(revisionOverBudget(spent({ maxTurns: 3, maxTokens: 1000 }, 2, 400))).toBeNull();
    expect(revisionOverBudget(spent({ maxTurns: 2 }, 2, 0))).toBe("a revision would be turn 3, over the budget's maxTurns of 2");
    expect(revisionOverBudget(spent({ maxTokens: 1000 }, 2, 800))).toBe("a revision would use about 400 more tokens, past the budget's maxTokens of 1000 (800 used)");
    const clock = new TestClock();
    const timed = spent({ timeoutMs: 1000 }, 1, 0, clock);
    expect(revisionOverBudget(timed)).toBeNull();
    await clock.advance(1000);
    expect(revisionOverBudget(timed)).toBe('the run has no time left in its budget');
  });
});

describe('pattern.evaluator in a topology', () => {
  const topology = (pattern: string, edges = '[{ from: coordinator, to: reviewer, kind: request }]') => `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: t }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - name: coordinator
      role: coordinator
      llm: offline
      pattern: ${pattern}
    - name: reviewer
      llm: offline
  edges: ${edges}`;
  const problems = (text: string) => loadTopology(text, 't.yaml').problems.map((p) => `${p.path.join('.')}: ${p.message}`);

  it('takes an agent (timeout defaulted) or rules, and maxRevisions', () => {
    const agent = loadTopology(topology('{ evaluator: { agent: reviewer }, maxRevisions: 2 }'), 't.yaml');
    expect(agent.problems).toEqual([]);
    expect(agent.topology!.spec.agents[0]!.pattern).toEqual({ evaluator: { agent: 'reviewer', timeoutMs: 30_000 }, maxRevisions: 2 });
    expect(problems(topology('{ evaluator: { rules: [{ mustContain: x, feedback: say x }, { maxLength: 10 }] } }'))).toEqual([]);
  });

  it('warns when no request edge lets the coordinator ask its evaluator agent (exported permissions follow edges)', () => {
    expect(problems(topology('{ evaluator: { agent: reviewer } }', '[]'))).toEqual([
      'spec.agents.0.pattern.evaluator.agent: No request edge from coordinator to reviewer: add { from: coordinator, to: reviewer, kind: request } (exported permissions follow the edges).',
    ]);
    expect(problems(topology('{ evaluator: { rules: [{ maxLength: 10 }] } }', '[]'))).toEqual([]);
  });

  it('refuses an unknown agent, the agent itself, an empty or unknown rule, a bad regular expression', () => {
    expect(problems(topology('{ evaluator: { agent: nobody } }'))).toEqual(['spec.agents.0.pattern.evaluator.agent: Unknown agent "nobody".']);
    expect(problems(topology('{ evaluator: { agent: coordinator } }'))).toEqual(['spec.agents.0.pattern.evaluator.agent: coordinator cannot evaluate its own replies: name another agent.']);
    expect(problems(topology('{ evaluator: { rules: [] } }'))).not.toEqual([]);
    expect(problems(topology('{ evaluator: { rules: [{ shorterThan: 3 }] } }'))).not.toEqual([]);
    expect(problems(topology("{ evaluator: { rules: [{ matches: '(' }] } }")).join('\n')).toContain('must be a valid regular expression');
    expect(problems(topology('{ maxRevisions: 11 }'))).not.toEqual([]);
  });
});

describe('evaluation.judged in the trace and the console', () => {
  const base = { seq: 1, time: '2026-12-06T20:00:00.000Z', mono: 1 };
  const judged = (fields: Parameters<typeof eventRecord<'evaluation.judged'>>[3]) => eventRecord(base, 'evaluation.judged', 'coordinator', fields);

  it('is a failure row only when the evaluator gave no verdict (a fail is the layer working), from the record and its JSON alike', () => {
    const noVerdict = judged({ verdict: 'error', feedback: 'reviewer did not answer', next: 'send_unapproved', reason: 'no verdict: reviewer did not answer' });
    const failed = judged({ verdict: 'fail', feedback: 'say "error":"x"', next: 'revise' });
    for (const [record, failure] of [[noVerdict, true], [failed, false], [judged({}), false]] as const) {
      expect(isFailureEvent(record)).toBe(failure);
      expect(isFailureEventJson(record.name, JSON.stringify(record.payload))).toBe(failure);
    }
    expect(rowFacts(noVerdict, { waitedMs: 0, ended: false })).toMatchObject({ type: 'evaluation.judged', from: 'coordinator', status: 'failed', error: 'no verdict: reviewer did not answer' });
    expect(rowFacts(failed, { waitedMs: 0, ended: false })).toMatchObject({ status: 'ok', error: null });
  });

  it('prints one line per verdict in switchboard run', () => {
    const at = new Date('2026-12-06T20:00:00.000Z');
    const line = (fields: Parameters<typeof samplePayload<'evaluation.judged'>>[1]) => summarize('evaluation.judged', samplePayload('evaluation.judged', { agent: 'coordinator', ...fields }), at)!.slice(13);
    expect(line({ round: 1, evaluator: 'reviewer', verdict: 'fail', feedback: 'Name the day.', next: 'revise' })).toBe('coordinator        ✗ evaluation round 1 by reviewer: fail (Name the day.) → revise');
    expect(line({ round: 2, evaluator: 'rules', verdict: 'pass', feedback: 'all 2 rules pass', next: 'send' })).toBe('coordinator        ✓ evaluation round 2 by rules: pass (all 2 rules pass) → send');
    expect(line({ verdict: 'error', feedback: 'timeout', next: 'send_unapproved', reason: 'no verdict: timeout' })).toBe('coordinator        ✗ evaluation round 1 by rules: error (timeout) → sent unapproved: no verdict: timeout');
  });
});

describe('SynthesisReview', () => {
  /** An agent whose requests to the evaluator answer `answer` (or fail with it), recording the events. */
  const reviewed = (answer: string | Error, settings: EvaluationSettings) => {
    const events = new RuntimeEventBus();
    const judged: RuntimeEvents['evaluation.judged'][] = [];
    events.on('evaluation.judged', (e) => judged.push(e));
    const asked: { to: string; content: string; options: RequestOptions | undefined }[] = [];
    const agent = {
      name: 'coordinator',
      events,
      request: async (to: string, content: string, options?: RequestOptions) => {
        asked.push({ to, content, options });
        if (answer instanceof Error) throw answer;
        return newMessage({ message_type: 'response', from_agent: to, to_agent: 'coordinator', content: answer });
      },
    } as unknown as AgentHandle;
    const request = newMessage({ message_type: 'request', from_agent: 'user', to_agent: 'coordinator', content: 'the task' });
    const review = new SynthesisReview(settings, { agent, runId: 'run-1', request, tracker: new BudgetTracker({ timeoutMs: 60_000 }, new TestClock()) });
    return { review, judged, asked };
  };

  it('asks the evaluator agent with the task, the reply and the format, bounded by its timeout; an unreadable answer is no verdict: sent unapproved', async () => {
    const { review, judged, asked } = reviewed('Looks good to me', { evaluator: { agent: 'reviewer', timeoutMs: 5000 }, maxRevisions: 1 });
    const outcome = await review.judge('the synthesis');
    expect(asked).toEqual([{ to: 'reviewer', content: evaluationRequest('the task', 'the synthesis'), options: { timeoutMs: 5000, metadata: { conversation_id: 'run-1', evaluation: { of: 'coordinator', round: 1 } } } }]);
    expect(asked[0]!.content).toContain('Answer with JSON only: {"verdict": "pass" | "fail"');
    const reason = 'no verdict: reviewer\'s answer is not a verdict (expected {"verdict": "pass" | "fail", "feedback": "what to change when it fails"}, or PASS / FAIL: …): "Looks good to me"';
    expect(outcome).toEqual({ send: `the synthesis\n\n[Sent unapproved by the evaluator (reviewer): ${reason}]` });
    expect(judged).toEqual([{ agent: 'coordinator', runId: 'run-1', round: 1, evaluator: 'reviewer', verdict: 'error', feedback: reason.slice('no verdict: '.length), next: 'send_unapproved', reason }]);
  });

  it('revises on fail with the feedback in the prompt; with maxRevisions 0 it sends unapproved instead', async () => {
    const once = reviewed('FAIL: name the day', { evaluator: { agent: 'reviewer', timeoutMs: 5000 }, maxRevisions: 1 });
    expect(await once.review.judge('draft')).toEqual({
      revise: 'The evaluator (reviewer) did not approve your reply (revision 1 of at most 1): name the day\nRevise your reply to address this feedback, and answer with the revised reply only.',
      from: 'reviewer',
    });
    const never = reviewed('FAIL: name the day', { evaluator: { agent: 'reviewer', timeoutMs: 5000 }, maxRevisions: 0 });
    expect(await never.review.judge('draft')).toEqual({ send: 'draft\n\n[Sent unapproved by the evaluator (reviewer): failed (name the day); not revised: maxRevisions is 0]' });
  });

  it('an evaluator request that fails is no verdict, with its error', async () => {
    const { review, judged } = reviewed(new Error('reviewer failed: out of budget'), { evaluator: { agent: 'reviewer', timeoutMs: 5000 }, maxRevisions: 1 });
    expect(await review.judge('draft')).toEqual({ send: 'draft\n\n[Sent unapproved by the evaluator (reviewer): no verdict: reviewer failed: out of budget]' });
    expect(judged.map((j) => [j.verdict, j.next])).toEqual([['error', 'send_unapproved']]);
  });
});
