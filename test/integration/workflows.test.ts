// Durable workflows through the one run session on a real nats-server with JetStream: the
// template's workflow runs to its result, its records are in the AI_WORKFLOWS stream and a record
// written again is stored once; a run stopped mid-step is resumed by the next at that step without
// asking a finished one again; a step that keeps failing is retried maxAttempts times, then the
// workflow fails with the reason; a run restarted after a finish redoes nothing; of two runs that
// both execute a workflow, one runs each instance (the attempt's message id is its claim).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeEventName, RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { WORKFLOW_STREAM, workflowRecordMsgId, workflowSubject, type WorkflowRecord } from '../../agents/protocol/workflow-record.js';
import { Agent } from '../../agents/runtime/agent.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession, type RunSessionOptions } from '../../main/host/run-session.js';
import { toConnectionOptions } from '../../main/host/nats/connect-options.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { until } from '../helpers/until.js';

let server: SessionServer;
let text: string;
let pipeline: Topology;
let bus: NatsConnection;
/** Requests seen on the bus, per agent (what "asked" means here). */
const asked = new Map<string, number>();
const warnings: string[] = [];

beforeAll(async () => {
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  text = await readFile(path.join(repoRoot, 'templates/durable-pipeline.yaml'), 'utf8');
  pipeline = loadTopology(text, 'durable-pipeline.yaml').topology!;
  bus = await connect({ ...toConnectionOptions(server.handle.connectSettings()), name: 'workflows_test_tap' });
  bus.subscribe('agents.request.*', { callback: (_, msg) => void asked.set(msg.subject.split('.')[2]!, (asked.get(msg.subject.split('.')[2]!) ?? 0) + 1) });
  await bus.flush();
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

/** Events of one session, in order, as `name step` strings and whole. */
function collect(): { names: string[]; all: { name: RuntimeEventName; payload: RuntimeEvents[RuntimeEventName] }[]; hook: RunSessionOptions['onNetwork'] } {
  const names: string[] = [];
  const all: { name: RuntimeEventName; payload: RuntimeEvents[RuntimeEventName] }[] = [];
  return {
    names,
    all,
    hook: (network) =>
      network.events.onAny((name, payload) => {
        if (!name.startsWith('workflow.')) return;
        all.push({ name, payload });
        const step = (payload as { step?: string }).step;
        names.push(step ? `${name} ${step}` : name);
      }),
  };
}

const options = (over: Partial<RunSessionOptions>): RunSessionOptions => ({
  server: server.handle,
  topology: pipeline,
  text,
  baseDir: repoRoot,
  senderName: 'workflows_test',
  warn: (t) => warnings.push(t),
  ...over,
});

/** A stand-in for an agent of the topology, in this process: `answer` decides each request. */
async function standIn(name: string, answer: (content: string, call: number) => Promise<string>): Promise<Agent> {
  let calls = 0;
  // Registered like the topology's agents: the session's sender refuses an agent the registry holds as gone.
  const agent = new Agent({ name, connection: toConnectionOptions(server.handle.connectSettings()), heartbeatMs: 0, handler: async (m) => answer(m.content, ++calls) });
  await agent.start();
  return agent;
}

const reset = () => asked.clear();

describe('durable workflows', () => {
  it('runs the template\'s workflow to its result; every state change is a record in the stream, and a record written again is stored once', async () => {
    reset();
    const events = collect();
    const session = await RunSession.start(options({ onNetwork: events.hook }));
    try {
      const { id, outcome } = await session.workflows!.request('order_report', 'order 1042 for Ada');
      const ended = await outcome;
      expect(ended).toMatchObject({ status: 'finished', result: 'Report: facts: order 1042 for Ada; customer tier: gold; region: EU (order as received: order 1042 for Ada)' });
      await until(() => events.names.includes('workflow.finished'), 'workflow.finished');
      expect(events.names).toEqual([
        'workflow.started',
        'workflow.stepStarted extract',
        'workflow.stepFinished extract',
        'workflow.stepStarted enrich',
        'workflow.stepFinished enrich',
        'workflow.stepStarted report',
        'workflow.stepFinished report',
        'workflow.finished',
      ]);
      expect(Object.fromEntries(asked)).toEqual({ extract: 1, enrich: 1, report: 1 });

      // requested + 3 × (started, completed) + finished, on the instance's subjects.
      const jsm = await jetstreamManager(bus);
      const before = (await jsm.streams.info(WORKFLOW_STREAM)).state;
      const mine = await jsm.streams.getMessage(WORKFLOW_STREAM, { last_by_subj: workflowSubject('order_report', id, 'enrich') });
      const completed = mine!.json<WorkflowRecord>();
      expect(completed).toMatchObject({ step: 'enrich', status: 'completed', attempt: 1, text: 'facts: order 1042 for Ada; customer tier: gold; region: EU' });
      const again = await jetstream(bus).publish(workflowSubject('order_report', id, 'enrich'), JSON.stringify(completed), { msgID: workflowRecordMsgId(completed) });
      expect(again.duplicate).toBe(true);
      expect((await jsm.streams.info(WORKFLOW_STREAM)).state.messages).toBe(before.messages);
    } finally {
      await session.stop();
    }

    // A run started after the finish reads the stream and redoes nothing.
    reset();
    const later = collect();
    const restarted = await RunSession.start(options({ onNetwork: later.hook }));
    await restarted.stop();
    expect(later.names).toEqual([]);
    expect(asked.size).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('a run stopped during a step is resumed by the next run at that step; the finished step is not asked again', async () => {
    reset();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const enrich = await standIn('enrich', async (content, call) => {
      if (call === 1) await held; // the first attempt never gets its answer through: its run is gone by then
      return `${content}; enriched (call ${call})`;
    });
    try {
      const first = collect();
      const a = await RunSession.start(options({ only: ['extract', 'report'], onNetwork: first.hook }));
      let id: string;
      try {
        id = (await a.workflows!.request('order_report', 'order 7')).id;
        await until(() => asked.get('enrich') === 1, 'the enrich step asked');
      } finally {
        await a.stop();
        release();
      }
      expect(first.names).toEqual(['workflow.started', 'workflow.stepStarted extract', 'workflow.stepFinished extract', 'workflow.stepStarted enrich']); // interrupted, not failed

      const second = collect();
      const b = await RunSession.start(options({ only: ['extract', 'report'], onNetwork: second.hook }));
      try {
        await until(() => second.names.includes('workflow.finished'), 'the resumed workflow to finish', 20_000);
      } finally {
        await b.stop();
      }
      expect(second.all[0]).toEqual({ name: 'workflow.resumed', payload: { agent: 'switchboard-workflows', workflow: 'order_report', workflowId: id, step: 'enrich', attempt: 2, done: ['extract'], interrupted: true } });
      expect(second.names.slice(1)).toEqual(['workflow.stepStarted enrich', 'workflow.stepFinished enrich', 'workflow.stepStarted report', 'workflow.stepFinished report', 'workflow.finished']);
      expect(Object.fromEntries(asked)).toEqual({ extract: 1, enrich: 2, report: 1 });
      const finished = second.all.at(-1)!.payload as RuntimeEvents['workflow.finished'];
      expect(finished.result).toBe('Report: facts: order 7; enriched (call 2) (order as received: order 7)');
    } finally {
      await enrich.stop();
    }
  });

  it('a step that keeps failing is tried maxAttempts times, then the workflow fails with the reason', async () => {
    reset();
    const flakyText = text.replace('maxAttempts: 3', 'maxAttempts: 2');
    const flaky = loadTopology(flakyText, 'flaky.yaml').topology!;
    const enrich = await standIn('enrich', async () => {
      throw new Error('inventory service down');
    });
    const events = collect();
    const session = await RunSession.start(options({ topology: flaky, text: flakyText, only: ['extract', 'report'], onNetwork: events.hook }));
    try {
      const { outcome } = await session.workflows!.request('order_report', 'order 9');
      const ended = await outcome;
      expect(ended.status).toBe('failed');
      expect(ended.reason).toBe('step enrich (enrich) failed 2 time(s): enrich failed: inventory service down');
      await until(() => events.names.includes('workflow.failed enrich'), 'workflow.failed');
      expect(events.names).toEqual([
        'workflow.started',
        'workflow.stepStarted extract',
        'workflow.stepFinished extract',
        'workflow.stepStarted enrich',
        'workflow.stepFinished enrich',
        'workflow.stepStarted enrich',
        'workflow.stepFinished enrich',
        'workflow.failed enrich',
      ]);
      expect(Object.fromEntries(asked)).toEqual({ extract: 1, enrich: 2 });
      const failedStep = events.all.find((e) => e.name === 'workflow.stepFinished' && (e.payload as RuntimeEvents['workflow.stepFinished']).status === 'failed')!;
      expect(failedStep.payload).toMatchObject({ agent: 'enrich', attempt: 1, error: 'enrich failed: inventory service down' });
    } finally {
      await session.stop();
      await enrich.stop();
    }
  });

  it('two runs that both execute the workflow: the first to record an attempt runs it, the other leaves it (each step asked once)', async () => {
    reset();
    const one = collect();
    const two = collect();
    const a = await RunSession.start(options({ onNetwork: one.hook }));
    const b = await RunSession.start(options({ onNetwork: two.hook, senderName: 'workflows_test_2' }));
    try {
      const { outcome } = await a.workflows!.request('order_report', 'order 11');
      expect((await outcome).status).toBe('finished');
      await until(() => [...one.names, ...two.names].includes('workflow.finished'), 'workflow.finished');
    } finally {
      await b.stop();
      await a.stop();
    }
    expect(Object.fromEntries(asked)).toEqual({ extract: 1, enrich: 1, report: 1 });
    const both = [...one.names, ...two.names];
    expect(both.filter((n) => n === 'workflow.started')).toHaveLength(1);
    expect(both.filter((n) => n.startsWith('workflow.stepStarted'))).toHaveLength(3);
  });

  it('switchboard run --workflow prints the result and exits 0; an unknown workflow is a usage error before anything starts', async () => {
    const template = path.join(repoRoot, 'templates/durable-pipeline.yaml');
    const done = await runCli(['run', template, '--workflow', 'order_report', '--input', 'order 5']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe('Report: facts: order 5; customer tier: gold; region: EU (order as received: order 5)');
    expect(done.stderr).toMatch(/workflow order_report wf-\S+ requested/);
    const unknown = await runCli(['run', template, '--workflow', 'nope', '--input', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--workflow: no workflow named nope in durable-pipeline (declared: order_report).');
    const alone = await runCli(['run', template, '--workflow', 'order_report']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--workflow needs --input (the workflow's input).");
  });

  it('refuses a request for a workflow the topology does not declare, with the ones it does', async () => {
    const session = await RunSession.start(options({ only: ['extract'] }));
    try {
      await expect(session.workflows!.request('nope', 'x')).rejects.toThrow('no workflow named "nope"; declared: order_report.');
    } finally {
      await session.stop();
    }
  });
});
