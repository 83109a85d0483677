// Seed 004's evaluation layer on a real nats-server with the scripted provider, from the
// coordinator template: an evaluator agent failing the first synthesis makes the coordinator revise
// exactly once and the user gets the revision, both verdicts in the trace with the run; a rule-set
// evaluator; an evaluator that never answers (bounded by its timeout; the reply says so); a budget
// that leaves no room for a revision.
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { renderSubject } from '../../agents/protocol/subjects.js';
import type { Topology } from '../../agents/topology/schema.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { eventsNamed, runTemplate, type TemplateRun } from '../helpers/template-network.js';

const EXAMPLE = 'Find me a winter jacket and check order 1234';
const REVISED = 'Revised: the Alpine Parka (149 EUR) fits winter best, and order 1234 arrives Thursday.';

let nats: TestServer;
const runs: TemplateRun[] = [];
beforeAll(async () => {
  nats = await startTestServer();
});
afterAll(async () => {
  await nats.stop();
});
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop()));
});

/** The coordinator template with `pattern` on its coordinator, a revision rule in its script, and a reviewer agent. */
function withEvaluator(pattern: NonNullable<Topology['spec']['agents'][number]['pattern']>, reviewer?: Topology['spec']['agents'][number]['script']) {
  return (t: Topology) => {
    const coordinator = t.spec.agents.find((a) => a.name === 'coordinator')!;
    coordinator.pattern = { ...coordinator.pattern, ...pattern };
    coordinator.script!.rules.unshift({ contains: 'did not approve your reply', reply: REVISED });
    if (!reviewer) return;
    t.spec.agents.push({ ...structuredClone(t.spec.agents.find((a) => a.name === 'order_agent')!), name: 'reviewer', role: 'specialist', capabilities: ['review'], tools: [], script: reviewer });
  };
}

/** The reviewer passes only a revised reply (JSON verdict), and fails anything else the lenient way. */
const picky = { rules: [{ matches: 'Reply:\\s*Revised', reply: '{"verdict": "pass", "feedback": "Clear and complete."}' }], fallback: 'FAIL: Recommend one jacket and say when the order arrives.' };

const start = async (change: (t: Topology) => void) => {
  const run = await runTemplate(nats.connection, 'coordinator', { change });
  runs.push(run);
  return run;
};

const verdicts = (run: TemplateRun) => eventsNamed(run, 'evaluation.judged').map(({ round, evaluator, verdict, next }) => ({ round, evaluator, verdict, next }));
const coordinatorCalls = (run: TemplateRun) => eventsNamed(run, 'llm.call').filter((c) => c.agent === 'coordinator').length;

describe('evaluation layer', () => {
  it('the coordinator template judges its synthesis by its own rules: the example passes and goes out unchanged', async () => {
    const run = await start(() => undefined);
    const reply = await run.user.request('coordinator', EXAMPLE, { timeoutMs: 20_000 });
    expect(reply.content).toMatch(/^Here is what your specialists found:\n1\. \[product\.search → product_agent\] 3 matches/);
    expect(reply.content).not.toContain('unapproved');
    expect(eventsNamed(run, 'evaluation.judged')).toMatchObject([{ agent: 'coordinator', round: 1, evaluator: 'rules', verdict: 'pass', feedback: 'all 2 rules pass', next: 'send', reason: null }]);
  });

  it('an evaluator agent fails the first synthesis: the coordinator revises once, the user gets the revision, both verdicts are in the trace with the run', async () => {
    const run = await start(withEvaluator({ evaluator: { agent: 'reviewer', timeoutMs: 5000 } }, picky));
    const tmp = await makeTempDir('evaluation');
    try {
      const store = await new TraceLibrary(path.join(tmp, 'traces')).create({});
      const recorder = new TraceRecorder(store, {});
      await recorder.tap(nats.connection);
      const detach = recorder.attach(run.network.events);
      let reply;
      try {
        reply = await run.user.request('coordinator', EXAMPLE, { timeoutMs: 20_000 });
      } finally {
        detach();
        await recorder.stop();
      }
      expect(reply.content).toBe(REVISED);
      expect(verdicts(run)).toEqual([
        { round: 1, evaluator: 'reviewer', verdict: 'fail', next: 'revise' },
        { round: 2, evaluator: 'reviewer', verdict: 'pass', next: 'send' },
      ]);
      const [first, second] = eventsNamed(run, 'evaluation.judged');
      expect(first).toMatchObject({ feedback: 'Recommend one jacket and say when the order arrives.', reason: null });
      expect(second).toMatchObject({ feedback: 'Clear and complete.', reason: null });
      // delegate, synthesis, one revision: exactly one more model turn.
      expect(coordinatorCalls(run)).toBe(3);
      const revision = eventsNamed(run, 'llm.call').filter((c) => c.agent === 'coordinator')[2]!;
      expect(revision.request.messages.at(-1)!.content).toContain('Recommend one jacket and say when the order arrives.');
      const completed = eventsNamed(run, 'run.completed').find((e) => e.agent === 'coordinator')!;
      expect(completed).toMatchObject({ status: 'completed', reply: REVISED, runId: first!.runId });

      // In the trace: found by the run's id, the verdicts and the two requests to the reviewer.
      const page = await store.query({ correlation: first!.runId, limit: 1000 });
      const judged = page.records.flatMap((r) => (r.kind === 'event' && r.name === 'evaluation.judged' ? [r.payload] : []));
      expect(judged.map((j) => [j.round, j.verdict, j.next])).toEqual([
        [1, 'fail', 'revise'],
        [2, 'pass', 'send'],
      ]);
      const asked = page.records.flatMap((r) => (r.kind === 'message' && r.parsed.ok && r.parsed.message.to_agent === 'reviewer' ? [r.parsed.message.content] : []));
      expect(asked).toHaveLength(2);
      expect(asked[0]).toContain(`Request:\n${EXAMPLE}`);
      expect(asked[1]).toContain(`Reply:\n${REVISED}`);
      await store.close();
    } finally {
      await removeTempDir(tmp);
    }
  });

  it('a streamed request gets the approved reply only: the rejected synthesis is never streamed', async () => {
    const run = await start(withEvaluator({ evaluator: { agent: 'reviewer', timeoutMs: 5000 } }, picky));
    const frames: AgentMessage[] = [];
    const reply = await run.user.request('coordinator', EXAMPLE, { timeoutMs: 20_000, stream: (frame) => frames.push(frame) });
    expect(reply.content).toBe(REVISED);
    expect(frames.map((f) => f.message_type)).toEqual(['stream.begin', 'stream.chunk', 'stream.end']);
    expect(frames[1]!.content).toBe(REVISED);
    expect(verdicts(run).map((v) => v.verdict)).toEqual(['fail', 'pass']);
  });

  it('a rule set judges the synthesis, naming each failing rule; the revision passes', async () => {
    const run = await start(withEvaluator({ evaluator: { rules: [{ mustContain: 'order 1234' }, { mustNotContain: 'City Puffer', feedback: 'Leave out the City Puffer.' }, { maxLength: 2000 }] } }));
    const reply = await run.user.request('coordinator', EXAMPLE, { timeoutMs: 20_000 });
    expect(verdicts(run)).toEqual([
      { round: 1, evaluator: 'rules', verdict: 'fail', next: 'revise' },
      { round: 2, evaluator: 'rules', verdict: 'pass', next: 'send' },
    ]);
    expect(eventsNamed(run, 'evaluation.judged').map((e) => e.feedback)).toEqual(['rule 2 (mustNotContain "City Puffer"): Leave out the City Puffer.', 'all 3 rules pass']);
    expect(reply.content).toBe(REVISED);
  });

  it('revisions used up: a revision that still fails goes out marked unapproved, saying why', async () => {
    const run = await start(withEvaluator({ evaluator: { rules: [{ mustContain: 'Storm Shell is the one' }] }, maxRevisions: 1 }));
    const reply = await run.user.request('coordinator', EXAMPLE, { timeoutMs: 20_000 });
    expect(verdicts(run)).toEqual([
      { round: 1, evaluator: 'rules', verdict: 'fail', next: 'revise' },
      { round: 2, evaluator: 'rules', verdict: 'fail', next: 'send_unapproved' },
    ]);
    expect(coordinatorCalls(run)).toBe(3);
    expect(reply.content).toBe(
      `${REVISED}\n\n[Sent unapproved by the evaluator (rules): failed (rule 1 (mustContain "Storm Shell is the one"): the reply does not contain "Storm Shell is the one"); not revised: 1 revision allowed, all used]`,
    );
  });

  it('an evaluator agent that never answers: bounded by its timeout, the reply goes out and says it is unapproved', async () => {
    const run = await start(withEvaluator({ evaluator: { agent: 'silent_reviewer', timeoutMs: 800 } }));
    // Something takes the evaluator's requests and never answers them (a name no earlier test's registry entry left offline).
    const nc = await connect({ ...nats.connection, name: 'silent-reviewer' });
    const taken: string[] = [];
    nc.subscribe(renderSubject(run.user.profile.request, { agent: 'silent_reviewer' }), { callback: (_e, msg) => void taken.push(msg.string()) });
    await nc.flush();
    try {
      const reply = await run.user.request('coordinator', EXAMPLE, { timeoutMs: 20_000 });
      expect(taken).toHaveLength(1);
      expect(reply.metadata['status']).toBe('completed');
      expect(reply.content).toMatch(/^Here is what your specialists found:\n1\. /);
      expect(reply.content).toMatch(/\n\n\[Sent unapproved by the evaluator \(silent_reviewer\): no verdict: silent_reviewer did not answer on \S+ within 800 ms\.\]$/);
      expect(verdicts(run)).toEqual([{ round: 1, evaluator: 'silent_reviewer', verdict: 'error', next: 'send_unapproved' }]);
      expect(coordinatorCalls(run)).toBe(2);
    } finally {
      await nc.close();
    }
  });

  it('a budget with no room for a revision stops revising: the failed synthesis goes out marked unapproved, saying why', async () => {
    const run = await start((t) => {
      withEvaluator({ evaluator: { rules: [{ mustContain: 'Storm Shell is the one' }] }, maxRevisions: 3 })(t);
      t.spec.agents.find((a) => a.name === 'coordinator')!.budget = { maxTurns: 3 };
    });
    const reply = await run.user.request('coordinator', EXAMPLE, { timeoutMs: 20_000 });
    // Turn 1 delegates, turn 2 synthesizes, turn 3 is the one revision the budget allows; a second would be turn 4.
    expect(verdicts(run)).toEqual([
      { round: 1, evaluator: 'rules', verdict: 'fail', next: 'revise' },
      { round: 2, evaluator: 'rules', verdict: 'fail', next: 'send_unapproved' },
    ]);
    expect(coordinatorCalls(run)).toBe(3);
    expect(eventsNamed(run, 'budget.exceeded')).toEqual([]);
    expect(reply.metadata['status']).toBe('completed');
    expect(reply.content).toBe(
      `${REVISED}\n\n[Sent unapproved by the evaluator (rules): failed (rule 1 (mustContain "Storm Shell is the one"): the reply does not contain "Storm Shell is the one"); not revised: a revision would be turn 4, over the budget's maxTurns of 3]`,
    );
  });
});
