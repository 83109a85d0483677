// Every template validates and runs offline (scripted provider, real nats-server) to a reply.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { Agent } from '../../agents/runtime/agent.js';
import { loadTopology } from '../../agents/topology/load.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';

const dir = 'templates';
const templates = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

let nats: TestServer;
beforeAll(async () => {
  nats = await startTestServer();
});
afterAll(async () => {
  await nats.stop();
});

describe.each(templates)('template %s', (name) => {
  const result = loadTopology(readFileSync(path.join(dir, name), 'utf8'), name);

  it('validates without errors or warnings, and has an example request', () => {
    expect(result.problems).toEqual([]);
    expect(result.topology?.metadata.example).toBeDefined();
  });

  it('runs headless offline to a reply', async () => {
    const topology = result.topology!;
    const plan = planNetwork(topology);
    expect(Object.values(topology.spec.llms).every((s) => s.provider === 'scripted')).toBe(true);
    const network = new AgentNetwork({ connection: nats.connection, agents: plan.agents, profile: plan.profile, registryBucket: plan.registryBucket, heartbeatMs: 0 });
    const failures: string[] = [];
    network.events.on('run.completed', (e) => e.status === 'failed' && failures.push(`${e.agent}: ${e.error}`));
    await network.start();
    const user = new Agent({ name: 'template_user', connection: nats.connection, profile: plan.profile, heartbeatMs: 0, registryBucket: null });
    await user.start();
    try {
      const example = topology.metadata.example!;
      const reply = await user.request(example.to, example.input, { timeoutMs: 20_000 });
      expect(reply.metadata['status']).toBe('completed');
      expect(reply.content.length).toBeGreaterThan(0);
      expect(failures).toEqual([]);
      if (name === 'seed-000-trio.yaml') expect(reply.content).toBe('Weather-Bot: It is 18°C and partly cloudy in Paris.');
    } finally {
      await user.stop();
      await network.stop();
    }
  });
});
