/**
 * Serves a network's exposed agents to Synadia Agent Protocol callers: one service per running
 * instance (replicas share prompts through the protocol's queue group) and one run client,
 * `synadia_client`, that asks the agents on the callers' behalf. The network starts it after its
 * agents and stops it before them.
 */
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import type { SubjectProfile } from '../../protocol/subjects.js';
import { Agent } from '../../runtime/agent.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { SYNADIA_CLIENT_NAME, SynadiaAgentService, type SynadiaExposure } from './service.js';

/** How long a stop lets prompts in flight finish before their asking client goes (the rest end in a 500). */
export const SYNADIA_PROMPT_GRACE_MS = 2000;

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
    client: true,
    connection: options.connection,
    profile: options.profile,
    heartbeatMs: 0,
    registryBucket: null,
    ...(options.isGone && { isGone: options.isGone }),
  });
  const services: SynadiaAgentService[] = [];
  const clock = options.clock ?? systemClock;
  const stop = async () => {
    const stopped = services.splice(0);
    await Promise.all(stopped.map((service) => service.stop()));
    // The agents still run: prompts in flight get their answers, within a bound.
    await Promise.race([Promise.all(stopped.map((service) => service.settled())), clock.sleep(SYNADIA_PROMPT_GRACE_MS)]);
    for (const service of stopped) service.abandon('the Switchboard run stopped before the agent answered');
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
