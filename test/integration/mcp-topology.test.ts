// An MCP tool call end to end: a topology declares a stdio MCP server, an agent is allowed one of
// its tools, the scripted model calls it, the gateway records it, and the reply carries the
// result. Also through `switchboard run`, and with the server exposed on the bus (seed 002).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agents/runtime/agent.js';
import type { RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { startMcpServers } from '../../agents/tools/mcp/host.js';
import { McpNatsBackend } from '../../agents/tools/mcp/nats-exposure.js';
import { loadTopology } from '../../agents/topology/load.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { runCli } from '../helpers/cli.js';
import { echoMcpTopology } from '../helpers/mcp-echo-topology.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const topologyText = (expose: boolean) => echoMcpTopology({ expose });

let nats: TestServer;
let tmp: string;
beforeAll(async () => {
  nats = await startTestServer();
  tmp = await makeTempDir('mcp-topology');
});
afterAll(async () => {
  await nats.stop();
  await removeTempDir(tmp);
});

describe('an MCP tool in a topology', () => {
  it('is listed, allowlisted, called through the gateway and answered; other tools of the server are refused', async () => {
    const topology = loadTopology(topologyText(true), 'mcp.yaml').topology!;
    const bus = await connect({ ...nats.connection, name: 'mcp-host' });
    const mcp = await startMcpServers(topology, ['helper'], { connection: bus });
    const plan = planNetwork(topology, undefined, { backends: mcp.backends });
    const network = new AgentNetwork({ connection: nats.connection, agents: plan.agents, heartbeatMs: 0, registryBucket: null });
    const results: RuntimeEvents['tool.result'][] = [];
    network.events.on('tool.result', (r) => results.push(r));
    const calls: RuntimeEvents['llm.call'][] = [];
    network.events.on('llm.call', (c) => calls.push(c));
    await network.start();
    const user = new Agent({ name: 'mcp_user', connection: nats.connection, heartbeatMs: 0, registryBucket: null });
    await user.start();
    try {
      const reply = await user.request('helper', 'say hello over MCP');
      expect(reply.content).toBe('MCP said: hello over MCP');
      expect(calls[0]!.request.tools.map((t) => t.name)).toEqual(['echo__echo']); // only the allowed tool is offered
      expect(results[0]).toMatchObject({ agent: 'helper', tool: 'echo__echo', arguments: { text: 'hello over MCP' }, result: 'hello over MCP', isError: false, refused: null });

      // echo__fail exists on the server but is not in helper's tools: the gateway refuses it.
      const refused = await user.request('helper', 'delete everything');
      expect(refused.content).toBe('unexpected');
      expect(results[1]).toMatchObject({ tool: 'echo__fail', refused: 'not_allowed', isError: true });

      // Exposed on seed 002's subject: another client reaches the same server through the bus.
      const remote = new McpNatsBackend(bus, { environment: 'dev', server: 'echo' });
      const remoteTools = await remote.list();
      expect(remoteTools.map((t) => t.name)).toContain('echo__echo');
      const viaBus = await remote.call('echo__echo', { text: 'via NATS' }, { agent: user, signal: new AbortController().signal });
      expect(viaBus).toEqual({ content: 'via NATS', isError: false });
    } finally {
      await user.stop();
      await network.stop();
      await mcp.stop();
      await bus.drain();
    }
  });

  it('runs through `switchboard run`', async () => {
    const file = path.join(tmp, 'mcp.yaml');
    writeFileSync(file, topologyText(false));
    const { code, stdout, stderr } = await runCli(['run', file, '--quiet', '--input', 'say hi from the CLI', '--to', 'helper']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('MCP said: hi from the CLI\n');
  });
});
