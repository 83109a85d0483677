/**
 * Serves a network's exposed agents to Synadia Agent Protocol callers: one service per running
 * instance (replicas share prompts through the protocol's queue group) and one run client,
 * `synadia_client`, that asks the agents on the callers' behalf. The network starts it after its
 * agents and stops it before them.
 */
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import type { SubjectProfile } from '../../protocol/subjects.js';
import { Agent } from '../../runtime/agent.js';
import type { Clock } from '../../runtime/clock.js';
import { SYNADIA_CLIENT_NAME, SynadiaAgentService, type SynadiaExposure } from './service.js';

/** Options of {@link serveOnSynadia}. */
export interface SynadiaServingOptions {
  /** The running instances to serve, each with its agent's description and exposure. */
  instances: readonly { agent: Agent; description: string; exposure: SynadiaExposure }[];
  connection: NodeConnectionOptions;
  profile: SubjectProfile;
  /** The Switchboard version each service declares. */
  version: string;
  clock?: Clock;
  /** As the network's agents: an agent known gone fails at once. */
  isGone?: (agent: string) => boolean;
}

/** Starts the client and every service; returns how to stop them (services first). */
export async function serveOnSynadia(options: SynadiaServingOptions): Promise<() => Promise<void>> {
  const client = new Agent({
    name: SYNADIA_CLIENT_NAME,
    connection: options.connection,
    profile: options.profile,
    heartbeatMs: 0,
    registryBucket: null,
    ...(options.isGone && { isGone: options.isGone }),
  });
  const services: SynadiaAgentService[] = [];
  const stop = async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
    await client.stop();
  };
  try {
    await client.start();
    for (const { agent, description, exposure } of options.instances) {
      services.push(
        await SynadiaAgentService.start({
          ...exposure,
          instance: agent,
          client,
          description,
          version: options.version,
          ...(options.clock && { clock: options.clock }),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
