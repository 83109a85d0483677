/**
 * The MCP servers of a running topology: each server that a local agent may use is started once
 * (stdio) and shared by those agents' gateways; a server marked `exposeOnNats` is also served on
 * seed 002's subject so agents elsewhere reach it through the bus.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Topology } from '../../topology/schema.js';
import type { ToolBackend } from '../gateway.js';
import { exposeMcpOnNats, type McpNatsExposure } from './nats-exposure.js';
import { McpStdioBackend } from './stdio-backend.js';

/** Started MCP servers; `stop()` ends exposures (talking to NATS only until `deadline`), then the processes. */
export interface McpServers {
  backends: ReadonlyMap<string, ToolBackend>;
  stop(deadline?: number): Promise<void>;
}

/** Options for {@link startMcpServers}. */
export interface McpServersOptions {
  /** Relative `cwd`s are relative to this (the topology file's folder). */
  baseDir?: string;
  /** Needed to expose servers on the bus. */
  connection?: NatsConnection;
}

/** Starts the servers `agents` use; on any failure stops what started and rethrows. */
export async function startMcpServers(topology: Topology, agents: readonly string[], options: McpServersOptions = {}): Promise<McpServers> {
  const used = new Set(
    topology.spec.agents.filter((a) => agents.includes(a.name)).flatMap((a) => a.tools.filter((t) => t.includes('/')).map((t) => t.split('/')[0]!)),
  );
  const backends = new Map<string, McpStdioBackend>();
  const exposures: McpNatsExposure[] = [];
  const stop = async (deadline?: number) => {
    await Promise.all(exposures.splice(0).map((e) => e.stop(deadline).catch(() => undefined)));
    await Promise.all([...backends.values()].map((b) => b.close().catch(() => undefined)));
  };
  try {
    for (const spec of topology.spec.mcpServers) {
      if (!used.has(spec.name) && !spec.exposeOnNats) continue;
      const backend = await McpStdioBackend.start(spec, { ...(options.baseDir && { baseDir: options.baseDir }) });
      backends.set(spec.name, backend);
      if (spec.exposeOnNats) {
        if (!options.connection) throw new Error(`MCP server "${spec.name}" is to be exposed on NATS, but no connection was given.`);
        exposures.push(await exposeMcpOnNats(options.connection, { environment: topology.spec.environment, server: spec.name, backend }));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { backends, stop };
}
