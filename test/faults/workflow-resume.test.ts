// kill -9 of the process running a durable workflow, mid-way (seed 003): the durable-pipeline
// template's order_report (extract -> enrich -> report) started by `switchboard run --only
// extract,report --workflow …` (built CLI) on a JetStream nats-server of the test's own; enrich is a
// stand-in in this process that holds its first request. Once enrich is asked, the runner is killed
// with SIGKILL; `switchboard run --only extract,report` started again reads the AI_WORKFLOWS stream,
// resumes at enrich and finishes. Requests counted on the bus: extract and report once each, enrich
// twice (the interrupted attempt and the resumed one). The second run's trace holds the resume and
// the stream's records of both runs' steps.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agents/runtime/agent.js';
import { TraceRecordSchema, type TraceRecord } from '../../agents/trace/record.js';
import { startRun, type RunProcess } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const PIPELINE = path.resolve('templates/durable-pipeline.yaml');
const INPUT = 'order 1042 for Ada';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 60_000);

describe('a durable workflow whose runner is killed with kill -9 mid-way', () => {
  it('resumes at the first unfinished step when the run is started again, and finishes without asking a finished step again', async () => {
    const tmp = await makeTempDir('workflow-resume');
    cleanups.push(() => removeTempDir(tmp));
    const nats: TestServer = await startTestServer({ jetstream: true, nkey: false });
    cleanups.push(() => nats.stop());

    // Every request on the bus, per agent.
    const tap: NatsConnection = await connect({ ...nats.connection, name: 'workflow_resume_tap' });
    cleanups.push(() => tap.close());
    const asked = new Map<string, number>();
    tap.subscribe('agents.request.*', { callback: (_, msg) => void asked.set(msg.subject.split('.')[2]!, (asked.get(msg.subject.split('.')[2]!) ?? 0) + 1) });
    await tap.flush();

    // enrich: the middle step, slow the first time (its answer comes after its requester is gone).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    cleanups.push(() => release());
    let calls = 0;
    const enrich = new Agent({
      name: 'enrich',
      connection: nats.connection,
      heartbeatMs: 0,
      handler: async (message) => {
        if (++calls === 1) await held;
        return `${message.content}; customer tier: gold (call ${calls})`;
      },
    });
    await enrich.start();
    cleanups.push(() => enrich.stop());

    const first: RunProcess = await startRun([PIPELINE, '--nats', nats.url, '--only', 'extract,report', '--workflow', 'order_report', '--input', INPUT], { ready: /workflow order_report (\S+) requested/ });
    cleanups.push(() => first.stop());
    const id = /workflow order_report (\S+) requested/.exec(first.output())![1]!;
    await until(() => asked.get('enrich') === 1, 'enrich asked by the first run', 20_000);
    expect(asked.get('extract')).toBe(1);

    const exited = new Promise<NodeJS.Signals | null>((resolve) => first.child.once('exit', (_, signal) => resolve(signal)));
    first.child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    release(); // the interrupted attempt's answer goes to an inbox nobody reads any more

    const trace = path.join(tmp, 'resumed.ndjson');
    const finished = new RegExp(`workflow order_report ${id} finished: (.*)`);
    const second: RunProcess = await startRun([PIPELINE, '--nats', nats.url, '--only', 'extract,report', '--trace', trace]);
    cleanups.push(() => second.stop());
    await until(() => finished.test(second.output()), 'the resumed workflow to finish', 30_000);
    expect(second.output()).toMatch(new RegExp(`↻ workflow order_report ${id} resumed at enrich \\(attempt 2, interrupted before\\); 1 step\\(s\\) already done: extract`));
    expect(finished.exec(second.output())![1]).toContain(`Report: facts: ${INPUT}; customer tier: gold (call 2)`);
    expect(await second.stop()).toBe(0);

    // Asked on the bus: each finished step once, the interrupted one again.
    expect(Object.fromEntries(asked)).toEqual({ extract: 1, enrich: 2, report: 1 });

    // The second run's trace: the resume, its steps, and the stream's records on the bus.
    const records: TraceRecord[] = readFileSync(trace, 'utf8').trim().split('\n').slice(1).map((line) => TraceRecordSchema.parse(JSON.parse(line)));
    const events = records.filter((r) => r.kind === 'event' && r.name.startsWith('workflow.')).map((r) => (r.kind === 'event' ? r.name : ''));
    expect(events).toEqual(['workflow.resumed', 'workflow.stepStarted', 'workflow.stepFinished', 'workflow.stepStarted', 'workflow.stepFinished', 'workflow.finished']);
    const resumed = records.find((r) => r.kind === 'event' && r.name === 'workflow.resumed');
    expect(resumed?.kind === 'event' && resumed.name === 'workflow.resumed' && resumed.payload).toEqual({ agent: 'switchboard-workflows', workflow: 'order_report', workflowId: id, step: 'enrich', attempt: 2, done: ['extract'], interrupted: true });
    // The stream's records of this instance as the trace holds them (published, and read back by the engine):
    // the first run's too, so the crash shows as enrich's attempt 1 started and never ended.
    const onBus = new Set(
      records.flatMap((r) => {
        if (r.kind !== 'message' || !r.subject.startsWith(`ai.workflows.order_report.${id}`)) return [];
        const { step, status, attempt } = JSON.parse(r.payload) as { step: string | null; status: string; attempt: number };
        return [`${step ?? '-'} ${status} ${attempt}`];
      }),
    );
    expect([...onBus].sort()).toEqual(['- finished 0', '- requested 0', 'enrich completed 2', 'enrich started 1', 'enrich started 2', 'extract completed 1', 'extract started 1', 'report completed 1', 'report started 1']);
  }, 120_000);
});
