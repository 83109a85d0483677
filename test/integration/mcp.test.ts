// MCP tools against a real stdio MCP server (test/fixtures/mcp/echo-server.mjs, written with the
// official SDK) and a real nats-server: listing with model-safe names, calls and their results,
// env by reference, aborts, no orphan processes, and MCP over NATS (seed 002) with its JSON-RPC
// errors and the `agents.{env}.mcp.{agent}.responses.{request_id}` copy.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agents/runtime/agent.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { ToolGateway } from '../../agents/tools/gateway.js';
import { exposeMcpOnNats, McpNatsBackend, mcpRequestSubject, type McpNatsExposure } from '../../agents/tools/mcp/nats-exposure.js';
import { McpStdioBackend, mcpToolName, toGatewayAllowlist, type McpServerSpec } from '../../agents/tools/mcp/stdio-backend.js';
import { McpServerSchema } from '../../agents/topology/schema.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { pidsWithCommandLine } from '../helpers/processes.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/mcp/echo-server.mjs', import.meta.url));
// An argument the fixture ignores: finds this run's server processes and no one else's.
const MARKER = `--switchboard-mcp-test=${randomUUID()}`;
const ENV = 'test';

const spec = (overrides: Partial<McpServerSpec> = {}): McpServerSpec =>
  McpServerSchema.parse({ name: 'echo', command: process.execPath, args: [FIXTURE, MARKER], ...overrides });

const backends: McpStdioBackend[] = [];
async function startBackend(overrides: Partial<McpServerSpec> = {}, hostEnv?: NodeJS.ProcessEnv): Promise<McpStdioBackend> {
  const backend = await McpStdioBackend.start(spec(overrides), hostEnv ? { hostEnv } : {});
  backends.push(backend);
  return backend;
}

const live = () => ({ signal: new AbortController().signal });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
  // Belt and braces: a failed test must not leave servers running for the next run.
  for (const pid of pidsWithCommandLine(MARKER)) process.kill(pid, 'SIGKILL');
});

describe('names', () => {
  it('prefixes tools with the server and keeps names model-safe', () => {
    expect(mcpToolName('echo', 'add')).toBe('echo__add');
    expect(mcpToolName('echo', 'say.hello')).toMatch(/^echo__say_hello_[0-9a-f]{8}$/);
    // Cleaning alone would make these two the same name.
    expect(mcpToolName('echo', 'a.b')).not.toBe(mcpToolName('echo', 'a_b'));
    const long = mcpToolName('echo', 'x'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^echo__x+_[0-9a-f]{8}$/);
    expect(() => mcpToolName('s'.repeat(60), 'tool')).toThrow(/MCP server name/);
  });

  it("maps an agent's `server/tool` and `server/*` entries to gateway allowlist entries", () => {
    expect(toGatewayAllowlist(['echo/add', 'files/*', 'send_message', 'echo/say.hello'])).toEqual([
      'echo__add',
      'files__*',
      'send_message',
      mcpToolName('echo', 'say.hello'),
    ]);
  });
});

describe('stdio MCP server', () => {
  let echo: McpStdioBackend;
  beforeAll(async () => {
    echo = await startBackend();
  });

  it('lists the tools with prefixed names, descriptions and input schemas', async () => {
    const tools = await echo.list();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['echo__add', 'echo__echo', 'echo__env', 'echo__fail', 'echo__picture', 'echo__pid', 'echo__slow', mcpToolName('echo', 'say.hello')].sort(),
    );
    const add = tools.find((t) => t.name === 'echo__add');
    expect(add?.description).toBe('Add two numbers.');
    expect(add?.parameters).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] });
    // MCP's own shapes keep the server's names (MCP over NATS serves these).
    expect(echo.mcpTools().map((t) => t.name)).toContain('say.hello');
  });

  it('calls tools and maps their results', async () => {
    expect(await echo.call('echo__echo', { text: 'hello there' }, live())).toEqual({ content: 'hello there', isError: false });
    expect(await echo.call('echo__add', { a: 2, b: 40 }, live())).toEqual({ content: '42', isError: false });
    expect(await echo.call(mcpToolName('echo', 'say.hello'), { name: 'Ada' }, live())).toEqual({ content: 'hello Ada', isError: false });
    // Text joined; an image described with its type and decoded size (the fixture's PNG is 70 bytes).
    expect(await echo.call('echo__picture', {}, live())).toEqual({ content: 'a pixel\n[image: image/png, 70 bytes]', isError: false });
  });

  it('reports a failing tool, bad arguments and an unknown tool as error results', async () => {
    expect(await echo.call('echo__fail', {}, live())).toEqual({ content: 'this tool always fails', isError: true });
    const bad = await echo.call('echo__add', { a: 'two', b: 2 }, live());
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/Invalid arguments for tool add/);
    expect(await echo.call('echo__nope', {}, live())).toEqual({ content: 'MCP server "echo" has no tool "echo__nope".', isError: true });
  });

  it('stops waiting when the signal aborts, and the server keeps serving', async () => {
    const controller = new AbortController();
    const pending = echo.call('echo__slow', { ms: 600_000 }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await echo.call('echo__echo', { text: 'still here' }, live())).toEqual({ content: 'still here', isError: false });
  });

  it('runs behind the gateway with the allowlist mapped from the topology', async () => {
    const gateway = await ToolGateway.create({ agent: 'tester', backends: [echo], allow: toGatewayAllowlist(['echo/add']), events: new RuntimeEventBus() });
    expect(gateway.tools().map((t) => t.name)).toEqual(['echo__add']);
    const context = { agent: new Agent({ name: 'tester', connection: {} }), runId: 'run-1', signal: new AbortController().signal };
    expect(await gateway.call({ id: '1', name: 'echo__add', arguments: { a: 1, b: 2 } }, context)).toEqual({ content: '3', isError: false });
    expect((await gateway.call({ id: '2', name: 'echo__echo', arguments: { text: 'x' } }, context)).isError).toBe(true);
  });
});

describe('environment by reference', () => {
  it("copies each referenced host variable, and nothing else of the host's", async () => {
    const backend = await startBackend({ env: { GREETING: 'SB_TEST_HOST_GREETING' } }, { ...process.env, SB_TEST_HOST_GREETING: 'hello from the host', SB_TEST_UNREFERENCED: 'secret' });
    expect(await backend.call('echo__env', { name: 'GREETING' }, live())).toEqual({ content: 'hello from the host', isError: false });
    expect(await backend.call('echo__env', { name: 'SB_TEST_UNREFERENCED' }, live())).toEqual({ content: 'SB_TEST_UNREFERENCED is not set', isError: true });
    // Commands still resolve: PATH comes along.
    expect(await backend.call('echo__env', { name: 'PATH' }, live())).toMatchObject({ isError: false, content: process.env['PATH'] });
  });

  it('refuses to start when a referenced host variable is missing, naming it', async () => {
    const before = pidsWithCommandLine(MARKER).length;
    await expect(startBackend({ env: { TOKEN: 'SB_TEST_MISSING_TOKEN' } }, {})).rejects.toThrow(
      'MCP server "echo" needs the environment variable SB_TEST_MISSING_TOKEN (for the server\'s TOKEN)',
    );
    expect(pidsWithCommandLine(MARKER)).toHaveLength(before);
  });
});

describe('starting and closing', () => {
  it('close() ends the child process, even with a call in flight', async () => {
    const backend = await startBackend();
    const pid = backend.pid;
    expect(pid).toBeGreaterThan(0);
    // The pid is the server itself, not a wrapper around it.
    expect(await backend.call('echo__pid', {}, live())).toEqual({ content: String(pid), isError: false });
    const inFlight = backend.call('echo__slow', { ms: 600_000 }, live());
    await backend.close();
    expect(isAlive(pid!)).toBe(false);
    expect(await inFlight).toMatchObject({ isError: true });
    expect(await backend.call('echo__echo', { text: 'x' }, live())).toMatchObject({ isError: true, content: expect.stringContaining('not running') });
  });

  it("a server that exits at start is a clear error with its stderr, and leaves no process", async () => {
    const marker = `${MARKER}-exits`;
    const script = `console.error('cannot open the database'); process.exit(3)`;
    await expect(startBackend({ args: ['-e', script, '--', marker] })).rejects.toThrow(/did not start[\s\S]*cannot open the database/);
    await expect(startBackend({ command: '/nonexistent/mcp-server' })).rejects.toThrow('command "/nonexistent/mcp-server" not found');
    await expect(startBackend({ command: 'no-such-mcp-server-here' })).rejects.toThrow('command "no-such-mcp-server-here" not found on the PATH');
    expect(pidsWithCommandLine(marker)).toEqual([]);
  });
});

describe('MCP over NATS', () => {
  let nats: TestServer;
  let serverSide: NatsConnection;
  let clientSide: NatsConnection;
  let echo: McpStdioBackend;
  let exposure: McpNatsExposure;
  const subject = mcpRequestSubject(ENV, 'echo');

  beforeAll(async () => {
    nats = await startTestServer();
    serverSide = await connect({ ...nats.connection, name: 'mcp-host' });
    clientSide = await connect({ ...nats.connection, name: 'mcp-client' });
    echo = await startBackend();
    exposure = await exposeMcpOnNats(serverSide, { environment: ENV, server: 'echo', backend: echo });
  });
  afterAll(async () => {
    await exposure?.stop();
    await Promise.all([serverSide?.close(), clientSide?.close()]);
    await nats?.stop();
  });

  const rpc = async (body: string): Promise<Record<string, unknown>> => (await clientSide.request(subject, body, { timeout: 5000 })).json();

  it("serves on seed 002's request subject", () => {
    expect(exposure.subject).toBe('agents.test.mcp.echo.requests');
  });

  it('lets an agent elsewhere list and call the tools over the bus', async () => {
    const remote = new McpNatsBackend(clientSide, { environment: ENV, server: 'echo' });
    expect(await remote.list()).toEqual(await echo.list());
    expect(await remote.call('echo__add', { a: 20, b: 22 }, live())).toEqual({ content: '42', isError: false });
    expect(await remote.call(mcpToolName('echo', 'say.hello'), { name: 'Grace' }, live())).toEqual({ content: 'hello Grace', isError: false });
    expect(await remote.call('echo__picture', {}, live())).toEqual({ content: 'a pixel\n[image: image/png, 70 bytes]', isError: false });
    expect(await remote.call('echo__fail', {}, live())).toEqual({ content: 'this tool always fails', isError: true });
  });

  it('answers in MCP shapes: initialize, ping, unprefixed tool names, CallToolResult', async () => {
    const init = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }));
    expect(init['result']).toMatchObject({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'echo' } });
    expect(await rpc(JSON.stringify({ jsonrpc: '2.0', id: 'p', method: 'ping' }))).toEqual({ jsonrpc: '2.0', id: 'p', result: {} });
    const list = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    expect(list).toMatchObject({ jsonrpc: '2.0', id: 1 });
    const tools = (list['result'] as { tools: { name: string; inputSchema: unknown }[] }).tools;
    expect(tools.map((t) => t.name)).toContain('say.hello');
    expect(tools.find((t) => t.name === 'echo')?.inputSchema).toMatchObject({ type: 'object', required: ['text'] });
    const call = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 'c1', method: 'tools/call', params: { name: 'echo', arguments: { text: 'over the bus' } } }));
    expect(call).toEqual({ jsonrpc: '2.0', id: 'c1', result: { content: [{ type: 'text', text: 'over the bus' }] } });
  });

  it('answers bad requests with JSON-RPC errors', async () => {
    expect(await rpc('{not json')).toMatchObject({ id: null, error: { code: -32700 } });
    expect(await rpc(JSON.stringify({ id: 2, method: 'tools/list' }))).toMatchObject({ id: 2, error: { code: -32600 } });
    expect(await rpc(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'resources/list' }))).toMatchObject({ id: 3, error: { code: -32601, message: 'Method not found: resources/list' } });
    expect(await rpc(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { arguments: {} } }))).toMatchObject({ id: 4, error: { code: -32602 } });
    expect(await rpc(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'nope' } }))).toMatchObject({ id: 5, error: { code: -32602, message: 'Unknown tool: nope' } });
  });

  it("copies the response to agents.{env}.mcp.{agent}.responses.{request_id} when the caller names itself", async () => {
    const copies: Msg[] = [];
    let copied: () => void = () => {};
    const second = new Promise<void>((resolve) => (copied = resolve));
    const sub = clientSide.subscribe(`agents.${ENV}.mcp.*.responses.>`, {
      callback: (_, msg) => {
        copies.push(msg);
        if (copies.length === 1) copied();
      },
    });
    await clientSide.flush();
    try {
      const remote = new McpNatsBackend(clientSide, { environment: ENV, server: 'echo' });
      // No agent named: no copy. The server publishes a copy before it replies, and one connection's
      // messages arrive in order, so the named call's copy is the first one that can arrive.
      await remote.call('echo__echo', { text: 'anonymous' }, live());
      await remote.call('echo__echo', { text: 'from tester' }, { ...live(), agent: { name: 'tester' } });
      await second;
      expect(copies).toHaveLength(1);
      const [copy] = copies;
      const body = copy!.json<{ id: string; result: unknown }>();
      expect(copy!.subject).toBe(`agents.${ENV}.mcp.tester.responses.${body.id}`);
      expect(body.result).toEqual({ content: [{ type: 'text', text: 'from tester' }] });
    } finally {
      sub.unsubscribe();
    }
  });

  it('answers a seed 002 caller that publishes without a reply subject on its response subject', async () => {
    const id = randomUUID();
    const sub = clientSide.subscribe(`agents.${ENV}.mcp.listener.responses.${id}`, { max: 1 });
    await clientSide.flush();
    clientSide.publish(subject, JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 1 }, _meta: { agent: 'listener' } } }));
    for await (const msg of sub) {
      expect(msg.json()).toEqual({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: '2' }] } });
    }
  });

  it('stops waiting on an aborted remote call; stopping the exposure cancels the call it runs', async () => {
    const local = await startBackend();
    const served = await exposeMcpOnNats(serverSide, { environment: ENV, server: 'slowpoke', backend: local });
    const remote = new McpNatsBackend(clientSide, { environment: ENV, server: 'slowpoke' });
    await remote.list();
    const controller = new AbortController();
    const pending = remote.call('slowpoke__slow', { ms: 600_000 }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    // A call still running at the server when it stops is answered with an error, not left hanging.
    const running = remote.call('slowpoke__slow', { ms: 600_000 }, live());
    const answered = remote.call('slowpoke__echo', { text: 'ready' }, live());
    expect(await answered).toEqual({ content: 'ready', isError: false });
    await served.stop();
    expect(await running).toMatchObject({ isError: true, content: expect.stringContaining('stopped serving') });
    // Nothing serves it any more.
    expect(await remote.call('slowpoke__echo', { text: 'x' }, live())).toMatchObject({ isError: true, content: expect.stringContaining('No MCP server answers') });
  });

  it('says so when no server is exposed', async () => {
    const nobody = new McpNatsBackend(clientSide, { environment: ENV, server: 'nobody' });
    await expect(nobody.list()).rejects.toThrow('No MCP server answers on agents.test.mcp.nobody.requests');
  });
});
