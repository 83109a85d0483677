/** A topology whose one agent, `helper`, calls the echo MCP server of test/fixtures/mcp (scripted: "say X" echoes X). */
import path from 'node:path';

const fixture = path.resolve('test/fixtures/mcp/echo-server.mjs');

/** The topology's YAML; `command` runs the echo server (node by default), `expose` puts it on the bus (seed 002), `protocolGateway` is `spec.protocolGateway` (YAML flow). */
export function echoMcpTopology(options: { expose?: boolean; command?: string; protocolGateway?: string } = {}): string {
  return `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: mcp-demo }
spec:
  llms: { offline: { provider: scripted } }
${options.protocolGateway ? `  protocolGateway: ${options.protocolGateway}\n` : ''}  mcpServers:
    - name: echo
      command: ${JSON.stringify(options.command ?? process.execPath)}
      args: [${JSON.stringify(fixture)}]
      exposeOnNats: ${options.expose ?? false}
      timeoutMs: 5000
  agents:
    - name: helper
      llm: offline
      tools: [echo/echo]
      script:
        rules:
          - matches: "^say (.+)$"
            tool_calls: [{ name: echo__echo, arguments: { text: "{{match.1}}" } }]
          - after_tool: echo__echo
            reply: "MCP said: {{tool_result}}"
          - matches: "^delete"
            tool_calls: [{ name: echo__fail, arguments: {} }]
          - after_tool: echo__fail
            reply: "unexpected"
        fallback: "refused: {{tool_result}}"
`;
}
