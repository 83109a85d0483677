/**
 * trace.getCycles on a real run: the trio in the host on its NATS server. The coordinator's OODA
 * runs, turns and phases point at the records trace.query reads back by seq; decisions count the
 * agent's llm.calls across its runs; a live run's answer grows with a second request; the past run
 * answers the same after the run stopped.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../agents/trace/record.js';
import { startHost, type Host } from '../../main/host/host.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = await makeTempDir('trace-cycles');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});
afterAll(async () => {
  await host.stop();
  await removeTempDir(dataDir);
});

describe('trace.getCycles', () => {
  it('lays out each agent’s OODA runs, turns and phases by seq, live and after the run', async () => {
    const h = host.handlers;
    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    const runId = (await h['run.start']({ text, fileName: 'seed-000-trio.yaml' })).runId!;
    await h['run.send']({ to: 'task_coordinator', input: "What's the weather in Paris?" });
    const read = async (seq: number): Promise<TraceRecord> => (await h['trace.query']({ runId, query: { after: seq - 1, limit: 1 } })).records[0]!;

    // The recorder writes a moment after the reply: wait until the coordinator's reply is recorded.
    const completedRuns = async (agent: string) => (await h['trace.getCycles']({ runId, agent })).agents[0]?.runs.filter((r) => r.status === 'completed' && r.turns.at(-1)!.sentSeqs.length > 0).length ?? 0;
    await until(async () => (await completedRuns('task_coordinator')) === 1, 'the coordinator’s run recorded');
    const all = await h['trace.getCycles']({ runId });
    expect(all.agents.map((a) => a.agent).sort()).toEqual(['task_coordinator', 'weather_bot']);
    const coordinator = (await h['trace.getCycles']({ runId, agent: 'task_coordinator' })).agents;
    expect(coordinator).toHaveLength(1);
    expect(coordinator[0]).toMatchObject({ runCount: 1, offset: 0, truncated: false });
    const run = coordinator[0]!.runs[0]!;
    expect(run).toMatchObject({ status: 'completed', content: "What's the weather in Paris?", subject: 'agents.request.task_coordinator' });
    expect(await read(run.receivedSeq!)).toMatchObject({ name: 'message.received', agent: 'task_coordinator', payload: { subject: 'agents.request.task_coordinator' } });
    expect(run.turns.map((t) => [t.turn, t.decision, t.phases.map((p) => p.phase)])).toEqual([
      [1, 1, ['observe', 'orient', 'decide', 'act']],
      [2, 2, ['observe', 'orient', 'decide', 'act']],
    ]);

    // Every seq names the record it says.
    const started = await read(run.startedSeq);
    expect(started).toMatchObject({ kind: 'event', name: 'run.started', agent: 'task_coordinator', payload: { runId: run.runId } });
    expect(run.from).toBe(started.kind === 'event' && started.name === 'run.started' ? started.payload.message.from_agent : 'not run.started');
    expect(await read(run.completedSeq!)).toMatchObject({ name: 'run.completed', payload: { runId: run.runId, status: 'completed', turns: 2 } });
    const [first, second] = run.turns;
    for (const phase of first!.phases) expect(await read(phase.seq)).toMatchObject({ name: 'ooda.phase', payload: { runId: run.runId, turn: 1, phase: phase.phase, durationMs: phase.durationMs } });
    expect(await read(first!.llmSeq!)).toMatchObject({ name: 'llm.call', agent: 'task_coordinator', payload: { runId: run.runId, turn: 1 } });
    // Turn 1 delegates to the weather bot (a tool call and the request it sends); turn 2 replies.
    expect(first!.toolSeqs.length).toBeGreaterThan(0);
    for (const seq of first!.toolSeqs) expect(await read(seq)).toMatchObject({ name: 'tool.result', payload: { runId: run.runId } });
    expect(first!.sentSeqs.length).toBeGreaterThan(0);
    expect(second!.sentSeqs).toHaveLength(1);
    const reply = await read(second!.sentSeqs[0]!);
    expect(reply).toMatchObject({ name: 'message.sent', agent: 'task_coordinator' });
    expect(reply.kind === 'event' && reply.name === 'message.sent' && reply.payload.message.content).toBe('Weather-Bot: It is 18°C and partly cloudy in Paris.');
    // The weather bot's run answers the coordinator's request.
    const weather = all.agents.find((a) => a.agent === 'weather_bot')!.runs[0]!;
    expect(weather.from).toBe('task_coordinator');
    expect(weather.turns[0]!.decision).toBe(1);

    // A second request while live: the coordinator's next decisions are its 3rd and 4th.
    await h['run.send']({ to: 'task_coordinator', input: "What's the weather in Paris?" });
    await until(async () => (await completedRuns('task_coordinator')) === 2, 'the second run recorded');
    const grown = (await h['trace.getCycles']({ runId, agent: 'task_coordinator' })).agents[0]!;
    expect(grown.runCount).toBe(2);
    expect(grown.runs[1]!.turns.map((t) => t.decision)).toEqual([3, 4]);
    const llmCalls = await h['trace.query']({ runId, query: { kind: 'event', type: 'llm.call', agent: 'task_coordinator', limit: 100 } });
    expect(grown.runs.flatMap((r) => r.turns.map((t) => t.llmSeq))).toEqual(llmCalls.records.map((r) => r.seq));
    // A page of one run says what it left out.
    expect((await h['trace.getCycles']({ runId, agent: 'task_coordinator', offset: 1, limit: 1 })).agents[0]).toMatchObject({ runCount: 2, offset: 1, truncated: true, runs: [{ runId: grown.runs[1]!.runId }] });

    const live = await h['trace.getCycles']({ runId });
    await h['run.stop'](undefined);
    const past = await h['trace.getCycles']({ runId });
    expect(past.agents).toEqual(live.agents);
    await expect(h['trace.getCycles']({ runId: 'no-such-run' })).rejects.toBeTruthy();
  });
});
