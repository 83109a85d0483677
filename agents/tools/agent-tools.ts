/**
 * An agent's tools as its topology entry declares them: one gateway over the topology's scripted
 * tools, the built-ins it lists, and the MCP servers it may use (`server/tool`, `server/*`).
 */
import { mcpThroughProtocolGateway } from '../interop/gateway/mcp.js';
import type { RuntimeEventBus } from '../protocol/runtime-events.js';
import type { Topology } from '../topology/schema.js';
import type { JetStreamBuckets } from '../runtime/jetstream-buckets.js';
import { BUILT_IN_TOOLS } from '../topology/validate.js';
import type { CapabilityLookup } from './agent-handle.js';
import { BuiltInBackend } from './builtin-backend.js';
import { ToolGateway, type ToolBackend, type ToolPolicy } from './gateway.js';
import { MCP_SEPARATOR, mcpAllowEntry } from './mcp/stdio-backend.js';
import { ScriptedToolsBackend } from './scripted-backend.js';

/** What an agent's tools need from the running network. */
export interface ToolServices {
  events: RuntimeEventBus;
  registry: CapabilityLookup | null;
  /** One backend per MCP server of the topology, by server name (started once per network). */
  mcp: ReadonlyMap<string, ToolBackend>;
  /** Opens blackboards with the topology's replicas (the network's). */
  buckets?: JetStreamBuckets;
}


/** Builds the gateway of `agentName`. */
export async function createAgentTools(topology: Topology, agentName: string, services: ToolServices): Promise<ToolGateway> {
  const spec = topology.spec;
  const agent = spec.agents.find((a) => a.name === agentName);
  if (!agent) throw new Error(`No agent named ${agentName} in ${topology.metadata.name}.`);
  const declared = new Map(spec.tools.map((t) => [t.name, t]));
  // A tool whose own allowlist leaves this agent out stays out, whatever the agent lists.
  const allow = agent.tools.filter((name) => declared.get(name)?.allow?.includes(agentName) ?? true).map(mcpAllowEntry);
  const builtIns = agent.tools.filter((name) => (BUILT_IN_TOOLS as readonly string[]).includes(name) && !declared.has(name));
  const servers = new Set(agent.tools.filter((t) => t.includes('/')).map((t) => t.split('/')[0]!));

  const backends: ToolBackend[] = [
    new ScriptedToolsBackend(spec.tools),
    new BuiltInBackend(builtIns, {
      blackboards: new Map(spec.blackboards.filter((b) => agent.blackboards.includes(b.name)).map((b) => [b.name, b.bucket ?? b.name])),
      registry: services.registry,
      delegation: { timeoutMs: agent.pattern?.subtaskTimeoutMs ?? 30_000, maxParallel: agent.pattern?.maxParallel ?? 8 },
      environment: spec.environment,
      ...(services.buckets && { buckets: services.buckets }),
    }),
    // Seed 004 sequence 2.2: MCP-backed calls pass this (tool) gateway, then the protocol gateway.
    ...mcpThroughProtocolGateway(
      topology,
      agentName,
      services.events,
      [...servers].flatMap((server) => {
        const backend = services.mcp.get(server);
        return backend ? [backend] : [];
      }),
    ),
  ];
  const policies = new Map<string, ToolPolicy>(spec.tools.map((t) => [t.name, policyOf(t)]));
  const serverPolicies = new Map<string, ToolPolicy>(spec.mcpServers.map((s) => [s.name, policyOf(s)]));
  return ToolGateway.create({
    agent: agentName,
    backends,
    allow,
    events: services.events,
    policy: (tool) => policies.get(tool) ?? serverPolicies.get(tool.split(MCP_SEPARATOR)[0]!), // server names never contain the separator (schema)
  });
}

function policyOf(entry: { rateLimit?: ToolPolicy['rateLimit']; timeoutMs?: number; idempotent?: boolean }): ToolPolicy {
  return {
    ...(entry.rateLimit && { rateLimit: entry.rateLimit }),
    ...(entry.timeoutMs !== undefined && { timeoutMs: entry.timeoutMs }),
    ...(entry.idempotent !== undefined && { idempotent: entry.idempotent }),
  };
}
