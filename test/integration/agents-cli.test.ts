// `switchboard agents` (the built CLI) on a real nats-server: the seed-000 trio template running,
// a seed-001 agent, a seed-002 status publisher and a Synadia protocol agent built with the
// protocol's own agent SDK are all listed with their protocol, capabilities or endpoints and
// status; agents that stop read offline or are gone; bad flags and unreachable servers fail clearly.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredAgent } from '../../agents/protocol/discovered-agent.js';
import { SEED_001_PROFILE } from '../../agents/protocol/subjects.js';
import { Agent } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { loadTopology } from '../../agents/topology/load.js';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let nats: TestServer;
let dir: string;
let seedFile: string;
let network: AgentNetwork;
let seed001: Agent;
let seed002: NatsConnection;
let synadiaNc: NatsConnection;
let synadia: AgentService;

type Listed = DiscoveredAgent & { bus: string };
const find = (agents: Listed[], protocol: string, name: string) => agents.find((a) => a.protocol === protocol && a.name === name);

async function listAgents(...extra: string[]): Promise<Listed[]> {
  const out = await runCli(['agents', '--nats', nats.url, '--creds', seedFile, '--wait', '0.8', '--json', ...extra]);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return (JSON.parse(out.stdout) as { agents: Listed[] }).agents;
}

beforeAll(async () => {
  nats = await startTestServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sb-agents-cli-'));
  seedFile = path.join(dir, 'user.nk');
  writeFileSync(seedFile, nats.connectSettings.nkeySeed!);

  const trio = loadTopology(readFileSync(path.join(repo, 'templates', 'seed-000-trio.yaml'), 'utf8'), 'seed-000-trio.yaml').topology!;
  const plan = planNetwork(trio);
  network = new AgentNetwork({ connection: nats.connection, agents: plan.agents, profile: plan.profile, registryBucket: plan.registryBucket, heartbeatMs: 0 });
  await network.start();
  seed001 = new Agent({ name: 'llm_agent', description: 'writes text', capabilities: ['generate_text'], profile: SEED_001_PROFILE, connection: nats.connection, heartbeatMs: 0 });
  await seed001.start();

  // A seed-002 agent: answers discovery requests and publishes its status.
  seed002 = await connect({ ...nats.connection, name: 'analyzer-7' });
  const status = JSON.stringify({ id: 'm1', type: 'event', source: { id: 'analyzer-7', type: 'agent' }, payload: { content: { status: 'online', agent_type: 'analysis', capabilities: ['analysis'] } } });
  seed002.subscribe('agents.prod.discovery.requests', { callback: () => seed002.publish('agents.prod.discovery.responses', status) });
  await seed002.flush();

  synadiaNc = await connect({ ...nats.connection, name: 'synadia-echo' });
  synadia = new AgentService({ nc: synadiaNc, agent: 'echo', owner: 'tests', name: 'echo1', description: 'echoes what it is told' });
  synadia.onPrompt((envelope, response) => response.send(envelope.prompt));
  await synadia.start();
});

afterAll(async () => {
  await synadia?.stop().catch(() => undefined);
  await synadiaNc?.close();
  await seed002?.close();
  await seed001?.stop(200);
  await network?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('switchboard agents', () => {
  it('lists seed-000, seed-001, seed-002 and Synadia agents with protocol, capabilities or endpoints, status and node', async () => {
    const agents = await listAgents();
    for (const name of ['task_coordinator', 'weather_bot', 'general_assistant']) {
      const agent = find(agents, 'seed-000', name);
      expect(agent, name).toMatchObject({ status: 'available', instances: 1, bus: nats.url });
      expect(agent?.capabilities.length, name).toBeGreaterThan(0);
      expect(agent?.node, name).toMatch(/\S/); // the server's name, from the agent's registry entry
    }
    expect(find(agents, 'seed-001', 'llm_agent')).toMatchObject({ status: 'available', capabilities: ['generate_text'], endpoints: [{ name: 'request', subject: 'agent.llm_agent.task' }] });
    expect(find(agents, 'seed-002', 'analyzer-7')).toMatchObject({ status: 'available', capabilities: ['analysis'] });
    const echo = find(agents, 'synadia', 'echo1');
    expect(echo).toMatchObject({ status: 'available', description: 'echoes what it is told', synadia: { agent: 'echo', owner: 'tests', name: 'echo1' } });
    expect(echo?.endpoints).toContainEqual({ name: 'prompt', subject: 'agents.prompt.echo.tests.echo1' });
    expect(agents.filter((a) => a.protocol === 'seed-000' && a.name === 'llm_agent')).toEqual([]); // its registry entry says seed-001

    const table = await runCli(['agents', '--nats', nats.url, '--creds', seedFile, '--wait', '0.5']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+PROTOCOL\s+CAPABILITIES \/ ENDPOINTS\s+STATUS\s+LAST SEEN\s+NODE$/);
    expect(lines.find((l) => l.startsWith('echo1 '))).toMatch(/synadia\s+prompt \(agents\.prompt\.echo\.tests\.echo1\), status\s+available\s+\d+ s ago/);
    expect(lines.find((l) => l.startsWith('analyzer-7 '))).toMatch(/seed-002\s+analysis\s+available/);
    expect(table.stderr).toContain(`Listening 0.5 s on ${nats.url}`);
  });

  it('shows agents that stopped as offline (seed-000) or not at all (Synadia: no longer answers)', async () => {
    await synadia.stop();
    await network.stop();
    const agents = await listAgents();
    expect(find(agents, 'seed-000', 'weather_bot')).toMatchObject({ status: 'offline', instances: 0 });
    expect(find(agents, 'synadia', 'echo1')).toBeUndefined();
    expect(find(agents, 'seed-001', 'llm_agent')?.status).toBe('available');
  });

  it('fails clearly on bad flags, unreadable credentials and unreachable servers', async () => {
    const badWait = await runCli(['agents', '--wait', 'soon']);
    expect(badWait.code).toBe(2);
    expect(badWait.stderr).toContain('switchboard agents: --wait: "soon" is not a positive number.');
    const badUrl = await runCli(['agents', '--nats', 'not a url']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('is not a NATS URL');
    const noCreds = await runCli(['agents', '--nats', nats.url, '--creds', path.join(dir, 'missing.creds')]);
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toContain('cannot read the credentials file');
    const closedPort = await freePort();
    const down = await runCli(['agents', '--nats', `nats://127.0.0.1:${closedPort}`, '--wait', '0.2']);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain(`NATS unavailable: nothing answers at nats://127.0.0.1:${closedPort}`);
  });

  it('asks nats://127.0.0.1:4222 without --nats and says when nothing answers there', async () => {
    const out = await runCli(['agents', '--wait', '0.2', '--json']);
    if (await portOpen(4222)) {
      expect(out.code).toBe(0); // someone's server answers on this machine: the default was asked
      return;
    }
    expect(out.code).toBe(4);
    expect(out.stderr).toContain('nothing answers at nats://127.0.0.1:4222 (no server there: start one, or give --nats URL)');
  });
});

/** A port nobody listens on (taken and released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when something accepts connections on `port`. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
