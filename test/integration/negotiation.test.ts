// Seed 002's A2A negotiation on a real nats-server, from the seed-002-negotiation template
// (scripted, offline): three analysts answer the planner's proposal on
// agents.dev.a2a.negotiate.{agent} in seed 002's envelope; the trace recorder keeps the bus
// messages and the negotiation.* events, which all correlate by the negotiation id.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { Seed002MessageSchema, type Seed002Message } from '../../agents/protocol/seed-002.js';
import type { Topology } from '../../agents/topology/schema.js';
import { correlate } from '../../agents/trace/correlate.js';
import type { MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import type { TraceStore } from '../../main/host/trace/index.js';
import type { TraceRecorder } from '../../main/host/trace/recorder.js';
import { useRecordedBus } from '../helpers/recorded-bus.js';
import { storedRecords } from '../helpers/stored-records.js';
import { eventsNamed, runTemplate, type TemplateRun } from '../helpers/template-network.js';
import { until } from '../helpers/until.js';

const bus = useRecordedBus('negotiation');

/** The template's network (some agents with `only`, a shorter deadline with `timeoutMs`), recorded by a trace recorder. */
async function start(options: { only?: string[]; timeoutMs?: number; change?: (t: Topology) => void } = {}): Promise<{ run: TemplateRun; store: TraceStore; recorder: TraceRecorder }> {
  const { store, recorder } = await bus.record();
  const run = await runTemplate(bus.nats.connection, 'seed-002-negotiation', {
    ...(options.only && { only: options.only }),
    change: (t) => {
      if (options.timeoutMs !== undefined) t.spec.agents[0]!.pattern!.negotiate!.timeoutMs = options.timeoutMs;
      options.change?.(t);
    },
  });
  recorder.attach(run.network.events);
  bus.cleanups.push(() => run.stop());
  return { run, store, recorder };
}

async function client(name: string): Promise<NatsConnection> {
  const nc = await connect({ ...bus.nats.connection, name });
  bus.cleanups.push(() => nc.close());
  return nc;
}

/** A raw seed-002 answer written from the guide alone (no Switchboard code). */
const guideAnswer = (proposal: Seed002Message, content: unknown) =>
  JSON.stringify({
    id: `answer-${proposal.id}`,
    timestamp: Date.now() / 1000,
    version: '1.0',
    type: 'result',
    source: { id: 'gpu_analyst', type: 'agent' },
    target: proposal.source.id,
    correlationId: proposal.id,
    payload: { content },
  });

type Outcome = { id: string; state: string; reason: string | null; selected: string[]; responses: Record<string, Record<string, unknown>> };

describe('negotiation among three agents', () => {
  it('finalizes with one declining: every response recorded, the reason kept, the best terms selected', async () => {
    const { run, store, recorder } = await start();
    const reply = await run.user.request('planner', 'Analyze 10GB of sales data by Friday', { timeoutMs: 10_000 });
    const outcome = reply.metadata['negotiation'] as Outcome;
    expect(outcome).toMatchObject({
      state: 'finalized',
      reason: null,
      selected: ['fast_analyst'],
      responses: {
        fast_analyst: { status: 'accepted', terms: { cost: 60, accuracy: 0.96, estimated_minutes: 5 } },
        careful_analyst: { status: 'accepted', terms: { cost: 90, accuracy: 0.99, estimated_minutes: 30 } },
        gpu_analyst: { status: 'declined', reason: 'Insufficient budget (cost 150 is above max_cost 100)' },
      },
    });
    expect(reply.content.split('\n')).toEqual([
      `Negotiation ${outcome.id} (task_assignment, best-terms) finalized: fast_analyst selected.`,
      '- fast_analyst: accepted {"cost":60,"accuracy":0.96,"estimated_minutes":5}',
      '- careful_analyst: accepted {"cost":90,"accuracy":0.99,"estimated_minutes":30}',
      '- gpu_analyst: declined (Insufficient budget (cost 150 is above max_cost 100))',
    ]);
    const [proposed] = eventsNamed(run, 'negotiation.proposed');
    expect(proposed).toMatchObject({ agent: 'planner', negotiationId: outcome.id, with: ['fast_analyst', 'careful_analyst', 'gpu_analyst'], decision: 'best-terms', constraints: { max_cost: 100, required_accuracy: 0.95 } });
    expect(proposed!.proposal).toEqual({ data_size: '10GB', task: 'Analyze 10GB of sales data by Friday' });
    expect(eventsNamed(run, 'negotiation.answered').map((e) => `${e.from}:${e.accept}:${e.late}`).sort()).toEqual(['careful_analyst:true:false', 'fast_analyst:true:false', 'gpu_analyst:false:false']);
    expect(eventsNamed(run, 'negotiation.finished')).toEqual([expect.objectContaining({ negotiationId: outcome.id, state: 'finalized', selected: ['fast_analyst'] })]);

    // The trace: three proposals and three answers in seed 002's envelope, each answer on its
    // proposal's own reply subject with correlationId = the proposal's id; one query by the
    // negotiation id finds the messages and the events.
    await until(() => recorder.recorded > 0 && eventsNamed(run, 'negotiation.finished').length === 1, 'the negotiation recorded');
    await recorder.stop();
    const records = await storedRecords(store);
    const proposals = records.filter((r): r is MessageRecord => r.kind === 'message' && r.subject.startsWith('agents.dev.a2a.negotiate.'));
    expect(proposals.map((r) => r.subject).sort()).toEqual(['agents.dev.a2a.negotiate.careful_analyst', 'agents.dev.a2a.negotiate.fast_analyst', 'agents.dev.a2a.negotiate.gpu_analyst']);
    for (const proposal of proposals) {
      const envelope = Seed002MessageSchema.parse(JSON.parse(proposal.payload));
      expect(envelope).toMatchObject({ type: 'query', source: { id: 'planner' }, context: { conversationId: outcome.id }, replyTo: proposal.reply });
      expect(proposal.parsed).toMatchObject({ ok: true, message: { message_type: 'request', from_agent: 'planner' } });
      // Read in the trace (and a sequence diagram) by its text, not its JSON.
      expect((proposal.parsed as { message: { content: string } }).message.content).toBe(
        `negotiation ${outcome.id} (task_assignment): data_size=10GB, task=Analyze 10GB of sales data by Friday; constraints max_cost=100, required_accuracy=0.95`,
      );
    }
    const pairs = correlate(records).pairs.filter((p) => p.request.subject.includes('.a2a.negotiate.'));
    expect(pairs.map((p) => `${p.to}:${p.status}`).sort()).toEqual(['careful_analyst:answered', 'fast_analyst:answered', 'gpu_analyst:answered']);
    const answerText = (to: string) => (records.find((r) => r.seq === pairs.find((p) => p.to === to)!.reply!.seq) as MessageRecord).parsed;
    expect(answerText('gpu_analyst')).toMatchObject({ ok: true, message: { message_type: 'response', content: `declines ${outcome.id}: Insufficient budget (cost 150 is above max_cost 100)` } });
    expect(answerText('fast_analyst')).toMatchObject({ ok: true, message: { content: `accepts ${outcome.id}: cost=60, accuracy=0.96, estimated_minutes=5` } });
    const found = (await store.query({ correlation: outcome.id, limit: 1000 })).records;
    const label = (r: TraceRecord) => (r.kind === 'event' ? r.name : r.subject.startsWith('agents.') ? 'proposal' : 'answer');
    expect(found.map(label).sort()).toEqual(['answer', 'answer', 'answer', 'negotiation.answered', 'negotiation.answered', 'negotiation.answered', 'negotiation.finished', 'negotiation.proposed', 'proposal', 'proposal', 'proposal']);
  });

  it('fails when nobody answers, with the reason, by the deadline', async () => {
    const { run } = await start({ only: ['planner'], timeoutMs: 500 });
    const started = Date.now();
    const reply = await run.user.request('planner', 'Analyze the logs', { timeoutMs: 10_000 });
    const elapsed = Date.now() - started;
    console.log(`negotiation nobody answers: reply after ${elapsed} ms (deadline 500 ms)`);
    expect(elapsed).toBeGreaterThanOrEqual(500); // it waited for the deadline, not less
    const outcome = reply.metadata['negotiation'] as Outcome;
    expect(outcome).toMatchObject({ state: 'failed', selected: [], responses: { fast_analyst: { status: 'timed-out' }, careful_analyst: { status: 'timed-out' }, gpu_analyst: { status: 'timed-out' } } });
    expect(outcome.reason).toBe('nobody answered before the deadline (500 ms): fast_analyst, careful_analyst, gpu_analyst timed out');
    expect(reply.content).toContain('failed: nobody answered before the deadline (500 ms)');
    expect(eventsNamed(run, 'negotiation.answered')).toEqual([]);
  });

  it('records an answer after the deadline as late, and the outcome stays as decided', async () => {
    const { run, store, recorder } = await start({ only: ['planner', 'fast_analyst', 'careful_analyst'], timeoutMs: 800 });
    // gpu_analyst is a raw client speaking only the guide's envelope, answering once the negotiation has closed.
    const nc = await client('raw-gpu-analyst');
    nc.subscribe('agents.dev.a2a.negotiate.gpu_analyst', {
      callback: (_error, msg) => {
        const proposal = Seed002MessageSchema.parse(JSON.parse(msg.string()));
        // 200 ms past the close: the deadline counts from the negotiation's start, the trace's timeout
        // from when this proposal was published (a little later), and the answer must be late by both.
        void until(() => eventsNamed(run, 'negotiation.finished').length > 0, 'the close')
          .then(() => new Promise((resolve) => setTimeout(resolve, 200)))
          .then(() => nc.publish(proposal.replyTo!, guideAnswer(proposal, { negotiation: { id: (proposal.payload.content as { negotiation: { id: string } }).negotiation.id }, accept: true, terms: { cost: 1 } })));
      },
    });
    await nc.flush();
    const reply = await run.user.request('planner', 'Analyze 10GB', { timeoutMs: 10_000 });
    const outcome = reply.metadata['negotiation'] as Outcome;
    expect(outcome).toMatchObject({ state: 'finalized', selected: ['fast_analyst'], responses: { gpu_analyst: { status: 'timed-out' } } });
    await until(() => eventsNamed(run, 'negotiation.answered').some((e) => e.late), 'the late answer');
    const late = eventsNamed(run, 'negotiation.answered').filter((e) => e.late);
    expect(late).toEqual([expect.objectContaining({ negotiationId: outcome.id, from: 'gpu_analyst', accept: true, terms: { cost: 1 }, late: true })]);
    expect(late[0]!.afterMs).toBeGreaterThan(800);
    expect(eventsNamed(run, 'negotiation.finished')).toHaveLength(1); // the late answer did not reopen it
    await recorder.stop();
    const gpu = correlate(await storedRecords(store)).pairs.find((p) => p.request.subject === 'agents.dev.a2a.negotiate.gpu_analyst')!;
    expect(gpu.status).toBe('timed_out');
    expect(gpu.lateReply).not.toBeNull();
  });

  it('records an invalid answer as message.invalid and skips it: the agent counts as timed out', async () => {
    const { run } = await start({ only: ['planner', 'fast_analyst'], timeoutMs: 600 });
    const nc = await client('raw-bad-analyst');
    for (const target of ['careful_analyst', 'gpu_analyst']) {
      nc.subscribe(`agents.dev.a2a.negotiate.${target}`, {
        callback: (_error, msg) => {
          const proposal = Seed002MessageSchema.parse(JSON.parse(msg.string()));
          nc.publish(proposal.replyTo!, target === 'gpu_analyst' ? guideAnswer(proposal, { accept: 'maybe' }) : 'not json');
        },
      });
    }
    await nc.flush();
    const reply = await run.user.request('planner', 'Analyze 10GB', { timeoutMs: 10_000 });
    expect((reply.metadata['negotiation'] as Outcome).responses).toMatchObject({ fast_analyst: { status: 'accepted' }, careful_analyst: { status: 'timed-out' }, gpu_analyst: { status: 'timed-out' } });
    const invalid = eventsNamed(run, 'message.invalid').filter((e) => e.agent === 'planner');
    expect(invalid.map((e) => e.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/^not JSON/), expect.stringMatching(/gpu_analyst's answer is not \{accept: true, terms\} or \{accept: false, reason\}/)]));
  });

  it('is started by the model through the built-in negotiate tool (an LLM-driven proposer), which reasons on the outcome', async () => {
    const { run } = await start({
      change: (t) => {
        const planner = t.spec.agents[0]!;
        delete planner.pattern;
        planner.tools = ['negotiate'];
        planner.script = {
          rules: [
            { after_tool: 'negotiate', reply: 'Planner: {{tool_result}}' },
            {
              contains: 'analy',
              tool_calls: [{ name: 'negotiate', arguments: { with: ['careful_analyst', 'gpu_analyst'], proposal: { task: '{{input}}' }, constraints: { max_cost: 100 }, decision: 'any-accept', timeout_ms: 2000 } }],
            },
          ],
        };
      },
    });
    const reply = await run.user.request('planner', 'Analyze 10GB', { timeoutMs: 10_000 });
    const [finished] = eventsNamed(run, 'negotiation.finished');
    expect(finished).toMatchObject({ agent: 'planner', state: 'finalized', selected: ['careful_analyst'], responses: { gpu_analyst: { status: 'declined' } } });
    expect(reply.content.split('\n')).toEqual([
      `Planner: Negotiation ${finished!.negotiationId} (task_assignment, any-accept) finalized: careful_analyst selected.`,
      '- careful_analyst: accepted {"cost":90,"accuracy":0.99,"estimated_minutes":30}',
      '- gpu_analyst: declined (Insufficient budget (cost 150 is above max_cost 100))',
    ]);
    expect(eventsNamed(run, 'tool.result').map((r) => `${r.agent}:${r.tool}:${r.isError}`)).toEqual(['planner:negotiate:false']);
  });
});
