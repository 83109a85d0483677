// The exported config's Synadia Agent Protocol grants on a real nats-server: the network a
// `switchboard run --only desk --creds desk.nk` starts (its served agent desk, the run client
// synadia_client on desk's credentials, the registry following an external protocol agent) runs
// with no permission violation; the protocol's own client SDK logs in as the exported
// synadia_caller, discovers and prompts desk and reads its streamed answer; desk calls a stand-in
// external agent built from the protocol's agent SDK (logged in as its exported user) along its
// request edge; and subjects outside the grants are refused.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { DEFAULT_REGISTRY_BUCKET, type MessageHandler } from '../../agents/runtime/agent.js';
import { OBSERVER_USER } from '../../agents/topology/export/nats-conf.js';
import { loadTopology } from '../../agents/topology/load.js';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { Agents, type Agent as SynadiaAgent } from '../fixtures/synadia-sdk/client/src/index.js';
import { cliPath, runCli, type CliOutcome } from '../helpers/cli.js';
import { natsServerBinary, repoRoot } from '../helpers/nats-binary.js';
import { pidsWithCommandLine } from '../helpers/processes.js';
import { refusal, startConfServer, subscribeVerdict, topology, violations, type ConfServer } from '../helpers/nats-conf-server.js';
import { until } from '../helpers/until.js';

const spec = topology(
  {
    registry: 'announcements',
    synadia: { owner: 'acme', heartbeatS: 1 },
    agents: [
      { name: 'desk', llm: 'offline', synadia: true },
      { name: 'helper', llm: 'offline' },
    ],
    externalAgents: [{ name: 'reviewer', synadia: { agent: 'stand-in', owner: 'ops', name: 'reviewer' } }],
    edges: [{ from: 'desk', to: 'reviewer', kind: 'request' }],
  },
  'synadia conf test',
);

/** desk streams an echo, or asks the reviewer over the protocol when told to. */
const deskHandler: MessageHandler = async (message, context) => {
  if (message.content.startsWith('review: ')) {
    const review = await context.agent.request('reviewer', message.content.slice('review: '.length), { timeoutMs: 5000 });
    return { content: `desk got: ${review.content}` };
  }
  context.stream?.write('desk says: ');
  context.stream?.write(message.content);
  return { content: `desk says: ${message.content}` };
};

async function answer(agent: SynadiaAgent, prompt: string): Promise<string[]> {
  const texts: string[] = [];
  for await (const message of await agent.prompt(prompt)) if (message.type === 'response') texts.push(message.text);
  return texts;
}

/** The server's permission violations so far (it logs each as an error). */
const violationLines = (server: ConfServer) => server.output().split('\n').filter((line) => /Violation/i.test(line));

describe('a topology with a served agent and an external Synadia agent', () => {
  let server: ConfServer;
  let network: AgentNetwork;
  let reviewer: AgentService;
  let client: Agents;
  let callerNc: NatsConnection;
  const prompted: string[] = [];

  beforeAll(async () => {
    server = await startConfServer(spec);
    // The stand-in external agent, logged in as its exported user.
    reviewer = new AgentService({ nc: await server.connectAs('reviewer'), agent: 'stand-in', owner: 'ops', name: 'reviewer', heartbeatIntervalS: 1, keepaliveIntervalS: null });
    reviewer.onPrompt(async (envelope, response) => {
      prompted.push(envelope.prompt);
      await response.send('Reviewed: ');
      await response.send(`"${envelope.prompt}"`);
    });
    await reviewer.start();
    // What `switchboard run --only desk --creds desk.nk` starts.
    const plan = planNetwork(spec, ['desk']);
    network = new AgentNetwork({
      connection: await server.login('desk'),
      agents: plan.agents.map((agent) => ({ ...agent, handler: deskHandler })),
      profile: plan.profile,
      registryBucket: plan.registryBucket,
      synadiaExternals: plan.synadiaExternals,
      heartbeatMs: 0,
    });
    await network.start();
    callerNc = await server.connectAs('synadia_caller');
    client = new Agents({ nc: callerNc });
  }, 30_000);
  afterAll(async () => {
    await client?.close();
    await network?.stop();
    await reviewer?.stop().catch(() => undefined);
    await server?.stop();
  });

  const discovered = async (agent: string, name: string): Promise<SynadiaAgent> => {
    const found = await client.discover({ timeoutMs: 1000 });
    const match = found.find((a) => a.agent === agent && a.name === name);
    if (!match) throw new Error(`${agent}/${name} was not discovered (found: ${found.map((a) => `${a.agent}/${a.name}`).join(', ')})`);
    return match;
  };

  it('passes nats-server -t', () => {
    const check = spawnSync(natsServerBinary(), ['-t', '-c', server.confPath], { encoding: 'utf8' });
    expect(check.stderr + check.stdout).toMatch(/valid/);
    expect(check.status).toBe(0);
  });

  it('the SDK client, as synadia_caller, discovers desk, prompts it and reads its streamed answer; heartbeats reach it', async () => {
    const desk = await discovered('switchboard', 'desk');
    expect(desk.owner).toBe('acme');
    const texts = await answer(desk, 'hello');
    expect(texts.join('')).toBe('desk says: hello');
    expect(texts.length).toBeGreaterThan(1);
    await until(() => client.liveness(desk.instanceId) !== null, "desk's heartbeat at the caller", 5000);
  });

  it('desk calls the external stand-in along its request edge (discovery, prompt, streamed answer), and the registry follows it', async () => {
    const desk = await discovered('switchboard', 'desk');
    expect((await answer(desk, 'review: the plan')).join('')).toBe('desk got: Reviewed: "the plan"');
    expect(prompted).toContain('the plan');
    await until(() => network.registry.get('reviewer')?.status === 'available', 'the reviewer in the registry', 5000);
  });

  it('none of that met a permission violation', () => {
    expect(violationLines(server)).toEqual([]);
  });

  it('refuses the caller what is not granted: other prompt subjects, Switchboard subjects, taking prompts', async () => {
    const statuses = violations(callerNc);
    callerNc.publish('agents.prompt.stand-in.ops.reviewer', 'not served by this topology');
    callerNc.publish('agents.request.desk', '{}');
    await callerNc.flush();
    await until(() => statuses.length >= 2, 'two publish refusals');
    expect(statuses.map((s) => [s.operation, s.subject])).toEqual([
      ['publish', 'agents.prompt.stand-in.ops.reviewer'],
      ['publish', 'agents.request.desk'],
    ]);
    expect((await subscribeVerdict(callerNc, 'agents.prompt.switchboard.acme.desk')).refused).toMatchObject({ operation: 'subscription' });
    expect((await subscribeVerdict(callerNc, '_INBOX_desk.>')).refused).toMatchObject({ operation: 'subscription' });
  });

  it("refuses the external agent desk's heartbeat and prompt endpoint, and an agent without the edge the reviewer's prompt", async () => {
    const nc = await server.connectAs('reviewer');
    const statuses = violations(nc);
    nc.publish('agents.hb.switchboard.acme.desk', '{}');
    await nc.flush();
    await until(() => statuses.length > 0, 'a publish refusal');
    expect(statuses[0]).toMatchObject({ operation: 'publish', subject: 'agents.hb.switchboard.acme.desk' });
    expect((await subscribeVerdict(nc, 'agents.prompt.switchboard.acme.desk')).refused).toMatchObject({ operation: 'subscription' });

    const helper = await server.connectAs('helper');
    expect(await refusal(helper.request('agents.prompt.stand-in.ops.reviewer', 'hi', { timeout: 5000 }))).toMatchObject({ operation: 'publish' });
    // The server logs these refusals: the no-violation check above reads a log that does show them.
    await until(() => violationLines(server).some((line) => line.includes('agents.prompt.stand-in.ops.reviewer')), 'the refusal in the server log', 5000);
  });
});

describe('the synadia-bridge template run as compose runs it: one `switchboard run --only` per agent, each with its own seed', () => {
  it('a protocol client prompts the served desk, which delegates to the external reviewer and to docs_agent', async () => {
    const file = path.join(repoRoot, 'templates', 'synadia-bridge.yaml');
    const bridge = loadTopology(await readFile(file, 'utf8'), file).topology!;
    const server = await startConfServer(bridge);
    const dir = path.dirname(server.confPath);
    const url = `nats://${String((await server.login(OBSERVER_USER)).servers)}`;
    const runs: Promise<CliOutcome>[] = [];
    let reviewer: AgentService | null = null;
    let client: Agents | null = null;
    try {
      reviewer = new AgentService({ nc: await server.connectAs('reviewer'), agent: 'claude-code', owner: 'acme', name: 'reviewer', keepaliveIntervalS: null });
      reviewer.onPrompt(async (envelope, response) => {
        await response.send('Looks fine: ');
        await response.send(envelope.prompt);
      });
      await reviewer.start();
      for (const agent of ['docs_agent', 'desk']) {
        runs.push(runCli(['run', file, '--nats', url, '--creds', path.join(dir, `${agent}.nk`), '--only', agent, '--duration', '50'], { timeoutMs: 60_000 }));
      }
      // Both registered (the observer reads the registry), and desk served.
      const kv = await new Kvm(await server.connectAs(OBSERVER_USER)).open(DEFAULT_REGISTRY_BUCKET);
      await until(async () => {
        const keys: string[] = [];
        // The bucket appears with the first agent that registers.
        for await (const key of await kv.keys().catch(() => [])) keys.push(key);
        return ['desk', 'docs_agent'].every((name) => keys.some((key) => key.startsWith(`${name}.`)));
      }, 'desk and docs_agent in the registry', 30_000);
      client = new Agents({ nc: await server.connectAs('synadia_caller') });
      const agents = client;
      let desk: SynadiaAgent | undefined;
      await until(async () => (desk = (await agents.discover({ timeoutMs: 500 })).find((a) => a.agent === 'switchboard' && a.name === 'desk')) !== undefined, 'desk discovered', 15_000);
      const text = (await answer(desk!, 'Review the retry loop in fetch.ts and find the docs on backoff')).join('');
      expect(text).toContain('[code.review → reviewer] Looks fine: Review the retry loop in fetch.ts');
      expect(text).toContain('[docs.search → docs_agent] Docs on backoff');
      expect(violationLines(server)).toEqual([]);
    } finally {
      await client?.close();
      await reviewer?.stop().catch(() => undefined);
      // Only the two runs this test started: their command lines name its own seed files.
      for (const pid of pidsWithCommandLine(cliPath, dir)) process.kill(pid, 'SIGTERM');
      const outcomes = await Promise.allSettled(runs);
      await server.stop();
      for (const outcome of outcomes) if (outcome.status === 'fulfilled') expect(outcome.value.stderr).not.toMatch(/Permissions Violation/i);
    }
  }, 90_000);
});
