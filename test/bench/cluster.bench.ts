/**
 * Issue #14's benchmarks, on a 3-node cluster routed on 127.0.0.1. (1) Request/reply with the
 * requester and the responder on different nodes: an Agent asking an agent (AgentMessage envelope,
 * zod validation on both ends) against raw nats.js request/reply over the same route, in blocks
 * that alternate so both share the machine's noise. (2) The time from kill -9 of a node to the
 * first answered request on the survivors, with the responder's node killed and with the
 * requester's, a few times each (the node restarts between repetitions).
 */
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { Agent } from '../../agents/runtime/agent.js';
import { startTestCluster, type TestCluster, type TestServer } from '../helpers/nats-server.js';
import { median, quantile, report } from './stats.js';

const REQUESTS_PER_BLOCK = 1000;
const BLOCKS = 6;
const PAYLOAD = 'What is the weather in Paris? '.repeat(3);
/** Repetitions per kill variant; each is bounded by KILL_GIVE_UP_MS. */
const KILL_REPS = 3;
const KILL_GIVE_UP_MS = 20_000;
/** Each request's timeout while the cluster heals: a lost one is retried, not waited on. */
const HEAL_REQUEST_TIMEOUT_MS = 250;

/** Connection options that start on `node` (the others only after it fails). */
function on(cluster: TestCluster, node: TestServer): NodeConnectionOptions {
  const others = cluster.nodes.filter((n) => n !== node).map((n) => n.url);
  return { ...cluster.connection, servers: [node.url, ...others], noRandomize: true };
}

/** The node `nc` is connected to, by its server name. */
const nodeOf = (nc: NatsConnection) => nc.info?.server_name ?? '?';

/** Mean latency in µs of `n` sequential calls of `once`. */
async function block(n: number, once: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await once();
  return ((performance.now() - t) * 1000) / n;
}

async function crossNodeRequestReply(cluster: TestCluster): Promise<void> {
  const [n0, n1] = cluster.nodes as [TestServer, TestServer];
  const responder = await connect({ ...on(cluster, n0), name: 'bench-raw-responder' });
  const requester = await connect({ ...on(cluster, n1), name: 'bench-raw-requester' });
  responder.subscribe('bench.raw', { callback: (_e, msg) => void msg.respond(msg.data) });
  await responder.flush();
  const common = { heartbeatMs: 0, registryBucket: null } as const;
  const echo = new Agent({ ...common, connection: on(cluster, n0), name: 'bench_echo', handler: async (m) => m.content });
  const caller = new Agent({ ...common, connection: on(cluster, n1), name: 'bench_caller' });
  await echo.start();
  await caller.start();
  try {
    if (nodeOf(responder) === nodeOf(requester) || nodeOf(echo.connection) === nodeOf(caller.connection)) throw new Error('the requester and the responder share a node');
    // The responder's interest reaches the requester's node through the route: wait until it answers there.
    await requester.request('bench.raw', PAYLOAD, { timeout: 5000 });
    await caller.request('bench_echo', PAYLOAD, { timeoutMs: 5000 });
    const raw = () => requester.request('bench.raw', PAYLOAD, { timeout: 5000 });
    const agent = () => caller.request('bench_echo', PAYLOAD);
    await block(300, raw);
    await block(300, agent); // warm-up of both paths
    const rawBlocks: number[] = [];
    const agentBlocks: number[] = [];
    // Alternate which goes first: the second of a pair pays for the first's garbage.
    for (let i = 0; i < BLOCKS; i++) {
      const pair = i % 2 === 0 ? [raw, agent] : [agent, raw];
      for (const fn of pair) (fn === raw ? rawBlocks : agentBlocks).push(await block(REQUESTS_PER_BLOCK, fn));
    }
    const runs = BLOCKS * REQUESTS_PER_BLOCK;
    console.log(`  route: requester on ${nodeOf(caller.connection)}, responder on ${nodeOf(echo.connection)} (127.0.0.1)`);
    report({ name: 'cross-node agent request/reply (mean)', value: median(agentBlocks), unit: 'µs', runs, baseline: { name: 'raw nats.js, same route', value: median(rawBlocks) }, target: 'ratio <= 1.3' });
    report({ name: 'cross-node agent request/reply (slowest block)', value: Math.max(...agentBlocks), unit: 'µs', runs, baseline: { name: 'raw, slowest block', value: Math.max(...rawBlocks) } });
  } finally {
    await Promise.all([echo.stop(0), caller.stop(0), responder.close(), requester.close()]);
  }
}

/**
 * Kills the node of the responder (`victim: 'responder'`) or of the requester, then asks until an
 * answer comes; returns the ms from the kill to that answer. The node is restarted afterwards.
 */
async function killToAnswer(cluster: TestCluster, killed: TestServer, other: TestServer, victim: 'responder' | 'requester'): Promise<number> {
  const common = { heartbeatMs: 0, registryBucket: null } as const;
  const responder = new Agent({ ...common, connection: on(cluster, victim === 'responder' ? killed : other), name: 'bench_survivor', handler: async (m) => m.content });
  const requester = new Agent({ ...common, connection: on(cluster, victim === 'requester' ? killed : other), name: 'bench_asker' });
  await responder.start();
  await requester.start();
  try {
    await requester.request('bench_survivor', PAYLOAD, { timeoutMs: 5000 }); // the route is up
    const killedAt = performance.now();
    await killed.kill();
    for (;;) {
      if (performance.now() - killedAt > KILL_GIVE_UP_MS) throw new Error(`no answer within ${KILL_GIVE_UP_MS} ms of the kill`);
      try {
        await requester.request('bench_survivor', PAYLOAD, { timeoutMs: HEAL_REQUEST_TIMEOUT_MS });
        return performance.now() - killedAt;
      } catch {
        await new Promise((r) => setTimeout(r, 10)); // no responders yet (it is reconnecting), or lost: ask again
      }
    }
  } finally {
    await Promise.all([responder.stop(0, Date.now() + 1000), requester.stop(0, Date.now() + 1000)]);
    await killed.restart();
    await cluster.routed();
  }
}

async function killRecovery(cluster: TestCluster): Promise<void> {
  for (const victim of ['responder', 'requester'] as const) {
    const times: number[] = [];
    for (let i = 0; i < KILL_REPS; i++) {
      const killed = cluster.nodes[i % 3]!;
      const other = cluster.nodes[(i + 1) % 3]!;
      times.push(await killToAnswer(cluster, killed, other, victim));
    }
    // A request caught by the kill is lost (written to the dead socket): the asker learns it after its timeout.
    console.log(`  kill -9 of the ${victim}'s node, each repetition: ${times.map((t) => t.toFixed(0)).join(', ')} ms (requests retried with a ${HEAL_REQUEST_TIMEOUT_MS} ms timeout)`);
    report({ name: `kill -9 (${victim}'s node) → first answer, median`, value: median(times), unit: 'ms', runs: times.length, target: '< 5000 ms' });
    report({ name: `kill -9 (${victim}'s node) → first answer, max`, value: quantile(times, 1), unit: 'ms', runs: times.length });
  }
}

/** Runs the cluster benchmarks and prints their lines. */
export async function runClusterBench(): Promise<void> {
  const cluster = await startTestCluster(3);
  try {
    await crossNodeRequestReply(cluster);
    await killRecovery(cluster);
  } finally {
    await cluster.stop();
  }
}
