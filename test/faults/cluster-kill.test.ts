// kill -9 of each node of a 3-node JetStream cluster in turn (the registry bucket's stream leader
// first), under the seed-000 trio spread over three `switchboard run --only` processes, each given a
// different node's URL: after each kill the topology answers again (its agents reconnect to the
// nodes the cluster advertised), the registry and a blackboard stay readable and writable, a new
// agent (one more `switchboard run --only`) starts and answers, and a request caught in flight by the
// kill ends in a clear timeout that the trace marks as timed out after the requester's timeout.
// The node is restarted (and the registry's replicas current again) before the next kill.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Agent, AgentRequestError } from '../../agents/runtime/agent.js';
import { JetStreamBuckets } from '../../agents/runtime/jetstream-buckets.js';
import { DEFAULT_REGISTRY_BUCKET } from '../../agents/protocol/subjects.js';
import { correlate } from '../../agents/trace/correlate.js';
import { rowFacts } from '../../agents/trace/row-facts.js';
import { TraceRecordSchema, type MessageRecord, type TraceRecord } from '../../agents/trace/record.js';
import { startRun } from '../helpers/cli.js';
import { startTestCluster, type TestCluster, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { askUntilAnswered } from '../helpers/ask.js';
import { until } from '../helpers/until.js';

const TRIO = path.resolve('templates/seed-000-trio.yaml');
const QUESTION = "What's the weather in Paris?";
const ANSWER = 'Weather-Bot: It is';
/** Each request's own timeout after a kill: one caught by it ends after this (the trio answers in ms). */
const REQUEST_TIMEOUT_MS = 1000;
/** The in-flight request lost with the first node killed. */
const LOST_TIMEOUT_MS = 3000;
/** After a kill, the topology must answer again within this many attempts and this long. */
const ANSWER_ATTEMPTS = 15;
const ANSWER_WITHIN_MS = 40_000;
/** The whole test stops past this (the suite's budget is 150 s here). */
const BUDGET_MS = 140_000;

const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 60_000);

/** The node's `server_name`, from its monitoring endpoint. */
async function serverName(node: TestServer): Promise<string> {
  const varz = (await (await fetch(`${node.monitorUrl}/varz`)).json()) as { server_name: string };
  return varz.server_name;
}

/** Asks the trio until it answers; returns how long after `since` the first answer came, and the failures before it. */
async function firstAnswer(client: Agent, since: number): Promise<{ afterMs: number; failures: string[] }> {
  const failures: string[] = [];
  for (let attempt = 0; attempt < ANSWER_ATTEMPTS && performance.now() - since < ANSWER_WITHIN_MS; attempt++) {
    const asked = performance.now();
    try {
      const reply = await client.request('task_coordinator', QUESTION, { timeoutMs: REQUEST_TIMEOUT_MS });
      expect(reply.content).toContain(ANSWER);
      return { afterMs: performance.now() - since, failures };
    } catch (error) {
      // Each failure is a clear error, never a hang: it ends within a few times its timeout.
      expect(error).toBeInstanceOf(AgentRequestError);
      expect(performance.now() - asked).toBeLessThan(REQUEST_TIMEOUT_MS * 3);
      failures.push((error as Error).message);
      if ((error as AgentRequestError).code !== 'timeout') await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the topology did not answer within ${ANSWER_ATTEMPTS} attempts / ${ANSWER_WITHIN_MS} ms after the kill:\n${failures.join('\n')}`);
}

/** Waits (bounded) until the registry's stream has a leader and every replica is current again. */
async function replicasCurrent(nc: NatsConnection, withinMs = 30_000): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const until = performance.now() + withinMs;
  let last = '';
  while (performance.now() < until) {
    const info = await jsm.streams.info(`KV_${DEFAULT_REGISTRY_BUCKET}`).catch((error: unknown) => ((last = (error as Error).message), null));
    if (info) last = JSON.stringify(info.cluster);
    const replicas = info?.cluster?.replicas ?? [];
    if (info?.cluster?.leader && replicas.length === 2 && replicas.every((r) => r.current && !r.offline)) return info.cluster.leader;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the registry's replicas were not current again within ${withinMs} ms: ${last}`);
}

function readTrace(file: string): TraceRecord[] {
  const [, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return lines.map((line) => TraceRecordSchema.parse(JSON.parse(line)));
}

describe('kill -9 of each node of a 3-node JetStream cluster under a spread topology', () => {
  it('answers again after each kill, the registry and blackboards stay usable, new agents start, a lost request times out clearly', async () => {
    const began = performance.now();
    const tmp = await makeTempDir('clusterkill');
    cleanups.push(() => removeTempDir(tmp));
    const cluster: TestCluster = await startTestCluster(3, { jetstream: true, nkey: false });
    cleanups.push(() => cluster.stop());
    const [n0, n1, n2] = cluster.nodes as [TestServer, TestServer, TestServer];

    // The trio spread over the three nodes, one process each, each told only its own node's URL.
    const spread: [string, TestServer][] = [
      ['task_coordinator', n0],
      ['weather_bot', n1],
      ['general_assistant', n2],
    ];
    const traces = new Map<string, string>();
    const runs = await Promise.all(
      spread.map(async ([agent, node]) => {
        const trace = path.join(tmp, `${agent}.ndjson`);
        traces.set(agent, trace);
        const run = await startRun([TRIO, '--only', agent, '--nats', node.url, '--trace', trace]);
        cleanups.push(() => run.stop());
        return run;
      }),
    );
    console.log(`[faults] cluster-kill: 3 nodes and 3 spread run processes ready in ${(performance.now() - began).toFixed(0)} ms`);

    // The test's client knows every node, as a user's would.
    const client = new Agent({ name: 'fault_client', connection: cluster.connection, registryBucket: null, heartbeatMs: 0 });
    await client.start();
    cleanups.push(() => client.stop(0));
    expect((await client.request('task_coordinator', QUESTION, { timeoutMs: 20_000 })).content).toContain(ANSWER);

    const nc = client.connection;
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(`KV_${DEFAULT_REGISTRY_BUCKET}`)).config.num_replicas).toBe(3);
    const buckets = new JetStreamBuckets();
    const board = await buckets.open(nc, 'fault_board', { history: 5 });
    await board.put('before', 'the kills');
    expect((await jsm.streams.info('KV_fault_board')).config.num_replicas).toBe(3);
    const registry = await buckets.open(nc, DEFAULT_REGISTRY_BUCKET, { history: 1 });

    // Kill order: the registry's stream leader first, then the other two.
    const names = await Promise.all(cluster.nodes.map(serverName));
    const leader = await replicasCurrent(nc);
    const leaderIndex = names.indexOf(leader);
    expect(leaderIndex).toBeGreaterThanOrEqual(0);
    const order = [leaderIndex, ...[0, 1, 2].filter((i) => i !== leaderIndex)];

    let lostRequest: { subject: string; error: AgentRequestError } | null = null;
    for (const [turn, index] of order.entries()) {
      if (performance.now() - began > BUDGET_MS) throw new Error(`out of time before killing node ${index}`);
      const node = cluster.nodes[index]!;
      const survivor = cluster.nodes[(index + 1) % 3]!;

      // The first kill catches a request in flight: its responder, an agent connected only to the node
      // that dies, holds its answer until the node is gone. Asked before, on a live node, it answers.
      let lost: Promise<unknown> | null = null;
      let slow: Agent | null = null;
      let answerNow = (): void => undefined;
      if (turn === 0) {
        let received = (): void => undefined;
        let held: Promise<void> = Promise.resolve();
        slow = new Agent({
          name: 'slow_agent',
          connection: { servers: [node.url], reconnect: false, ignoreClusterUpdates: true },
          registryBucket: null,
          heartbeatMs: 0,
          handler: async () => {
            received();
            await held;
            return 'still here';
          },
        });
        await slow.start();
        // Its subscription reaches the client's server over a route a moment after it starts (test/helpers/ask.ts).
        const control = (await askUntilAnswered(client, 'slow_agent', 'are you there?')).content;
        expect(control, 'the responder answers while its node lives').toBe('still here');
        held = new Promise<void>((resolve) => (answerNow = resolve));
        const got = new Promise<void>((resolve) => (received = resolve));
        lost = client.request('slow_agent', 'are you there?', { timeoutMs: LOST_TIMEOUT_MS }).then(
          () => null,
          (error: unknown) => error,
        );
        await got;
      }

      const killedAt = performance.now();
      await node.kill();
      answerNow(); // past the kill: its only server is gone, so the answer cannot leave
      const answering = firstAnswer(client, killedAt);
      if (lost) {
        const error = (await lost) as AgentRequestError;
        expect(error).toBeInstanceOf(AgentRequestError);
        expect(error.code).toBe('timeout');
        expect(error.message).toBe(`slow_agent did not answer on agents.request.slow_agent within ${LOST_TIMEOUT_MS} ms.`);
        lostRequest = { subject: 'agents.request.slow_agent', error };
        await slow?.stop(0).catch(() => undefined);
      }

      const { afterMs, failures } = await answering;
      // The process whose agents were on the killed node says the loss and the reconnect, once (not per agent).
      const onNode = runs[index]!;
      const lostLine = `nats: lost ${node.url}; reconnected to`;
      await until(() => onNode.output().includes(lostLine), `run on node ${index} to say it reconnected`, 20_000);
      const said = onNode.output().split('\n').filter((line) => line.includes(`nats: lost ${node.url};`));
      console.log(`[faults] cluster-kill: the run on node ${index} said:\n  ${said.join('\n  ')}`);
      expect(said).toHaveLength(2);
      console.log(`[faults] cluster-kill: node ${index}${turn === 0 ? ' (registry leader)' : ''} killed: first answer after ${afterMs.toFixed(0)} ms (${failures.length} request(s) failed before it)`);

      // The registry and a blackboard: readable and writable on the survivors.
      const rw = performance.now();
      await buckets.retry(() => board.put(`after-kill-${turn}`, `node ${index}`));
      expect((await buckets.retry(() => board.get(`after-kill-${turn}`)))?.string()).toBe(`node ${index}`);
      expect((await buckets.retry(() => board.get('before')))?.string()).toBe('the kills');
      expect(JSON.parse((await buckets.retry(() => registry.get('weather_bot.r1')))?.string() ?? '{}')).toMatchObject({ name: 'weather_bot' });
      const rwMs = performance.now() - rw;

      // A new agent starts on a survivor (its registry entry is written) and answers.
      const extra = await startRun([TRIO, '--only', 'general_assistant', '--nats', survivor.url, '--input', 'hello', '--to', 'general_assistant', '--timeout', '20']);
      const startedAfterMs = performance.now() - killedAt;
      const code = await extra.exit(30_000); // it stops by itself once answered
      expect(code, extra.output()).toBe(0);
      expect(extra.output()).toContain('General-Assistant: Hello!');
      console.log(
        `[faults] cluster-kill: node ${index} killed: registry + blackboard read/write took ${rwMs.toFixed(0)} ms; new agent started ${startedAfterMs.toFixed(0)} ms after the kill (${extra.readyAfterMs.toFixed(0)} ms from its launch)`,
      );

      // Every spread process is still running.
      for (const run of runs) expect(run.child.exitCode, run.output()).toBeNull();

      // Back to three nodes, the registry's replicas current again, before the next kill.
      const back = performance.now();
      await node.restart();
      await cluster.routed();
      await replicasCurrent(nc);
      console.log(`[faults] cluster-kill: node ${index} restarted and the registry's replicas current again in ${(performance.now() - back).toFixed(0)} ms`);
    }

    expect((await client.request('task_coordinator', QUESTION, { timeoutMs: 10_000 })).content).toContain(ANSWER);
    const stopped = performance.now();
    const codes = await Promise.all(runs.map((run) => run.stop()));
    expect(codes).toEqual([0, 0, 0]);
    console.log(`[faults] cluster-kill: the 3 spread processes stopped in ${(performance.now() - stopped).toFixed(0)} ms; whole test ${(performance.now() - began).toFixed(0)} ms`);

    // The request lost with the first node: a process on another node recorded it, and its trace
    // says it timed out after the requester's timeout.
    expect(lostRequest).not.toBeNull();
    const firstKilled = order[0]!;
    const witness = spread.find(([, node]) => node !== cluster.nodes[firstKilled])![0];
    const records = readTrace(traces.get(witness)!);
    // The last on its subject: the first was the control, answered.
    const asked = records.filter((r): r is MessageRecord => r.kind === 'message' && r.subject === lostRequest!.subject);
    expect(asked, `${witness}'s trace has the control and the lost request`).toHaveLength(2);
    expect(correlate(records).pairs.find((p) => p.request.seq === asked[0]!.seq)).toMatchObject({ status: 'answered' });
    const request = asked.at(-1);
    expect(request, `${witness}'s trace has the lost request`).toBeDefined();
    const pair = correlate(records).pairs.find((p) => p.request.seq === request!.seq);
    expect(pair).toMatchObject({ status: 'timed_out', timedOutBy: 'timeout', waitedMs: LOST_TIMEOUT_MS, reply: null });
    expect(rowFacts(request!, { waitedMs: records.at(-1)!.mono - request!.mono, ended: true })).toMatchObject({
      status: 'timed_out',
      error: `timed out after ${LOST_TIMEOUT_MS} ms: no reply on ${request!.reply}`,
    });
  }, 150_000);
});
