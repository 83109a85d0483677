/**
 * Issue #5's benchmark: a scripted coordinator fanning out to 10 specialists (registry lookup,
 * delegate through the gateway, 10 requests, synthesis), time from input to synthesized reply,
 * against the 10 raw nats.js request/reply round trips it needs, sent in parallel as a fan-out sends
 * them, in the same run.
 */
import { connect } from '@nats-io/transport-node';
import { Agent } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { loadTopology } from '../../agents/topology/load.js';
import { startTestServer } from '../helpers/nats-server.js';
import { median, report } from './stats.js';

const SPECIALISTS = 10;
const ROUNDS = 200;

function fanOutTopology(): string {
  const subtasks = Array.from({ length: SPECIALISTS }, (_, i) => `                    - { capability: cap_${i}, task: "part ${i} of {{input}}" }`).join('\n');
  const specialists = Array.from(
    { length: SPECIALISTS },
    (_, i) => `    - name: specialist_${i}\n      capabilities: [cap_${i}]\n      llm: offline\n      script: { fallback: "result ${i}" }`,
  ).join('\n');
  return `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: fan-out }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - name: coordinator
      role: coordinator
      llm: offline
      tools: [delegate]
      pattern: { maxParallel: ${SPECIALISTS} }
      script:
        rules:
          - after_tool: delegate
            reply: "{{tool_result}}"
          - contains: ""
            tool_calls:
              - name: delegate
                arguments:
                  subtasks:
${subtasks}
${specialists}
`;
}

/** Runs the fan-out benchmark and prints its line. */
export async function runPatternsBench(): Promise<void> {
  const nats = await startTestServer();
  try {
    // Raw: ten responders, ten requests per round in flight at once (a fan-out is parallel).
    const responder = await connect({ ...nats.connection, name: 'bench-raw-responders' });
    const requester = await connect({ ...nats.connection, name: 'bench-raw-requester' });
    for (let i = 0; i < SPECIALISTS; i++) responder.subscribe(`bench.fanout.${i}`, { callback: (_e, msg) => void msg.respond(`result ${i}`) });
    await responder.flush();
    const raw: number[] = [];
    for (let round = 0; round < ROUNDS + 20; round++) {
      const t = performance.now();
      await Promise.all(Array.from({ length: SPECIALISTS }, (_, i) => requester.request(`bench.fanout.${i}`, 'part', { timeout: 5000 })));
      if (round >= 20) raw.push(performance.now() - t);
    }
    await Promise.all([responder.close(), requester.close()]);

    // Ours: the whole coordinator pattern.
    const topology = loadTopology(fanOutTopology(), 'fan-out.yaml').topology!;
    const plan = planNetwork(topology);
    const network = new AgentNetwork({ connection: nats.connection, agents: plan.agents, heartbeatMs: 0, registryBucket: plan.registryBucket });
    await network.start();
    await network.registry.waitFor((r) => plan.agents.every((a) => r.get(a.name)?.status === 'available'));
    const user = new Agent({ name: 'bench_user', connection: nats.connection, heartbeatMs: 0, registryBucket: null });
    await user.start();
    const ours: number[] = [];
    for (let round = 0; round < ROUNDS + 20; round++) {
      const t = performance.now();
      // A fresh conversation each round, so memory does not grow across rounds.
      const reply = await user.request('coordinator', 'the task', { metadata: { conversation_id: `c${round}` } });
      if (round >= 20) ours.push(performance.now() - t);
      if (!reply.content.includes(`result ${SPECIALISTS - 1}`)) throw new Error(`unexpected synthesis: ${reply.content}`);
    }
    await user.stop();
    await network.stop();
    report({ name: `coordinator fan-out to ${SPECIALISTS}, input to reply`, value: median(ours), unit: 'ms', runs: ROUNDS, baseline: { name: `${SPECIALISTS} parallel raw request/replies`, value: median(raw) } });
  } finally {
    await nats.stop();
  }
}
