/**
 * A plain replay starts no MCP server (their calls answer from the record): each server of the
 * topology is stood in for by a backend that offers the tools the recorded model requests saw
 * from it, so the agents offer the model the same tools as in the recorded run.
 */
import type { LlmTool } from '../../llm/provider.js';
import type { Topology } from '../../topology/schema.js';
import type { ToolBackend } from '../../tools/gateway.js';
import type { McpServers } from '../../tools/mcp/host.js';
import { MCP_SEPARATOR } from '../../tools/mcp/stdio-backend.js';
import type { Recording } from './recording.js';

/** Stand-ins for the topology's MCP servers, listing the tools the recording offered from each. */
export function replayMcpServers(topology: Topology, recording: Recording): McpServers {
  const seen = new Map<string, LlmTool>();
  for (const call of recording.llmCalls) for (const tool of call.request.tools) if (!seen.has(tool.name)) seen.set(tool.name, tool);
  const backends = new Map<string, ToolBackend>();
  for (const server of topology.spec.mcpServers) {
    const prefix = `${server.name}${MCP_SEPARATOR}`;
    const tools = [...seen.values()].filter((t) => t.name.startsWith(prefix));
    backends.set(server.name, {
      list: async () => tools,
      // Never reached: the replay answers outside tools from the record before a backend is asked.
      call: async (name) => ({ content: `${name}: the MCP server ${server.name} is not started in a replay.`, isError: true }),
    });
  }
  return { backends, stop: async () => undefined };
}
