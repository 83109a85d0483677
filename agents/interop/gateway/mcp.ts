/**
 * MCP-backed tools through the protocol gateway (seed 004 sequence 2.2): the tool gateway
 * (governance: allowlist, rate limit, idempotency, audit) hands an MCP-backed call to the protocol
 * gateway (PII stripped from the arguments, the response sanitized, `protocol.mcp.request/response`
 * recorded), whose MCP adapter calls the stdio MCP server. In-process: the seed draws TG->>PGW
 * directly. Built-in and scripted tools never pass here.
 */
import type { RuntimeEventBus } from '../../protocol/runtime-events.js';
import type { Topology } from '../../topology/schema.js';
import type { ToolBackend } from '../../tools/gateway.js';
import { McpStdioBackend } from '../../tools/mcp/stdio-backend.js';
import type { ToolCallContext, ToolResult } from '../../tools/tool-executor.js';
import { ProtocolGateway } from './gateway.js';
import type { AdapterCall, AdapterResult, GatewayPeer, ProtocolAdapter } from './types.js';

/** The tool gateway's own default timeout: the MCP call is bounded by the same figure unless the server sets one. */
const DEFAULT_MCP_TIMEOUT_MS = 60_000;

/** The MCP wire side: `tools/call` on a started stdio server (by server name); `operation` is the tool as the model names it. */
export class McpAdapter implements ProtocolAdapter {
  readonly protocol = 'mcp' as const;

  constructor(private readonly servers: ReadonlyMap<string, Pick<McpStdioBackend, 'call'>>) {}

  async call(input: AdapterCall): Promise<AdapterResult> {
    const server = this.servers.get(input.peer);
    if (!server) throw new Error(`no MCP server named "${input.peer}" is running.`);
    if (input.operation === undefined) throw new Error('no tool named for the MCP call.');
    const args = input.data !== null && typeof input.data === 'object' && !Array.isArray(input.data) ? (input.data as Record<string, unknown>) : {};
    const result = await server.call(input.operation, args, { signal: input.signal });
    return { text: result.content, state: result.isError ? 'failed' : 'completed' };
  }
}

/** One MCP server's tools, each call passing the protocol gateway. */
class GatewayedMcpBackend implements ToolBackend {
  constructor(
    private readonly inner: McpStdioBackend,
    private readonly gateway: ProtocolGateway,
    private readonly agent: string,
    private readonly peer: GatewayPeer,
  ) {}

  list() {
    return this.inner.list();
  }

  async call(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult> {
    const result = await this.gateway.exchange({ agent: this.agent, peer: this.peer, text: '', data: args, operation: name, runId: context.runId, signal: context.signal });
    // The tool's own error text goes back to the model as before; a gateway failure says what happened.
    return { content: result.text, isError: !result.ok };
  }
}

/**
 * `backends` with each started stdio MCP server wrapped so its calls pass the protocol gateway
 * (one per agent: its events name the agent). Other backends (replay stand-ins) pass unchanged.
 */
export function mcpThroughProtocolGateway(topology: Topology, agent: string, events: RuntimeEventBus, backends: readonly ToolBackend[]): ToolBackend[] {
  const stdio = backends.filter((b): b is McpStdioBackend => b instanceof McpStdioBackend);
  if (stdio.length === 0) return [...backends];
  const gateway = new ProtocolGateway({ adapters: [new McpAdapter(new Map(stdio.map((b) => [b.server, b])))], events, settings: topology.spec.protocolGateway });
  const timeoutOf = (server: string) => topology.spec.mcpServers.find((s) => s.name === server)?.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS;
  return backends.map((b) => (b instanceof McpStdioBackend ? new GatewayedMcpBackend(b, gateway, agent, { name: b.server, protocol: 'mcp', timeoutMs: timeoutOf(b.server) }) : b));
}
