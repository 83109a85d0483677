/**
 * Issue #3's benchmarks. (1) Agent request/reply (AgentMessage envelope, zod validation on both
 * ends) against raw nats.js request/reply, 10,000 sequential requests each, on the same server in
 * the same run. (2) A scripted OODA cycle with the step controller present but no breakpoints,
 * against no controller at all.
 */
import { connect } from '@nats-io/transport-node';
import { ScriptedProvider } from '../../agents/llm/scripted.js';
import { Agent } from '../../agents/runtime/agent.js';
import { createOodaHandler } from '../../agents/runtime/ooda.js';
import { StepController } from '../../agents/runtime/step-controller.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { startTestServer } from '../helpers/nats-server.js';
import { median, quantile, report } from './stats.js';

const REQUESTS = 10_000;
const PAYLOAD = 'What is the weather in Paris? '.repeat(3);

/** Sequential request latencies in microseconds. */
async function latencies(n: number, once: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 500; i++) await once(); // warm up JIT and connections
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    out[i] = (performance.now() - t) * 1000;
  }
  return out;
}

async function requestReply(): Promise<void> {
  const nats = await startTestServer();
  try {
    const responder = await connect({ ...nats.connection, name: 'bench-raw-responder' });
    const requester = await connect({ ...nats.connection, name: 'bench-raw-requester' });
    responder.subscribe('bench.raw', { callback: (_e, msg) => void msg.respond(msg.data) });
    await responder.flush();
    const raw = await latencies(REQUESTS, () => requester.request('bench.raw', PAYLOAD, { timeout: 5000 }));

    const common = { connection: nats.connection, heartbeatMs: 0, registryBucket: null } as const;
    const echo = new Agent({ ...common, name: 'bench_echo', handler: async (m) => m.content });
    const caller = new Agent({ ...common, name: 'bench_caller' });
    await echo.start();
    await caller.start();
    const agent = await latencies(REQUESTS, () => caller.request('bench_echo', PAYLOAD));
    await Promise.all([echo.stop(), caller.stop(), responder.close(), requester.close()]);

    const rawP50 = median(raw);
    const rawP99 = quantile(raw, 0.99);
    report({ name: 'agent request/reply p50', value: median(agent), unit: 'µs', runs: REQUESTS, baseline: { name: 'raw nats.js request p50', value: rawP50 }, target: 'ratio <= 1.5' });
    report({ name: 'agent request/reply p99', value: quantile(agent, 0.99), unit: 'µs', runs: REQUESTS, baseline: { name: 'raw nats.js request p99', value: rawP99 } });
  } finally {
    await nats.stop();
  }
}

/** Cycles per block and blocks per variant; variants alternate block by block to share noise. */
const CYCLES = 2000;
const BLOCKS = 12;

async function oodaOverhead(): Promise<void> {
  const agent = new Agent({ name: 'bench_ooda', connection: {}, heartbeatMs: 0, registryBucket: null });
  const llm = new ScriptedProvider({ rules: [{ contains: 'weather', reply: 'Sunny in {{input}}' }] });
  const base = { llm, model: 'scripted', prompt: 'You are {{agent_name}}. Peers: {{peers}}' };
  const without = createOodaHandler(base);
  const withController = createOodaHandler({ ...base, controller: new StepController(agent.events) });
  const message = newMessage({ message_type: 'request', from_agent: 'user', to_agent: 'bench_ooda', content: 'weather in Paris' });
  const context = { agent, subject: 'agents.request.bench_ooda' };

  const block = async (handler: typeof without) => {
    const t = performance.now();
    // A fresh conversation per cycle keeps memory from growing across cycles.
    for (let i = 0; i < CYCLES; i++) await handler({ ...message, metadata: { conversation_id: String(i) } }, context);
    return ((performance.now() - t) * 1000) / CYCLES;
  };
  await block(without);
  await block(withController); // warm-up
  const off: number[] = [];
  const on: number[] = [];
  // Alternate which goes first: the second of a pair pays for the first's garbage, so a fixed order biases the ratio.
  for (let i = 0; i < BLOCKS; i++) {
    if (i % 2 === 0) {
      off.push(await block(without));
      on.push(await block(withController));
    } else {
      on.push(await block(withController));
      off.push(await block(without));
    }
  }
  report({ name: 'scripted OODA cycle, controller on (idle)', value: median(on), unit: 'µs', runs: BLOCKS * CYCLES, baseline: { name: 'controller off', value: median(off) }, target: 'ratio <= 1.05' });
}

/** Runs the agent benchmarks and prints their lines. */
export async function runAgentBench(): Promise<void> {
  await requestReply();
  await oodaOverhead();
}
