// Seed 004's collaboration patterns, each from its template on a real nats-server with the
// scripted provider: the reply, the messages that produced it (who was asked, in what order),
// what the tool gateway recorded, and how each pattern fails.
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentRequestError } from '../../agents/runtime/agent.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { until } from '../helpers/until.js';
import { eventsNamed, runTemplate, type TemplateRun } from '../helpers/template-network.js';

let nats: TestServer;
const runs: TemplateRun[] = [];
beforeAll(async () => {
  nats = await startTestServer();
});
afterAll(async () => {
  await nats.stop();
});
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop()));
});

const start = async (...args: Parameters<typeof runTemplate> extends [unknown, ...infer R] ? R : never) => {
  const run = await runTemplate(nats.connection, ...args);
  runs.push(run);
  return run;
};

/** Requests an agent received, as `from→to`, in order. */
const requests = (run: TemplateRun) =>
  eventsNamed(run, 'message.received')
    .filter((e) => e.message.message_type === 'request')
    .map((e) => `${e.message.from_agent}→${e.agent}`);

const toolCalls = (run: TemplateRun) => eventsNamed(run, 'tool.result').map((r) => `${r.agent}:${r.tool}${r.isError ? ' ✗' : ''}`);

describe('coordinator', () => {
  it('plans by capability, fans out through the registry, and synthesizes the results', async () => {
    const run = await start('coordinator');
    const reply = await run.user.request('coordinator', 'Find me a winter jacket and check order 1234', { timeoutMs: 15_000 });
    expect(reply.content).toBe(
      'Here is what your specialists found:\n' +
        '1. [product.search → product_agent] 3 matches for winter jacket: Alpine Parka (149 EUR), Storm Shell (119 EUR), City Puffer (89 EUR).\n' +
        '2. [order.status → order_agent] Order 1234 shipped yesterday; delivery expected Thursday.',
    );
    const asked = requests(run);
    expect(asked[0]).toBe('user_coordinator→coordinator');
    expect(asked.slice(1).sort()).toEqual(['coordinator→order_agent', 'coordinator→product_agent']);
    expect(toolCalls(run).sort()).toEqual(['coordinator:delegate', 'order_agent:get_order_status', 'product_agent:search_catalog']);
    const delegate = eventsNamed(run, 'tool.invoked').find((e) => e.tool === 'delegate')!;
    expect(delegate.arguments).toEqual({ subtasks: [{ capability: 'product.search', task: 'Find winter jacket' }, { capability: 'order.status', task: 'Status of order 1234' }] });
  });

  it('reports a sub-task whose specialist is offline in the synthesis, instead of losing it', async () => {
    const run = await start('coordinator', { only: ['coordinator', 'product_agent'] });
    const reply = await run.user.request('coordinator', 'Find me a winter jacket and check order 1234', { timeoutMs: 15_000 });
    expect(reply.content).toContain('1. [product.search → product_agent] 3 matches for winter jacket');
    expect(reply.content).toContain('2. [order.status] FAILED: no available agent offers "order.status" (offline or unknown).');
  });
});

describe('leaderless swarm', () => {
  it('deliberates in rounds on the blackboard and converges to the finalizer’s answer', async () => {
    const run = await start('swarm');
    const reply = await run.user.request('dispatcher', 'Should we launch the product in Q3?', { timeoutMs: 30_000 });
    expect(reply.metadata).toMatchObject({ status: 'completed', stopped_by: 'converged' });
    for (const peer of ['Optimist', 'Skeptic', 'Pragmatist']) expect(reply.content).toContain(`${peer} (round 2)`);
    // The task went out as one broadcast; each peer contributed once per round.
    const contributions = eventsNamed(run, 'message.sent').filter((e) => e.message.metadata['swarm_contribution']);
    expect(contributions.map((e) => `${e.agent}@${(e.message.metadata['swarm_contribution'] as { round: number }).round}`).sort()).toEqual(
      ['optimist@1', 'optimist@2', 'pragmatist@1', 'pragmatist@2', 'skeptic@1', 'skeptic@2'],
    );
    const nc = await connect({ ...nats.connection, name: 'test-blackboard' });
    const keys: string[] = [];
    for await (const key of await (await new Kvm(nc).open('deliberation')).keys()) keys.push(key);
    await nc.close();
    expect(keys.filter((k) => k.startsWith(String(reply.metadata['swarm_id'])))).toHaveLength(6);
  });

  it('stops at its message budget and says so', async () => {
    const run = await start('swarm', { change: (t) => (t.spec.agents.find((a) => a.name === 'dispatcher')!.pattern!.maxMessages = 4) });
    const reply = await run.user.request('dispatcher', 'Should we launch the product in Q3?', { timeoutMs: 30_000 });
    expect(reply.metadata).toMatchObject({ stopped_by: 'max_messages' });
    expect(reply.content).toContain('stopped: max_messages');
  });
});

describe('blackboard', () => {
  it('lets agents react to each other’s entries without an orchestrator', async () => {
    const run = await start('blackboard');
    const reply = await run.user.request('researcher', 'solar power', { timeoutMs: 15_000 });
    expect(reply.content).toBe('Posted the facts; the analyst and the writer take it from here.');
    const nc = await connect({ ...nats.connection, name: 'test-blackboard' });
    const kv = await new Kvm(nc).open('research');
    let report: string | null = null;
    await until(
      async () => {
        const entry = await kv.get('report');
        report = entry?.operation === 'PUT' ? entry.string() : null;
        return report !== null;
      },
      'the writer’s report on the blackboard',
      5000,
      50,
    );
    await nc.close();
    expect(report).toBe('Report: Analysis: cheap but variable; pair it with storage. (from: solar power: costs fell 90% in a decade; output peaks at midday; storage smooths the evening.)');
    expect(toolCalls(run)).toEqual(['researcher:blackboard_write', 'analyst:blackboard_write', 'writer:blackboard_write']);
    expect(eventsNamed(run, 'tool.invoked').map((e) => e.arguments['key'])).toEqual(['facts', 'analysis', 'report']);
  });
});

describe('auction', () => {
  it('takes bids until the deadline, assigns the best score, and returns the winner’s work', async () => {
    const run = await start('auction');
    const reply = await run.user.request('auctioneer', "Translate 'good morning' into French", { timeoutMs: 15_000 });
    expect(reply.content).toBe('fast_translator: « Bonjour » (quick draft).');
    const auction = reply.metadata['auction'] as { winner: string; bids: { bidder: string; score: number }[] };
    expect(auction.winner).toBe('fast_translator');
    expect(auction.bids.map((b) => b.bidder)).toEqual(['fast_translator', expect.any(String), expect.any(String)]);
    expect(auction.bids[0]!.score).toBeCloseTo(0.58, 5);
    expect(requests(run)).toEqual(['user_auction→auctioneer', 'auctioneer→fast_translator']);
  });

  it('fails clearly when nobody bids', async () => {
    const run = await start('auction', { only: ['auctioneer'] });
    const error = (await run.user.request('auctioneer', 'Translate this', { timeoutMs: 15_000 }).catch((e: unknown) => e)) as AgentRequestError;
    expect(error).toBeInstanceOf(AgentRequestError);
    expect(error.message).toMatch(/no bids before the deadline \(300 ms\)/);
  });
});

describe('hybrid', () => {
  it('delegates the open question to a swarm under a budget envelope and synthesizes both', async () => {
    const run = await start('hybrid');
    const reply = await run.user.request('coordinator', 'Plan the launch of product X', { timeoutMs: 30_000 });
    expect(reply.content).toContain('1. [market.facts → analyst] Market facts: 40% of demand is in Q4');
    // The envelope allowed one round, though the dispatcher's own settings allow three.
    expect(reply.content).toContain('2. [deliberation → dispatcher] Swarm: Task: Which launch date for product X?');
    expect(reply.content).toContain('Contributions (round 1, stopped: converged)');
    const toDispatcher = eventsNamed(run, 'message.received').find((e) => e.agent === 'dispatcher' && e.message.message_type === 'request')!;
    expect(toDispatcher.message.metadata['budget']).toEqual({ maxTurns: 1, maxMessages: 4, timeoutMs: 10000 });
  });
});
