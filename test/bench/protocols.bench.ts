/**
 * Issue #15's benchmarks, on 127.0.0.1 with a real nats-server. (1) A2A delegation through the
 * protocol gateway (an Agent's request on protocol.a2a.request.{peer} -> the gateway's bus
 * service -> the @a2a-js/sdk client -> an SDK-built echo peer) against the raw SDK client calling
 * the same peer, in alternating blocks; and the PII stripping alone on a 1 KB payload. (2) Request/
 * reply between agents on the seed-002 profile against the seed-000 profile and raw nats.js.
 * (3) 10 concurrent requests to an agent with a batch window (one run) against the same agent
 * without one (10 runs): wall time for the 10 answers and the model calls made (scripted provider).
 */
import { randomUUID } from 'node:crypto';
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import { Role, type SendMessageRequest } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { A2aCaller } from '../../agents/interop/a2a/externals.js';
import { A2aGatewayService } from '../../agents/interop/gateway/service.js';
import { DEFAULT_PII_RULES, stripPii } from '../../agents/interop/gateway/pii.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { profileFor, SEED_000_PROFILE, type SubjectProfile } from '../../agents/protocol/subjects.js';
import { Agent } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { loadTopology } from '../../agents/topology/load.js';
import { API_VERSION, type Topology } from '../../agents/topology/schema.js';
import { startA2aServers } from '../helpers/a2a-servers.js';
import { startTestServer } from '../helpers/nats-server.js';
import { median, quantile, report } from './stats.js';

const PAYLOAD = 'Summarize the open tickets of the week for the team. '.repeat(2);
/** Sequential calls per block and blocks per variant; the variants alternate block by block. */
const A2A_CALLS = 150;
const A2A_BLOCKS = 8;
const WIRE_CALLS = 1000;
const WIRE_BLOCKS = 6;
const PII_CALLS = 20_000;
const PII_BLOCKS = 10;
const BATCH_ROUNDS = 10;
const BATCH_MEMBERS = 10;

/** A topology from YAML lines; throws on a problem (the bench's own text). */
function topologyOf(name: string, spec: string): Topology {
  const loaded = loadTopology(`apiVersion: ${API_VERSION}\nkind: Topology\nmetadata: { name: ${name} }\nspec:\n${spec}`, `${name}.yaml`);
  if (!loaded.topology) throw new Error(`${name}: ${JSON.stringify(loaded.problems)}`);
  return loaded.topology;
}

/** Runs `n` sequential calls; pushes each call's µs into `sink` and returns the block's mean in µs. */
async function block(n: number, once: () => Promise<unknown>, sink: number[]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    sink.push((performance.now() - t) * 1000);
  }
  return ((performance.now() - start) * 1000) / n;
}

/** Alternating blocks of the variants (the order rotates each block: the second pays for the first's garbage); per variant, block means and per-call µs. */
async function alternate(variants: readonly (() => Promise<unknown>)[], calls: number, blocks: number) {
  const means = variants.map(() => [] as number[]);
  const each = variants.map(() => [] as number[]);
  for (const fn of variants) await block(Math.min(100, calls), fn, []); // warm-up of every path
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (b + k) % variants.length;
      means[i]!.push(await block(calls, variants[i]!, each[i]!));
    }
  }
  return variants.map((_, i) => ({ mean: median(means[i]!), p50: median(each[i]!), p99: quantile(each[i]!, 0.99) }));
}

async function a2aDelegation(connection: NodeConnectionOptions): Promise<void> {
  const peers = await startA2aServers();
  const topology = topologyOf(
    'bench-a2a',
    `  llms: { offline: { provider: scripted } }\n  agents:\n    - { name: asker, llm: offline, prompt: You ask. }\n` +
      `  externalAgents:\n    - { name: echo, a2a: { card: "${peers.url('echo')}" } }\n  edges:\n    - { from: asker, to: echo, kind: request }\n`,
  );
  // The run session's wiring (main/host/run-session.ts): the gateway service with the SDK adapter; the runtime's A2A caller.
  const gateway = await A2aGatewayService.start({ connection, topology, events: new RuntimeEventBus() });
  const caller = new A2aCaller('echo');
  const asker = new Agent({ name: 'asker', connection, heartbeatMs: 0, registryBucket: null, externals: (n) => (n === 'echo' ? caller : undefined) });
  await asker.start();
  // The card's full URL: the SDK resolves a base URL's card path from the origin, not below the agent's path.
  const raw = await new ClientFactory().createFromUrl(`${peers.url('echo')}/.well-known/agent-card.json`, '');
  const request = (): SendMessageRequest => ({
    tenant: '',
    message: { messageId: randomUUID(), contextId: '', taskId: '', role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: PAYLOAD }, metadata: undefined, filename: '', mediaType: 'text/plain' }], metadata: undefined, extensions: [], referenceTaskIds: [] },
    // What the gateway's adapter asks for (agents/interop/a2a/client.ts), so both send the same request.
    configuration: { acceptedOutputModes: ['text/plain', 'application/json'], taskPushNotificationConfig: undefined, returnImmediately: false },
    metadata: undefined,
  });
  try {
    const viaGateway = async () => {
      const reply = await asker.request('echo', PAYLOAD, { timeoutMs: 10_000 });
      if (!reply.content.startsWith('echo: ')) throw new Error(`unexpected gateway answer: ${reply.content}`);
    };
    const direct = () => raw.sendMessage(request());
    await viaGateway();
    const [gw, sdk] = await alternate([viaGateway, direct], A2A_CALLS, A2A_BLOCKS);
    const runs = A2A_CALLS * A2A_BLOCKS;
    console.log(`  peer: SDK-built echo agent at ${peers.url('echo')}; ${peers.received.length} messages received in all`);
    report({ name: 'A2A via protocol gateway, mean/call', value: gw!.mean, unit: 'µs', runs, baseline: { name: 'raw SDK client, mean', value: sdk!.mean } });
    report({ name: 'A2A via protocol gateway, p50', value: gw!.p50, unit: 'µs', runs, baseline: { name: 'raw SDK client, p50', value: sdk!.p50 } });
    report({ name: 'A2A via protocol gateway, p99', value: gw!.p99, unit: 'µs', runs, baseline: { name: 'raw SDK client, p99', value: sdk!.p99 } });
  } finally {
    await asker.stop(0);
    await gateway?.stop();
    await peers.close();
  }
}

/** A typical ~1 KB outbound payload: prose with one e-mail and one phone number, plus a small data object. */
function kilobytePayload(withPii: boolean) {
  const contact = withPii ? 'Write to jane.doe@example.com or call +1 415 555 0132 before Friday.' : 'Write to the team lead or call the desk before Friday.';
  const text = `${'The customer reported that the nightly export stopped after the upgrade; logs attached. '.repeat(8)}${contact}`;
  return { text, data: { ticket: 'T-4412', priority: 'high', tags: ['export', 'upgrade', 'nightly'], owner: withPii ? 'jane.doe@example.com' : 'team-a' } };
}

function piiCost(): void {
  const variants = [true, false].map((withPii) => ({ withPii, payload: kilobytePayload(withPii), blocks: [] as number[] }));
  const perBlock = PII_CALLS / PII_BLOCKS;
  for (const v of variants) for (let i = 0; i < 2000; i++) stripPii(v.payload, DEFAULT_PII_RULES); // warm-up
  // Alternating blocks, as the other measurements: both payloads share the machine's noise.
  for (let b = 0; b < PII_BLOCKS; b++) {
    for (const v of b % 2 === 0 ? variants : [...variants].reverse()) {
      const t = performance.now();
      for (let i = 0; i < perBlock; i++) stripPii(v.payload, DEFAULT_PII_RULES);
      v.blocks.push(((performance.now() - t) * 1000) / perBlock);
    }
  }
  for (const v of variants) {
    const kinds = new Map<string, number>();
    for (const s of stripPii(v.payload, DEFAULT_PII_RULES).stripped) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + s.count);
    const found = [...kinds].map(([kind, count]) => `${kind}×${count}`).join(', ');
    report({ name: `PII stripping alone, ${JSON.stringify(v.payload).length} B JSON, ${v.withPii ? found : 'no PII'}`, value: median(v.blocks), unit: 'µs', runs: PII_CALLS });
  }
}

/** An echo agent and a caller on `profile`; the caller's request to the echo. */
async function profilePair(connection: NodeConnectionOptions, profile: SubjectProfile, tag: string) {
  const common = { connection, profile, heartbeatMs: 0, registryBucket: null } as const;
  const echo = new Agent({ ...common, name: `echo_${tag}`, handler: async (m) => m.content });
  const caller = new Agent({ ...common, name: `caller_${tag}` });
  await echo.start();
  await caller.start();
  const once = async () => {
    const reply = await caller.request(echo.name, PAYLOAD, { timeoutMs: 5000 });
    if (reply.content !== PAYLOAD) throw new Error(`${profile.name}: unexpected answer ${reply.content}`);
  };
  return { once, stop: () => Promise.all([echo.stop(0), caller.stop(0)]) };
}

async function profileRequestReply(connection: NodeConnectionOptions): Promise<void> {
  const seed002 = await profilePair(connection, profileFor('seed-002', 'bench')!, 's2');
  const seed000 = await profilePair(connection, SEED_000_PROFILE, 's0');
  const responder = await connect({ ...connection, name: 'bench-raw-responder' });
  const requester = await connect({ ...connection, name: 'bench-raw-requester' });
  responder.subscribe('bench.raw', { callback: (_e, msg) => void msg.respond(msg.data) });
  await responder.flush();
  try {
    const raw = () => requester.request('bench.raw', PAYLOAD, { timeout: 5000 });
    const [s2, s0, r] = await alternate([seed002.once, seed000.once, raw], WIRE_CALLS, WIRE_BLOCKS);
    const runs = WIRE_CALLS * WIRE_BLOCKS;
    report({ name: 'seed-002 request/reply, mean', value: s2!.mean, unit: 'µs', runs, baseline: { name: 'raw nats.js, mean', value: r!.mean } });
    report({ name: 'seed-002 request/reply, mean', value: s2!.mean, unit: 'µs', runs, baseline: { name: 'seed-000, mean', value: s0!.mean } });
    report({ name: 'seed-000 request/reply, mean', value: s0!.mean, unit: 'µs', runs, baseline: { name: 'raw nats.js, mean', value: r!.mean } });
    report({ name: 'seed-002 request/reply, p99', value: s2!.p99, unit: 'µs', runs, baseline: { name: 'seed-000, p99', value: s0!.p99 } });
  } finally {
    await Promise.all([seed002.stop(), seed000.stop(), responder.close(), requester.close()]);
  }
}

/** The members' answers as the batched agent's scripted model writes them: JSON by member number. */
const batchAnswers = JSON.stringify(Object.fromEntries(Array.from({ length: BATCH_MEMBERS }, (_, i) => [String(i + 1), `answer ${i + 1}`])));

async function batches(connection: NodeConnectionOptions): Promise<void> {
  // The same scripted agent twice, with and without a batch window: a batch's prompt says its requests arrived together.
  const agent = (name: string, batch: string) =>
    `    - name: ${name}\n      llm: offline\n${batch}      script:\n        rules:\n          - contains: requests arrived together\n            reply: '${batchAnswers}'\n        fallback: single answer\n`;
  const topology = topologyOf(
    'bench-batch',
    `  registry: announcements\n  llms: { offline: { provider: scripted } }\n  agents:\n` + agent('batched', `      batch: { size: ${BATCH_MEMBERS}, timeoutMs: 50 }\n`) + agent('single', ''),
  );
  const plan = planNetwork(topology);
  const network = new AgentNetwork({ connection, agents: plan.agents, profile: plan.profile, registryBucket: null, heartbeatMs: 0 });
  const modelCalls = new Map<string, number>();
  network.events.on('llm.call', (call) => modelCalls.set(call.agent, (modelCalls.get(call.agent) ?? 0) + 1));
  await network.start();
  const user = new Agent({ name: 'bench_user', connection, profile: plan.profile, heartbeatMs: 0, registryBucket: null });
  await user.start();
  try {
    const round = async (to: string) => {
      const t = performance.now();
      const replies = await Promise.all(Array.from({ length: BATCH_MEMBERS }, (_, i) => user.request(to, `ticket ${i + 1}: the export stopped`, { timeoutMs: 10_000 })));
      const ms = performance.now() - t;
      if (replies.some((r) => r.metadata['status'] !== 'completed')) throw new Error(`${to}: a member was not answered`);
      return ms;
    };
    await round('batched');
    await round('single'); // warm-up
    modelCalls.clear();
    const times: Record<string, number[]> = { batched: [], single: [] };
    for (let i = 0; i < BATCH_ROUNDS; i++) for (const to of i % 2 === 0 ? ['batched', 'single'] : ['single', 'batched']) times[to]!.push(await round(to));
    const per = (to: string) => ((modelCalls.get(to) ?? 0) / BATCH_ROUNDS).toFixed(1);
    console.log(`  model calls per ${BATCH_MEMBERS} requests: batched ${per('batched')}, unbatched ${per('single')} (${BATCH_ROUNDS} rounds each, scripted provider)`);
    report({ name: `${BATCH_MEMBERS} concurrent requests, batch {10, 50 ms}`, value: median(times['batched']!), unit: 'ms', runs: BATCH_ROUNDS, baseline: { name: 'same agent unbatched', value: median(times['single']!) } });
  } finally {
    await user.stop(0);
    await network.stop();
  }
}

/** Runs the protocol benchmarks and prints their lines. */
export async function runProtocolsBench(): Promise<void> {
  const nats = await startTestServer();
  try {
    await a2aDelegation(nats.connection);
    piiCost();
    await profileRequestReply(nats.connection);
    await batches(nats.connection);
  } finally {
    await nats.stop();
  }
}
