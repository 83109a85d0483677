// The seed-002-negotiation template's exported nats-server config on a real nats-server: the
// planner and the analysts, each logged in as its own exported user, negotiate to the same outcome
// as on an open server; proposing outside `negotiate.with` and listening to another agent's
// proposals are refused.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed002Subjects } from '../../agents/protocol/seed-002.js';
import { Agent } from '../../agents/runtime/agent.js';
import { answerNegotiations, negotiateWithAgents } from '../../agents/runtime/patterns/negotiation.js';
import { derivePermissions } from '../../agents/topology/export/nats-conf.js';
import { loadTopology } from '../../agents/topology/load.js';
import { startConfServer, subscribeVerdict, violations, type ConfServer } from '../helpers/nats-conf-server.js';
import { until } from '../helpers/until.js';

const topology = loadTopology(readFileSync('templates/seed-002-negotiation.yaml', 'utf8'), 'seed-002-negotiation.yaml').topology!;
const settings = (name: string) => topology.spec.agents.find((a) => a.name === name)!.pattern!;

describe('the negotiation template under its exported permissions', () => {
  let server: ConfServer;
  const agents: Agent[] = [];
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    server = await startConfServer(topology);
    for (const spec of topology.spec.agents) {
      const agent = new Agent({ name: spec.name, connection: await server.login(spec.name), heartbeatMs: 0, registryBucket: null });
      agents.push(agent);
      await agent.start();
      const accept = spec.pattern?.accept;
      if (accept) stops.push(answerNegotiations(agent, topology.spec.environment, accept));
    }
    await Promise.all(agents.map((a) => a.connection.flush()));
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await Promise.all(agents.map((a) => a.stop(500)));
    await server?.stop();
  });
  const agent = (name: string) => agents.find((a) => a.name === name)!;

  it('grants the proposer its proposals and each analyst its own negotiate subject', () => {
    const users = new Map(derivePermissions(topology).map((u) => [u.name, u]));
    const negotiate = (list: { subject: string }[]) => list.map((g) => g.subject).filter((s) => s.includes('.a2a.negotiate.'));
    expect(negotiate(users.get('planner')!.publish)).toEqual(['agents.dev.a2a.negotiate.fast_analyst', 'agents.dev.a2a.negotiate.careful_analyst', 'agents.dev.a2a.negotiate.gpu_analyst']);
    expect(negotiate(users.get('planner')!.subscribe)).toEqual([]);
    expect(negotiate(users.get('gpu_analyst')!.subscribe)).toEqual(['agents.dev.a2a.negotiate.gpu_analyst']);
    expect(negotiate(users.get('gpu_analyst')!.publish)).toEqual([]);
    expect(users.get('gpu_analyst')!.allowResponses).toBe(true);
  });

  it('negotiates to the same outcome: two accept, gpu_analyst declines, fast_analyst selected', async () => {
    const negotiate = settings('planner').negotiate!;
    const state = await negotiateWithAgents(agent('planner'), topology.spec.environment, { ...negotiate, proposal: { task: 'Analyze' } });
    expect(state).toMatchObject({ phase: 'finalized', selected: ['fast_analyst'], responses: { fast_analyst: { status: 'accepted' }, careful_analyst: { status: 'accepted' }, gpu_analyst: { status: 'declined' } } });
  });

  it('refuses a proposal outside negotiate.with and listening to another agent’s proposals', async () => {
    const gpu = await server.connectAs('gpu_analyst');
    const seen = violations(gpu);
    gpu.publish(seed002Subjects.negotiate('dev', 'fast_analyst'), '{}');
    await gpu.flush();
    await until(() => seen.length > 0, 'the refusal of the proposal');
    expect(seen[0]!.message).toMatch(/publish/i);
    expect(seen[0]!.message).toContain('agents.dev.a2a.negotiate.fast_analyst');
    const { refused: listen } = await subscribeVerdict(await server.connectAs('planner'), seed002Subjects.negotiate('dev', 'fast_analyst'));
    expect(listen?.message).toMatch(/subscri/i);
  });
});
